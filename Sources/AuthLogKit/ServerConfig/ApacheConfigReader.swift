import Foundation

/// Reads the parts of an Apache configuration that say how access logs are written:
/// `LogFormat "…" NAME`, `CustomLog PATH NAME|"format"`, `ErrorLog PATH`, `ErrorLogFormat "…"`
/// (server-wide and per `<VirtualHost>`), `Include`/`IncludeOptional GLOB`
/// (relative to the server root: `ServerRoot`, else the directory of the main file), and
/// `${VAR}` from the `envvars` file beside it (Debian's `APACHE_LOG_DIR`) and `Define`.
/// Lines ending in `\` continue.
struct ApacheConfigReader {
    var configuration = ServerConfiguration()
    /// The directory relative paths are under: the main file's until `ServerRoot` says
    /// (RHEL's httpd.conf is /etc/httpd/conf/httpd.conf with `ServerRoot "/etc/httpd"`).
    private(set) var serverRoot: String
    /// The main file: a `ServerRoot` it is not under is that of a copied tree (Debian's
    /// `/etc/apache2` in a configuration read from elsewhere), whose paths are its own.
    private let mainFile: String
    /// From `envvars` (`export APACHE_LOG_DIR=/var/log/apache2$SUFFIX`), then `Define`.
    var variables: [String: String] = [:]
    /// Every file read for this configuration, the main one too.
    var files: ServerConfiguration.FilesRead
    /// The longest a line may grow by `${…}` substitution: `Define`s that each double the
    /// one before would otherwise exhaust memory in a few dozen lines.
    static let maximumSubstitutedLength = 64 << 10
    /// 0 outside `<VirtualHost>`, else the number of the virtual host the reader is in.
    private var scope = 0
    private var virtualHosts = 0
    /// The `ErrorLogFormat` of each scope, by format name ("" for one authlog cannot read).
    private var errorLogFormats: [Int: String] = [:]
    /// `ErrorLog` files with their scope, until every file is read: a virtual host without
    /// an `ErrorLogFormat` of its own writes in the server's, wherever that is set.
    private var errorLogs: [(path: String, scope: Int)] = []
    /// How many times `Define` changed `variables`.
    private var variableChanges = 0

    init(root path: String, files: ServerConfiguration.FilesRead = .init()) {
        self.files = files
        mainFile = path
        serverRoot = (path as NSString).deletingLastPathComponent
        let envvars = (serverRoot as NSString).appendingPathComponent("envvars")
        if let text = try? ServerConfiguration.readText(envvars) { variables = Self.environment(text) }
    }

    /// Whether a configuration is Apache's: its directives are capitalised words at the start
    /// of a line, which nginx's (`log_format`, `include … ;`) never are.
    static func looksLikeApache(_ text: String) -> Bool {
        let directives = ["LogFormat ", "CustomLog ", "ServerRoot ", "IncludeOptional ", "Include ", "<VirtualHost",
                          "<Directory", "LoadModule ", "Listen ", "ErrorLog ", "ErrorLogFormat "]
        for line in text.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if directives.contains(where: { trimmed.hasPrefix($0) }) { return true }
        }
        return false
    }

    mutating func read(file path: String, text: String, depth: Int = 0) throws(LogFormatError) {
        configuration.files.append(path)
        var pending = ""
        var pendingLine = 0
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            if pending.isEmpty { pendingLine = index + 1 }
            if line.hasSuffix("\\") {
                pending += line.dropLast()
                continue
            }
            let whole = pending + line
            pending = ""
            // A comment is not substituted: `${…}` in it can be no error.
            guard whole.first(where: { $0 != " " && $0 != "\t" }) != "#" else { continue }
            let words = Self.words(try substitute(whole, file: path, line: pendingLine))
            guard let name = words.first, !name.hasPrefix("#") else { continue }
            try directive(name.lowercased(), Array(words.dropFirst()), file: path, line: pendingLine, depth: depth)
        }
    }

    private mutating func directive(_ name: String, _ arguments: [String], file: String, line: Int,
                                    depth: Int) throws(LogFormatError) {
        switch name {
        case "logformat":
            // A LogFormat without a name sets the default of TransferLog, which is rare: skipped.
            guard arguments.count >= 2 else { return }
            let layout = try ApacheLogFormat.layout(arguments[0], file: file, line: line)
            configuration.add(DerivedFormat(configName: arguments[1], server: .apache, layout: layout,
                                            escapesBackslashes: true,
                                            source: PatternSource(file: file, line: line, column: 1)))
        case "customlog":
            guard arguments.count >= 2, !arguments[0].hasPrefix("|") else { return }
            let path = resolve(arguments[0])
            var format = arguments[1]
            if format.contains("%") {
                // An inline format string is a format of its own, named after its line.
                let layout = try ApacheLogFormat.layout(format, file: file, line: line)
                let inline = DerivedFormat(configName: "\((file as NSString).lastPathComponent):\(line)", server: .apache,
                                           layout: layout, escapesBackslashes: true,
                                           source: PatternSource(file: file, line: line, column: 1))
                configuration.add(inline)
                format = inline.configName
            }
            configuration.accessLogs.append((path, format, .apache))
        case "errorlog":
            // A piped logger or syslog writes no file here.
            guard let target = arguments.first, !target.hasPrefix("|"), target != "syslog",
                  !target.hasPrefix("syslog:") else { return }
            errorLogs.append((resolve(target), scope))
        case "errorlogformat":
            // `ErrorLogFormat connection|request "…"` adds lines once per connection or
            // request: they are not the messages' layout.
            guard let string = arguments.first, arguments.count == 1 else { return }
            do {
                let format = try DerivedErrorFormat(string: string, file: file, line: line)
                configuration.errorFormats.append(format)
                errorLogFormats[scope] = format.formatName
            } catch where error.message.hasPrefix(DerivedFormat.unusableMessagePrefix) {
                configuration.unusableErrorFormats.append(("\((file as NSString).lastPathComponent):\(line)", error.message))
                errorLogFormats[scope] = ""
            }
        case "<virtualhost":
            virtualHosts += 1
            scope = virtualHosts
        case "</virtualhost>":
            scope = 0
        case "serverroot":
            // Relative paths after it are under it: Apache applies it as it reads it (it
            // comes first in every stock configuration). One the main file is not under is
            // a copied tree's, whose relative paths stay under the main file's directory.
            if let root = arguments.first {
                let directory = (resolve(root) as NSString).standardizingPath
                let prefix = directory.hasSuffix("/") ? directory : directory + "/"
                if (mainFile as NSString).standardizingPath.hasPrefix(prefix) { serverRoot = directory }
            }
        case "include", "includeoptional":
            guard let pattern = arguments.first else { return }
            guard depth < ServerConfiguration.maximumIncludeDepth else {
                throw LogFormatError(file: file, line: line, message: "Include nested more than "
                                         + "\(ServerConfiguration.maximumIncludeDepth) deep (does it include itself?)")
            }
            for included in ServerConfiguration.expand(pattern, relativeTo: serverRoot) {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: included, isDirectory: &isDirectory), isDirectory.boolValue {
                    continue
                }
                // One that cannot be read, or is no regular file, is passed over. One already
                // read is read again only where it could mean something else: in another
                // virtual host or under other variables.
                guard let text = try files.includedText(of: included, context: includeContext) else { continue }
                try read(file: included, text: text, depth: depth + 1)
            }
        case "define":
            if arguments.count >= 2, variables[arguments[0]] != arguments[1] {
                variables[arguments[0]] = arguments[1]
                variableChanges += 1
            }
        default:
            return
        }
    }

    /// A file path of the configuration: relative ones are under the server root.
    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : (serverRoot as NSString).appendingPathComponent(path)
    }

    /// Once every file is read: each `ErrorLog` with its virtual host's `ErrorLogFormat`,
    /// else the server's, else the built-in layout. One written in a format authlog cannot
    /// read is left to detection.
    mutating func assignErrorLogFormats() {
        for log in errorLogs {
            let format = errorLogFormats[log.scope] ?? errorLogFormats[0] ?? DerivedErrorFormat.baseFormat
            if !format.isEmpty { configuration.errorLogs.append((log.path, format)) }
        }
        errorLogs = []
    }

    /// What reading a file depends on besides its text: the scope and the variables (by
    /// how many `Define`s changed them, not their text, which can be long).
    private var includeContext: String { "\(scope) \(variableChanges)" }

    /// `${NAME}` replaced by its value; an unknown one is left as written. One pass from the
    /// left, as Apache's `ap_resolve_env`: a value is not substituted again (a `Define` had
    /// its own line substituted when read), so the result does not depend on the order of
    /// the variables. A result over 64 KiB is an error.
    func substitute(_ line: String, file: String, line number: Int) throws(LogFormatError) -> String {
        guard line.contains("${") else { return line }
        var result = Substring()
        var rest = line[...]
        while let open = rest.range(of: "${") {
            result += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.firstIndex(of: "}") else {
                rest = rest[open.lowerBound...]
                break
            }
            if let value = variables[String(afterOpen[..<close])] {
                result += value
            } else {
                result += rest[open.lowerBound...close]
            }
            rest = afterOpen[afterOpen.index(after: close)...]
            guard result.utf8.count <= Self.maximumSubstitutedLength else { break }
        }
        result += rest
        guard result.utf8.count <= Self.maximumSubstitutedLength else {
            throw LogFormatError(file: file, line: number, message: "line is over "
                                     + "\(Self.maximumSubstitutedLength >> 10) KiB once its ${…} variables are substituted")
        }
        return String(result)
    }

    /// Words split at white space; `"…"` keeps its spaces and `\"` inside it is a quote.
    static func words(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quoted = false
        var characters = Array(line)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\\", let next = characters.first, next == "\"" || next == "\\" {
                    current.append(next)
                    characters.removeFirst()
                } else if character == "\"" {
                    quoted = false
                } else {
                    current.append(character)
                }
            } else if character == " " || character == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else if character == "\"" && !inWord {
                quoted = true
                inWord = true
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// `export NAME=value` lines of a shell file (`$NAME` and `${NAME}` of earlier lines
    /// expanded; `$SUFFIX`, empty unless set, as Debian's apache2ctl leaves it).
    static func environment(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for raw in text.split(separator: "\n") {
            var line = raw.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("export ") else { continue }
            line.removeFirst("export ".count)
            guard let equals = line.firstIndex(of: "=") else { continue }
            let name = String(line[..<equals])
            var value = String(line[line.index(after: equals)...])
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            for (known, replacement) in values.sorted(by: { $0.key.count > $1.key.count }) {
                value = value.replacingOccurrences(of: "${\(known)}", with: replacement)
                    .replacingOccurrences(of: "$\(known)", with: replacement)
            }
            value = value.replacingOccurrences(of: "$SUFFIX", with: "").replacingOccurrences(of: "${SUFFIX}", with: "")
            values[name] = value
        }
        return values
    }
}
