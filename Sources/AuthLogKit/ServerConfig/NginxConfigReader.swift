import Foundation

/// Reads the parts of an nginx configuration that say how access logs are written:
/// `log_format NAME [escape=default|json|none] 'string' …;` (the strings concatenated, over as
/// many lines as written), `access_log PATH [NAME] …;` and `include GLOB;` (relative to the
/// including file's directory). Every other directive and block is passed over.
struct NginxConfigReader {
    var configuration = ServerConfiguration()
    /// Every file read for this configuration, the main one too.
    var files: ServerConfiguration.FilesRead

    init(files: ServerConfiguration.FilesRead = .init()) {
        self.files = files
    }

    /// A word of the configuration, unquoted, with the line it starts on.
    struct Token {
        var text: String
        var line: Int
        var quoted: Bool
        /// `;`, `{` or `}`.
        var isPunctuation: Bool { !quoted && (text == ";" || text == "{" || text == "}") }
    }

    mutating func read(file path: String, text: String, depth: Int) throws(LogFormatError) {
        configuration.files.append(path)
        let directory = (path as NSString).deletingLastPathComponent
        var words: [Token] = []
        for token in Self.tokens(text) {
            guard token.isPunctuation else {
                words.append(token)
                continue
            }
            if token.text == ";", let name = words.first, !name.quoted {
                try directive(name.text, arguments: Array(words.dropFirst()), file: path, line: name.line,
                              directory: directory, depth: depth)
            }
            words = []
        }
    }

    private mutating func directive(_ name: String, arguments: [Token], file: String, line: Int,
                                    directory: String, depth: Int) throws(LogFormatError) {
        switch name {
        case "log_format":
            guard let formatName = arguments.first?.text else { return }
            var rest = arguments.dropFirst()
            var escape = NginxLogFormat.Escape.default
            if let option = rest.first, !option.quoted, option.text.hasPrefix("escape=") {
                guard let chosen = NginxLogFormat.Escape(rawValue: String(option.text.dropFirst("escape=".count))) else {
                    throw LogFormatError(file: file, line: option.line, message: "log_format \(formatName): unknown \(option.text)")
                }
                escape = chosen
                rest = rest.dropFirst()
            }
            let string = rest.map(\.text).joined()
            let layout = try NginxLogFormat.layout(string, file: file, line: line)
            configuration.add(DerivedFormat(configName: formatName, server: .nginx, layout: layout,
                                            escapesBackslashes: escape != .none,
                                            source: PatternSource(file: file, line: line, column: 1)))
        case "access_log":
            guard let path = arguments.first?.text, path != "off", !path.hasPrefix("syslog:") else { return }
            let format = arguments.dropFirst().first.flatMap { $0.text.contains("=") ? nil : $0.text } ?? "combined"
            configuration.accessLogs.append((path, format, .nginx))
        case "error_log":
            // Read as nginx's error log, which has one layout; syslog, stderr and memory
            // buffers name no file.
            guard let path = arguments.first?.text, !Self.namesNoFile(path) else { return }
            configuration.errorLogs.append((path, "nginx-error"))
        case "include":
            guard let pattern = arguments.first?.text else { return }
            guard depth < ServerConfiguration.maximumIncludeDepth else {
                throw LogFormatError(file: file, line: line, message: "include nested more than "
                                         + "\(ServerConfiguration.maximumIncludeDepth) deep (does it include itself?)")
            }
            for included in ServerConfiguration.expand(pattern, relativeTo: directory) {
                // mime.types and the like hold no log directives; reading them is harmless.
                // One that cannot be read, or is no regular file, is passed over; one already
                // read adds nothing (nginx's reading depends on nothing but the text).
                guard let text = try files.includedText(of: included) else { continue }
                try read(file: included, text: text, depth: depth + 1)
            }
        default:
            return
        }
    }

    /// `error_log` destinations that are no file authlog could read.
    static func namesNoFile(_ path: String) -> Bool {
        ["stderr", "/dev/null", "/dev/stderr", "/dev/stdout"].contains(path) || path.hasPrefix("syslog:")
            || path.hasPrefix("memory:")
    }

    /// nginx's lexical rules: `#` comments to the end of the line, words split by white space,
    /// `'…'` and `"…"` strings, and `;`, `{`, `}` as tokens of their own. A backslash keeps the
    /// character after it from ending a word or string; then, as `ngx_conf_read_token` does,
    /// each word and string is unescaped (see `unescaped`).
    static func tokens(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var line = 1
        var scalars = Array(text.unicodeScalars)[...]
        var word = ""
        var wordLine = 1
        func flush() {
            if !word.isEmpty { tokens.append(Token(text: unescaped(word), line: wordLine, quoted: false)) }
            word = ""
        }
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "\n":
                flush()
                line += 1
            case " ", "\t", "\r":
                flush()
            case "#" where word.isEmpty:
                while let next = scalars.first, next != "\n" { scalars.removeFirst() }
            case ";", "{", "}":
                flush()
                tokens.append(Token(text: String(scalar), line: line, quoted: false))
            case "'" where word.isEmpty, "\"" where word.isEmpty:
                let start = line
                var raw = ""
                while let next = scalars.popFirst(), next != scalar {
                    if next == "\n" { line += 1 }
                    raw.unicodeScalars.append(next)
                    if next == "\\", let escaped = scalars.popFirst() {
                        if escaped == "\n" { line += 1 }
                        raw.unicodeScalars.append(escaped)
                    }
                }
                tokens.append(Token(text: unescaped(raw), line: start, quoted: true))
            default:
                if word.isEmpty { wordLine = line }
                word.unicodeScalars.append(scalar)
                if scalar == "\\", let escaped = scalars.popFirst() {
                    if escaped == "\n" { line += 1 }
                    word.unicodeScalars.append(escaped)
                }
            }
        }
        flush()
        return tokens
    }

    /// nginx's unescaping of a word or string: `\t`, `\r`, `\n` are the control characters,
    /// `\"`, `\'` and `\\` the character itself, in either quote style and outside quotes;
    /// any other backslash is kept (`\.` in a location regex is two characters).
    static func unescaped(_ raw: String) -> String {
        guard raw.unicodeScalars.contains("\\") else { return raw }
        var result = String.UnicodeScalarView()
        var scalars = raw.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            guard scalar == "\\", let next = scalars.first else {
                result.append(scalar)
                continue
            }
            switch next {
            case "t": result.append("\t")
            case "r": result.append("\r")
            case "n": result.append("\n")
            case "\"", "'", "\\": result.append(next)
            default:
                result.append(scalar)
                continue
            }
            scalars.removeFirst()
        }
        return String(result)
    }
}
