/// nginx's `log_format` strings: `$name` and `${name}` variables in copied text.
///
/// Variables authlog reads become fields; every other variable (`$http_*`, `$upstream_*`,
/// `$request_id`, `$ssl_*` …) is skipped, shortest match first, within the quotes around it.
public enum NginxLogFormat {
    /// The default escaping of `log_format` (`\xHH`) and `escape=json` (`\"`, `\\`, `\uHHHH`)
    /// both write backslash escapes; `escape=none` writes bytes as they are.
    public enum Escape: String, Sendable {
        case `default`, json, none
    }

    /// What each variable authlog reads gives. The client is `$remote_addr` only (and
    /// `$realip_remote_addr`, the peer before the realip module replaced it): never a header a
    /// client can forge, like `$http_x_forwarded_for`.
    static let values: [String: LogLayout.Value] = [
        "remote_addr": .client, "realip_remote_addr": .client,
        "remote_user": .user,
        "time_local": .time(.clf), "time_iso8601": .time(.iso8601),
        "request": .request, "request_method": .method,
        "request_uri": .path, "uri": .path, "document_uri": .path,
        "status": .status,
        "body_bytes_sent": .integer, "bytes_sent": .integer, "request_length": .integer,
        "remote_port": .integer, "server_port": .integer, "connection": .integer,
        "connection_requests": .integer, "pid": .integer,
        "http_x_forwarded_for": .forwardedFor, "http_x_real_ip": .forwardedFor,
        "http_cf_connecting_ip": .forwardedFor,
        "request_time": .decimal, "msec": .decimal,
    ]

    /// The variables with a field or a shape of their own, for the README and `--help`.
    public static var knownVariables: [String] { values.keys.sorted().map { "$" + $0 } }

    /// The layout of a format string. `file` and `line` say where it was written, for errors.
    public static func layout(_ format: String, file: String, line: Int) throws(LogFormatError) -> LogLayout {
        var pieces: [LogLayout.Piece] = []
        var literal = ""
        var scalars = Array(format.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            guard scalar == "$" else {
                literal.unicodeScalars.append(scalar)
                continue
            }
            var name = ""
            if scalars.first == "{" {
                scalars.removeFirst()
                while let next = scalars.first, next != "}" {
                    name.unicodeScalars.append(next)
                    scalars.removeFirst()
                }
                guard scalars.popFirst() == "}" else {
                    throw LogFormatError(file: file, line: line, message: "log_format: '${\(name)' has no closing '}'")
                }
            } else {
                while let next = scalars.first, next.properties.isASCIIHexDigit || ("a"..."z").contains(next)
                        || ("A"..."Z").contains(next) || next == "_" || ("0"..."9").contains(next) {
                    name.unicodeScalars.append(next)
                    scalars.removeFirst()
                }
            }
            guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic
                    || ("0"..."9").contains($0) || $0 == "_") }) else {
                throw LogFormatError(file: file, line: line,
                                     message: "log_format: '$\(name)' is not a variable name (after '$' comes a name like remote_addr)")
            }
            pieces.append(.literal(literal))
            literal = ""
            pieces.append(.variable(name: "$" + name, value: values[name.lowercased()] ?? .skip))
        }
        pieces.append(.literal(literal))
        let layout = LogLayout(pieces: pieces)
        try rejectAdjacentSkips(layout, file: file, line: line)
        return layout
    }

    /// Two variables with nothing between them cannot be told apart where one of them is a
    /// field authlog trusts (client, user, time, status) and the other has no shape of its
    /// own: the line would have more than one reading, and the field could be anywhere.
    /// (`$host$request_uri` is fine: neither is trusted.)
    static func rejectAdjacentSkips(_ layout: LogLayout, file: String, line: Int) throws(LogFormatError) {
        func trusted(_ value: LogLayout.Value) -> Bool {
            switch value {
            case .client, .user, .time, .status: return true
            default: return false
            }
        }
        for index in layout.pieces.indices.dropFirst() {
            guard case .variable(let name, let value) = layout.pieces[index],
                  case .variable(let previousName, let previous) = layout.pieces[index - 1] else { continue }
            guard trusted(value) || trusted(previous), value == .skip || previous == .skip || value == previous else { continue }
            throw LogFormatError(file: file, line: line,
                                 message: "cannot read '\(previousName)\(name)': with no text between them, where "
                                     + "\(trusted(previous) ? previousName : name) ends is unknown")
        }
    }
}
