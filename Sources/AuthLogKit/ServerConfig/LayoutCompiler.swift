/// Compiles a `LogLayout` into the regexes of a format: a head with the named groups the
/// built-in formats use (`ip`, `user`, `time`, `request`, `method`, `path`, `status`) and a
/// detect regex that must read a whole line.
///
/// Each value's regex depends on where it stands: a skipped value inside double quotes
/// stops at the closing quote (an escaped quote inside is no end), one inside brackets at
/// the `]`, an unquoted one at the text after it. A field is captured only where the layout
/// first states it, so a second `$remote_addr` cannot move the client.
struct LayoutCompiler {
    let layout: LogLayout

    struct Compiled {
        /// Matched at the start of a line: up to the last field read, and the text after it.
        var head: String
        /// The whole line, for detection.
        var detect: String
        var fields: Set<CapturedField>
    }

    /// Where a compile fails: a layout that gives no status cannot tell a refusal.
    enum Failure: Error {
        case noStatus
        case noClient
    }

    func compile() throws(Failure) -> Compiled {
        var captured: Set<CapturedField> = []
        var parts: [String] = []
        var lastFieldPart = -1
        var forwardedPart = -1
        var inQuotes = false
        var inBrackets = false
        let hasRequest = layout.firstIndex(of: .request) != nil
        for (index, piece) in layout.pieces.enumerated() {
            switch piece {
            case .literal(let text):
                parts.append(Self.escape(text))
                for character in text {
                    if character == "\"" { inQuotes.toggle() }
                    if !inQuotes, character == "[" { inBrackets = true }
                    if !inQuotes, character == "]" { inBrackets = false }
                }
            case .variable(_, let value):
                let context: Context = inQuotes ? .quoted : (inBrackets ? .bracketed : .bare)
                var (regex, field) = Self.regex(for: value, context: context, hasRequest: hasRequest, captured: captured)
                if field == .user, context == .bare, !(layout.literal(at: index + 1) ?? "").hasPrefix(" [") {
                    // Unquoted and not before CLF's " [time]": a user name with a space in it
                    // could shift the fields after it, so it is read as one word. Up to any
                    // white space: a tab-separated layout's user is followed by a tab (both
                    // servers escape a control character in the name itself).
                    regex = "(?<user>[^\\s\"]*+)"
                }
                parts.append(regex)
                if field == .forwarded {
                    // Not where the head ends: the proxy's header is read by a look-ahead
                    // below, so that the message and the other fields stay where they were.
                    captured.insert(.forwarded)
                    forwardedPart = parts.count - 1
                } else if let field {
                    captured.insert(field)
                    lastFieldPart = parts.count - 1
                }
            }
        }
        guard captured.contains(.status) else { throw .noStatus }
        guard captured.contains(.ip) else { throw .noClient }
        // The head ends after the last field and the text that follows it (as the built-in
        // heads end with the space after the status): the rest of the line is the message.
        var headParts = Array(parts[...lastFieldPart])
        if lastFieldPart + 1 < parts.count, case .literal = layout.pieces[lastFieldPart + 1] {
            headParts.append(parts[lastFieldPart + 1])
        }
        if forwardedPart >= headParts.count {
            // The header after the head's end: an optional look-ahead (a line cut short
            // still matches, without it), whose group PCRE2 keeps when it matched.
            headParts.append("(?=(?:" + parts[headParts.count...forwardedPart].joined() + ")?)")
        }
        return Compiled(head: "<BOM>" + headParts.joined(), detect: parts.joined() + "$", fields: captured)
    }

    enum Context { case quoted, bracketed, bare }

    /// The named groups a head can capture.
    enum CapturedField: Hashable { case ip, user, time, request, method, path, status, forwarded }

    /// A value's regex, and the field it captures (nil for a skip or a field already read).
    static func regex(for value: LogLayout.Value, context: Context, hasRequest: Bool,
                      captured: Set<CapturedField>) -> (String, CapturedField?) {
        func once(_ field: CapturedField, _ capturing: String, _ plain: String) -> (String, CapturedField?) {
            captured.contains(field) ? (plain, nil) : (capturing, field)
        }
        switch value {
        case .client:
            return once(.ip, "<HOST>", "(?:<IPV4>|<IPV6>|-)")
        case .user:
            return once(.user, "(?<user><LOG_USER>)", skip(context))
        case .time(let shape):
            let body: String
            switch shape {
            case .clf: body = "(?<time><CLF_TIME>)"
            case .bracketedCLF: body = "\\[(?<time><CLF_TIME>)\\]"
            case .iso8601: body = "(?<time>\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d))"
            case .localISO8601: body = "(?<time>\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d)"
            }
            // A second time is skipped like any other value (a group name is given once).
            return captured.contains(.time) ? (skip(context), nil) : (body, .time)
        case .request:
            let body = context == .quoted ? "<REQUEST>" : "(?<request>[A-Z]+ \\S+(?: HTTP/[\\d.]+)?)"
            return once(.request, body, context == .quoted ? "<QUOTED_BODY>" : "\\S+ \\S+(?: HTTP/[\\d.]+)?")
        case .method:
            if hasRequest { return ("[A-Z_-]+", nil) }
            return once(.method, "(?<method>[A-Z_-]+)", "[A-Z_-]+")
        case .path:
            let body = context == .quoted ? "(?:[^\"\\\\\\s]|\\\\.)*+" : "\\S*"
            if hasRequest { return (body, nil) }
            return once(.path, "(?<path>\(body))", body)
        case .status:
            return once(.status, "(?<status>\\d{3})", "(?:\\d{3}|-)")
        case .integer:
            return ("(?:\\d+|-)", nil)
        case .decimal:
            return ("(?:\\d+(?:\\.\\d+)?|-)", nil)
        case .forwardedFor:
            // Inside quotes the quotes bound it; a header of any shape is then still read
            // (and `TrustedProxies` refuses what is no address).
            if context == .quoted { return once(.forwarded, "(?<forwarded>(?:[^\"\\\\]|\\\\.)*+)", skip(context)) }
            let bare = "(?>[0-9A-Fa-f.:]+(?:, ?[0-9A-Fa-f.:]+)*+|-)"
            return once(.forwarded, "(?<forwarded>\(bare))", bare)
        case .skip:
            return (skip(context), nil)
        }
    }

    /// A value authlog does not read: the shortest run that lets the rest of the line match,
    /// never leaving its quotes or brackets.
    static func skip(_ context: Context) -> String {
        switch context {
        case .quoted: return "(?:[^\"\\\\]|\\\\.)*?"
        case .bracketed: return "[^\\]]*?"
        // Unquoted values are words: one holding a space would give the line two readings.
        case .bare: return "[^ ]*?"
        }
    }

    /// Literal text of a format string as regex text: every character that means something
    /// to PCRE2 or to the fragment expander (`<NAME>`) is escaped.
    static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\", "^", "$", ".", "|", "?", "*", "+", "(", ")", "[", "]", "{", "}", "<", ">", " ", "#", "/", "-":
                result += "\\" + String(scalar)
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
