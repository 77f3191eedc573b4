import Foundation
import PCRE2

/// Reads pattern files (the built-in ones, then the user's) into a validated `PatternSet`.
///
/// Everything is checked before a scan starts, so a broken file stops the run with an error
/// that names the file, the line and the offset, instead of failing halfway through a log:
/// every fragment, head and rule is compiled on its own and errors are traced back through
/// fragment expansion to the text the user wrote.
public enum PatternLoader {
    /// A pattern file's name and text.
    public struct File: Sendable {
        public var name: String
        public var text: String
        public init(name: String, text: String) {
            self.name = name
            self.text = text
        }
    }

    /// The pattern files compiled into the binary from the repository's `patterns/`.
    public static var builtinFiles: [File] {
        BuiltinPatternFiles.files.map { File(name: "patterns/" + $0.name, text: $0.text) }
    }

    /// The `*.conf` files of a directory, sorted by name. A user file whose name matches a
    /// built-in file replaces it; other files add fragments, formats or rules.
    public static func files(inDirectory path: String) throws(PatternError) -> [File] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw PatternError(file: path, line: 0, message: "cannot read pattern directory: \(describe(error))")
        }
        var files: [File] = []
        for name in names.sorted() where name.hasSuffix(".conf") {
            let filePath = (path as NSString).appendingPathComponent(name)
            if let size = (try? FileManager.default.attributesOfItem(atPath: filePath))?[.size] as? Int,
               size > maximumFileSize {
                throw PatternError(file: filePath, line: 0, message: "pattern file is \(size) bytes; the limit is \(maximumFileSize) (1 MiB)")
            }
            guard let data = FileManager.default.contents(atPath: filePath) else {
                throw PatternError(file: filePath, line: 0, message: "cannot read pattern file")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw PatternError(file: filePath, line: 0, message: "pattern file is not UTF-8 text")
            }
            files.append(File(name: filePath, text: text))
        }
        return files
    }

    /// Built-in files, with user files overriding those of the same base name.
    public static func load(userDirectories: [String] = []) throws(PatternError) -> PatternSet {
        var files = builtinFiles
        for directory in userDirectories {
            for file in try self.files(inDirectory: directory) {
                let base = baseName(file.name)
                files.removeAll { baseName($0.name) == base }
                files.append(file)
            }
        }
        return try load(files)
    }

    /// Pattern files are a few kilobytes; a larger one is refused before it is parsed, so a
    /// damaged or hostile file fails at once with a clear error instead of after minutes.
    public static let maximumFileSize = 1 << 20

    public static func load(_ files: [File]) throws(PatternError) -> PatternSet {
        var parsed: [(File, [PatternFileParser.Section])] = []
        for file in files {
            guard file.text.utf8.count <= maximumFileSize else {
                throw PatternError(file: file.name, line: 0, message: "pattern file is \(file.text.utf8.count) bytes; "
                                       + "the limit is \(maximumFileSize) (1 MiB)")
            }
            do {
                parsed.append((file, try PatternFileParser.parse(file.text)))
            } catch {
                throw PatternError(file: file.name, line: error.line, message: error.message)
            }
        }

        // Fragments first: any file may use any file's fragments.
        var fragments: [String: PatternText] = [:]
        for (file, sections) in parsed {
            for section in sections where section.header == "fragments" {
                for entry in section.entries {
                    guard isFragmentName(entry.key) else {
                        throw PatternError(file: file.name, line: entry.line,
                                           message: "fragment name '\(entry.key)' must be upper case letters, digits and '_'")
                    }
                    if let existing = fragments[entry.key] {
                        throw PatternError(file: file.name, line: entry.line,
                                           message: "fragment <\(entry.key)> is already defined at \(existing.source)")
                    }
                    fragments[entry.key] = text(entry, in: file)
                }
            }
        }
        let expander = FragmentExpander(fragments: fragments)
        for name in fragments.keys.sorted() {
            try validate(fragments[name]!, what: "fragment <\(name)>", expander: expander)
        }

        var formats: [FormatDefinition] = []
        for (file, sections) in parsed {
            var current: Int? = nil  // index into `formats` that [rule] sections belong to
            for section in sections {
                if section.header == "fragments" { continue }
                if section.header == "format" {
                    current = try formatSection(section, file: file, formats: &formats, expander: expander)
                    continue
                }
                if section.header.hasPrefix("rule ") || section.header == "rule" {
                    guard let current else {
                        throw PatternError(file: file.name, line: section.line,
                                           message: "[\(section.header)] comes before any [format] section")
                    }
                    let rule = try ruleSection(section, file: file, expander: expander)
                    if formats[current].rules.contains(where: { $0.id == rule.id }) {
                        throw PatternError(file: file.name, line: section.line,
                                           message: "format '\(formats[current].name)' already has a rule '\(rule.id)'")
                    }
                    formats[current].rules.append(rule)
                    continue
                }
                throw PatternError(file: file.name, line: section.line,
                                   message: "unknown section [\(section.header)]; expected [format], [fragments] or [rule NAME]")
            }
        }
        try rejectRulesMovingTheClient(formats, expander: expander)
        for format in formats where format.rules.isEmpty && !format.wrapsOtherFormats {
            throw PatternError(file: format.source.file, line: format.source.line,
                               message: "format '\(format.name)' has no [rule …] sections")
        }
        return PatternSet(fragments: fragments, formats: formats, files: files.map(\.name))
    }

    // MARK: - Sections

    /// A `[format]` section either defines a format or, holding only `name`, reopens an
    /// existing one so that the rules after it are added to it.
    private static func formatSection(_ section: PatternFileParser.Section, file: File,
                                      formats: inout [FormatDefinition],
                                      expander: FragmentExpander) throws(PatternError) -> Int {
        let known: Set<String> = ["name", "description", "detect", "hint", "path-hint", "head", "wraps", "pairs-with",
                                  "ambiguous-user", "escapes"]
        try rejectUnknownKeys(section, known: known, file: file)
        guard let name = section.value("name")?.value, !name.isEmpty else {
            throw PatternError(file: file.name, line: section.line, message: "[format] needs 'name = …'")
        }
        let existing = formats.firstIndex { $0.name == name }
        if section.entries.allSatisfy({ $0.key == "name" }) {
            guard let existing else {
                throw PatternError(file: file.name, line: section.line,
                                   message: "format '\(name)' is not defined; a new format needs 'detect' and 'head'")
            }
            return existing
        }
        if let existing {
            throw PatternError(file: file.name, line: section.line,
                               message: "format '\(name)' is already defined at \(formats[existing].source); "
                                   + "to add rules to it, give its [format] section only 'name'")
        }
        guard let detect = section.value("detect"), let head = section.value("head") else {
            throw PatternError(file: file.name, line: section.line, message: "format '\(name)' needs 'detect' and 'head'")
        }
        let wraps = section.value("wraps")?.value
        if let wraps, wraps != "all" {
            throw PatternError(file: file.name, line: section.value("wraps")!.line,
                               message: "'wraps' can only be 'all' (the message is any other format)")
        }
        var definition = FormatDefinition(
            name: name,
            description: section.value("description")?.value ?? name,
            detect: text(detect, in: file),
            hint: section.value("hint").map { text($0, in: file) },
            pathHints: (section.value("path-hint")?.value ?? "").split(separator: " ").map { String($0).lowercased() },
            head: text(head, in: file),
            wrapsOtherFormats: wraps != nil,
            rules: [],
            source: PatternSource(file: file.name, line: section.line, column: 1))
        definition.pairsWith = (section.value("pairs-with")?.value ?? "").split(separator: " ").map(String.init)
        definition.ambiguousUser = section.value("ambiguous-user").map { text($0, in: file) }
        if let escapes = section.value("escapes") {
            guard escapes.value == "backslash" || escapes.value == "none" else {
                throw PatternError(file: file.name, line: escapes.line,
                                   message: "'escapes' is 'backslash' (\\xHH, \\\", \\\\) or 'none', not '\(escapes.value)'")
            }
            definition.decodesBackslashEscapes = escapes.value == "backslash"
        }
        if let ambiguous = definition.ambiguousUser {
            try validate(ambiguous, what: "format '\(name)' ambiguous-user", expander: expander)
        }
        try validate(definition.detect, what: "format '\(name)' detect", expander: expander)
        if let hint = definition.hint { try validate(hint, what: "format '\(name)' hint", expander: expander) }
        try validate(definition.head, what: "format '\(name)' head", expander: expander)
        formats.append(definition)
        return formats.count - 1
    }

    private static func ruleSection(_ section: PatternFileParser.Section, file: File,
                                    expander: FragmentExpander) throws(PatternError) -> RuleDefinition {
        try rejectUnknownKeys(section, known: ["cause", "status", "literal", "regex", "pair-by", "prefilter"], file: file)
        let id = String(section.header.dropFirst("rule".count)).trimmingSpaces()
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw PatternError(file: file.name, line: section.line,
                               message: "a rule needs a name of letters, digits, '-', '_' or '.': [rule user-not-found]")
        }
        guard let causeEntry = section.value("cause") else {
            throw PatternError(file: file.name, line: section.line, message: "rule '\(id)' needs 'cause = …'")
        }
        let cause = Cause(rawValue: causeEntry.value)
        guard cause != nil || causeEntry.value == "none" else {
            throw PatternError(file: file.name, line: causeEntry.line,
                               message: "unknown cause '\(causeEntry.value)'; one of: "
                                   + Cause.allCases.map(\.rawValue).joined(separator: ", ") + ", none")
        }
        var pairBy = PairingKey.path
        if let entry = section.value("pair-by") {
            guard let value = PairingKey(rawValue: entry.value) else {
                throw PatternError(file: file.name, line: entry.line, message: "unknown pair-by '\(entry.value)'; one of: "
                                       + PairingKey.allCases.map(\.rawValue).joined(separator: ", "))
            }
            pairBy = value
        }
        var status: Int? = nil
        if let statusEntry = section.value("status") {
            guard let value = Int(statusEntry.value), (100...599).contains(value) else {
                throw PatternError(file: file.name, line: statusEntry.line,
                                   message: "status must be an HTTP status code, not '\(statusEntry.value)'")
            }
            status = value
        }
        guard let regexEntry = section.value("regex") else {
            throw PatternError(file: file.name, line: section.line, message: "rule '\(id)' needs 'regex = …'")
        }
        let regex = text(regexEntry, in: file)
        if regex.text.contains("(*MARK") || regex.text.contains("(*:") {
            throw PatternError(file: file.name, line: regexEntry.line,
                               message: "rule '\(id)': (*MARK) is reserved: authlog marks each rule itself")
        }
        try validate(regex, what: "rule '\(id)' regex", expander: expander)
        var literals: [[UInt8]] = []
        for entry in section.values("literal") {
            let literal = try unquote(entry, file: file)
            guard !literal.isEmpty else {
                throw PatternError(file: file.name, line: entry.line, message: "empty literal")
            }
            literals.append(Array(literal.utf8))
        }
        var findsNamedUsers = false
        if let entry = section.value("prefilter") {
            guard entry.value == "named-user" else {
                throw PatternError(file: file.name, line: entry.line,
                                   message: "unknown prefilter '\(entry.value)'; the only one is named-user")
            }
            findsNamedUsers = true
        }
        return RuleDefinition(id: id, cause: cause, pairBy: pairBy, status: status, literals: literals,
                              findsNamedUsers: findsNamedUsers, regex: regex,
                              source: PatternSource(file: file.name, line: section.line, column: 1))
    }

    // MARK: - Validation

    /// Where a format's head reads the client (`ip`), that is the structural position the
    /// format guarantees; a rule capturing its own `ip` would move the client to text after
    /// the head, which is attacker text in every log. Formats whose head names no client
    /// (error logs, debug.log) leave it to their rules.
    private static func rejectRulesMovingTheClient(_ formats: [FormatDefinition],
                                                   expander: FragmentExpander) throws(PatternError) {
        for format in formats where !format.wrapsOtherFormats {
            guard let head = try? Regex(expander.expand(format.head.text).text, options: [.duplicateNames]),
                  !head.groupNumbers(named: "ip").isEmpty else { continue }
            for rule in format.rules {
                guard let regex = try? Regex(expander.expand(rule.regex.text).text, options: [.duplicateNames]),
                      !regex.groupNumbers(named: "ip").isEmpty else { continue }
                throw PatternError(file: rule.regex.source.file, line: rule.regex.source.line,
                                   message: "rule '\(rule.id)' captures 'ip', but format '\(format.name)' reads the "
                                       + "client in its head; a rule cannot move it")
            }
        }
    }

    /// Compiles one regex on its own (fragments expanded) and turns a PCRE2 error into a
    /// message naming the file, the line and where in the written text the problem is.
    static func validate(_ pattern: PatternText, what: String,
                         expander: FragmentExpander) throws(PatternError) {
        let expansion: FragmentExpander.Expansion
        do {
            expansion = try expander.expand(pattern.text)
        } catch {
            switch error {
            case .unknownFragment(let name, let offset):
                throw PatternError(file: pattern.source.file, line: pattern.source.line,
                                   message: "\(what): unknown fragment <\(name)> at offset \(offset)"
                                       + " (write \\< for a literal '<')")
            case .recursive(let chain):
                throw PatternError(file: pattern.source.file, line: pattern.source.line,
                                   message: "\(what): fragments refer to each other in a loop: "
                                       + chain.map { "<\($0)>" }.joined(separator: " → "))
            }
        }
        do {
            _ = try Regex(expansion.text, options: [.duplicateNames])
        } catch {
            let location = expansion.location(ofExpandedOffset: error.offset ?? 0)
            var message = "\(what) does not compile: \(error.message)"
            if let offset = location.originalOffset {
                message += " at offset \(offset) of the regex"
                if let column = column(of: offset, in: pattern) { message += " (column \(column))" }
            } else if let fragment = location.fragment {
                message += " inside <\(fragment)> as inserted here"
            } else if let offset = error.offset {
                message += " at offset \(offset) of the expanded regex"
            }
            throw PatternError(file: pattern.source.file, line: pattern.source.line, message: message)
        }
    }

    /// The column on the `key = value` line, when the offset is on that line.
    private static func column(of offset: Int, in pattern: PatternText) -> Int? {
        pattern.source.column > 0 ? pattern.source.column + offset : nil
    }

    // MARK: - Helpers

    private static func text(_ entry: PatternFileParser.Entry, in file: File) -> PatternText {
        PatternText(text: entry.value,
                    source: PatternSource(file: file.name, line: entry.line,
                                          column: entry.isMultiLine ? 0 : entry.column))
    }

    /// A literal is taken as written, or between double quotes when it must keep spaces at
    /// its ends or contain a quote (`"\" 401 "`: backslash escapes `"` and `\`).
    private static func unquote(_ entry: PatternFileParser.Entry, file: File) throws(PatternError) -> String {
        let value = entry.value
        guard value.hasPrefix("\""), value.count >= 2 else { return value }
        guard value.hasSuffix("\"") else {
            throw PatternError(file: file.name, line: entry.line, message: "literal opens a quote it does not close")
        }
        var result = ""
        var escaped = false
        for character in value.dropFirst().dropLast() {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func rejectUnknownKeys(_ section: PatternFileParser.Section, known: Set<String>,
                                          file: File) throws(PatternError) {
        for entry in section.entries where !known.contains(entry.key) {
            throw PatternError(file: file.name, line: entry.line,
                               message: "unknown key '\(entry.key)' in [\(section.header)]; expected one of: "
                                   + known.sorted().joined(separator: ", "))
        }
    }

    private static func isFragmentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("A"..."Z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    private static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}

func describe(_ error: any Error) -> String {
    if let error = error as? CocoaError, let underlying = error.underlying as? POSIXError {
        return String(cString: strerror(underlying.code.rawValue))
    }
    return (error as NSError).localizedDescription
}
