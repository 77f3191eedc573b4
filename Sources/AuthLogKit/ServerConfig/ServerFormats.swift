#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The formats of the servers' configurations added to a pattern set, and which files
/// are read with which of them.
public struct ServerFormats: Sendable {
    public var patterns: PatternSet
    /// An `access_log`/`CustomLog` file written in a derived format, by its path: read with
    /// that format (see `FormatChoice`). Access files in a built-in layout are detected as
    /// before; `error_log`/`ErrorLog` files are read with their server's error format.
    public var formatsByPath: [String: String] = [:]
    /// The formats added, in order, for `authlog patterns`.
    public var derived: [DerivedFormat] = []
    /// Formats of the configuration authlog cannot read a refusal from (Debian's `referer`
    /// and `agent` formats log no status), with why: listed by `authlog patterns`, not errors.
    public var unusable: [(format: DerivedFormat, reason: String)] = []
    /// The `ErrorLogFormat`s added, in order; and those without a client, with why.
    public var derivedErrors: [DerivedErrorFormat] = []
    public var unusableErrorFormats: [(format: String, reason: String)] = []

    /// Adds `configuration`'s formats to `patterns`. A layout a built-in format already reads
    /// adds nothing. A format string that cannot be read is an error naming its file and line.
    public init(patterns: PatternSet, configuration: ServerConfiguration) throws(PatternError) {
        self.patterns = patterns
        for format in configuration.formats where format.builtinEquivalent == nil {
            do {
                try add(format)
            } catch let error where error.message.hasPrefix(DerivedFormat.unusableMessagePrefix) {
                unusable.append((format, error.message))
            }
        }
        for format in configuration.errorFormats { try add(format) }
        unusableErrorFormats = configuration.unusableErrorFormats
        // error_log and ErrorLog files are read with their server's error layout, built in
        // or derived, without detection (as access_log files are with theirs).
        var errorLogPaths: [String: String] = [:]
        for log in configuration.errorLogs where self.patterns.format(named: log.format) != nil {
            let path = (log.path as NSString).standardizingPath
            // Two error layouts in one file: no one format reads it, detection does.
            errorLogPaths[path] = errorLogPaths[path].map { $0 == log.format ? $0 : "" } ?? log.format
        }
        let accessLogPaths = Set(configuration.accessLogs.map { ($0.path as NSString).standardizingPath })
        for (path, format) in errorLogPaths where !format.isEmpty && !accessLogPaths.contains(path) {
            formatsByPath[path] = format
        }
        for log in configuration.accessLogs {
            guard let format = configuration.format(named: log.format, server: log.server),
                  format.builtinEquivalent == nil,
                  self.patterns.format(named: format.formatName) != nil else { continue }
            let path = (log.path as NSString).standardizingPath
            // A file the server writes its error log to as well holds both kinds of lines:
            // detection reads such a mix line by line, one forced format would not.
            guard errorLogPaths[path] == nil else { continue }
            formatsByPath[path] = format.formatName
        }
    }

    /// The configurations to read: the files given, or else (unless turned off) those of
    /// `ServerConfiguration.defaultFiles` that exist and are readable. A default file that
    /// cannot be read as a configuration is passed over: a scan is not stopped by a server's
    /// file it was not asked to read.
    public static func configuration(files: [String], readDefaults: Bool) throws(PatternError) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        if !files.isEmpty {
            for file in files {
                do {
                    configuration.merge(try ServerConfiguration.read(file: file))
                } catch {
                    throw error.patternError
                }
            }
            return configuration
        }
        guard readDefaults else { return configuration }
        for file in ServerConfiguration.defaultFiles where access(file, R_OK) == 0 {
            if let read = try? ServerConfiguration.read(file: file) { configuration.merge(read) }
        }
        return configuration
    }

    /// `--log-format nginx:FORMAT` or `apache:FORMAT`: the format string as a derived format
    /// (`nginx-config:inline`), or nil for a plain format name.
    public static func inlineFormat(_ argument: String) throws(PatternError) -> DerivedFormat? {
        for server in [DerivedFormat.ServerKind.nginx, .apache] where argument.hasPrefix(server.rawValue + ":") {
            let string = String(argument.dropFirst(server.rawValue.count + 1))
            let file = "--log-format", line = 1
            do {
                let layout = server == .nginx ? try NginxLogFormat.layout(string, file: file, line: line)
                    : try ApacheLogFormat.layout(string, file: file, line: line)
                return DerivedFormat(configName: "inline", server: server, layout: layout, escapesBackslashes: true,
                                     source: PatternSource(file: file, line: line, column: 1))
            } catch {
                throw error.patternError
            }
        }
        return nil
    }

    /// Compiles one derived format into the set (replacing one of the same name) and
    /// returns its name.
    @discardableResult
    public mutating func add(_ format: DerivedFormat) throws(PatternError) -> String {
        guard let rules = patterns.ruleSet(named: "access-log") else {
            throw PatternError(file: format.source.file, line: format.source.line,
                               message: "the pattern files define no [rules access-log], which derived formats use")
        }
        let definition: FormatDefinition
        do {
            let bodySize = format.messageStartsWithBodySize ? patterns.ruleSet(named: "clf-body-size") : nil
            definition = try format.definition(accessRules: rules, bodySizeRules: bodySize)
        } catch {
            throw error.patternError
        }
        let expander = FragmentExpander(fragments: patterns.fragments)
        try PatternLoader.validate(definition.detect, what: "format '\(definition.name)' detect", expander: expander)
        try PatternLoader.validate(definition.head, what: "format '\(definition.name)' head", expander: expander)
        patterns.formats.removeAll { $0.name == definition.name }
        patterns.formats.append(definition)
        derived.removeAll { $0.formatName == format.formatName }
        derived.append(format)
        return definition.name
    }
}

extension ServerFormats {
    /// Compiles an `ErrorLogFormat` into the set, as `apache-error` with the format's head
    /// (replacing one of the same name).
    public mutating func add(_ format: DerivedErrorFormat) throws(PatternError) {
        guard let base = patterns.format(named: DerivedErrorFormat.baseFormat) else {
            throw PatternError(file: format.source.file, line: format.source.line, message:
                "the pattern files define no format '\(DerivedErrorFormat.baseFormat)', whose rules ErrorLogFormat uses")
        }
        let definition = format.definition(base: base)
        let expander = FragmentExpander(fragments: patterns.fragments)
        try PatternLoader.validate(definition.detect, what: "format '\(definition.name)' detect", expander: expander)
        try PatternLoader.validate(definition.head, what: "format '\(definition.name)' head", expander: expander)
        for rule in definition.rules {
            if let regex = rule.regex {
                try PatternLoader.validate(regex, what: "format '\(definition.name)' rule '\(rule.id)'", expander: expander)
            }
        }
        patterns.formats.removeAll { $0.name == definition.name }
        patterns.formats.append(definition)
        derivedErrors.removeAll { $0.formatName == format.formatName }
        derivedErrors.append(format)
    }

    /// The pattern files, the servers' configurations and an inline `--log-format
    /// nginx:…`/`apache:…`, as one set: what every command that reads logs starts from.
    /// `inlineName` is the inline format's name, to force it on every input.
    public static func load(userDirectories: [String], configFiles: [String], readDefaults: Bool,
                            logFormat: String? = nil) throws(PatternError) -> (formats: ServerFormats, inlineName: String?) {
        let patterns = try PatternLoader.load(userDirectories: userDirectories)
        var formats = try ServerFormats(patterns: patterns,
                                        configuration: configuration(files: configFiles, readDefaults: readDefaults))
        guard let logFormat, let inline = try inlineFormat(logFormat) else { return (formats, nil) }
        if let builtin = inline.builtinEquivalent { return (formats, builtin) }
        let name = try formats.add(inline)
        return (formats, name)
    }
}
