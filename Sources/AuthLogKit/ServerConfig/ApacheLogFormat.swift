/// Apache's `LogFormat` strings (mod_log_config): `%` directives with optional status
/// conditions (`%400,501{User-agent}i`), `<`/`>` (original or final request) and `{…}`
/// arguments, in copied text; `%%` is a percent sign.
public enum ApacheLogFormat {
    /// The directives authlog reads or knows the shape of, for the README and listings.
    public static let knownDirectives = ["%h", "%a", "%{c}a", "%l", "%u", "%t", "%{…}t", "%r", "%>s", "%s", "%m",
                                         "%U", "%q", "%H", "%v", "%V", "%p", "%b", "%B", "%O", "%I", "%S", "%D",
                                         "%T", "%P", "%k", "%{…}i", "%{…}o", "%{…}e", "%{…}n", "%{…}C"]

    public static func layout(_ format: String, file: String, line: Int) throws(LogFormatError) -> LogLayout {
        var pieces: [LogLayout.Piece] = []
        var literal = ""
        var scalars = Array(format.unicodeScalars)[...]
        // With both %s and %>s, the final status (%>s) is the one a refusal is read from.
        let hasFinalStatus = format.contains("%>s")
        while let scalar = scalars.popFirst() {
            guard scalar == "%" else {
                literal.unicodeScalars.append(scalar)
                continue
            }
            if scalars.first == "%" {
                scalars.removeFirst()
                literal += "%"
                continue
            }
            var written = "%"
            // Status conditions: "!" and a list of codes.
            while let next = scalars.first, next == "!" || next == "," || ("0"..."9").contains(next) {
                written.unicodeScalars.append(next)
                scalars.removeFirst()
            }
            var final = false
            while let next = scalars.first, next == "<" || next == ">" {
                final = next == ">"
                written.unicodeScalars.append(next)
                scalars.removeFirst()
            }
            let argument = try braceArgument(&scalars, written: &written, directive: "LogFormat", file: file, line: line)
            guard let letter = scalars.popFirst(), letter.properties.isAlphabetic, letter.isASCII else {
                throw LogFormatError(file: file, line: line,
                                     message: "LogFormat: '\(written)' is not a directive (a letter such as %h or %>s comes after '%')")
            }
            written.unicodeScalars.append(letter)
            guard let value = value(of: Character(letter), argument: argument, final: final || !hasFinalStatus,
                                    conditional: written.contains(where: \.isNumber)) else {
                throw LogFormatError(file: file, line: line, message: "LogFormat: unknown directive '\(written)'")
            }
            pieces.append(.literal(literal))
            literal = ""
            pieces.append(.variable(name: written, value: value))
        }
        pieces.append(.literal(literal))
        let layout = LogLayout(pieces: pieces)
        try NginxLogFormat.rejectAdjacentSkips(layout, file: file, line: line)
        return layout
    }

    /// What a directive inserts. A directive logged only for some statuses (`%400{…}i`)
    /// writes `-` otherwise, which the skip reads too.
    static func value(of letter: Character, argument: String?, final: Bool, conditional: Bool) -> LogLayout.Value? {
        switch letter {
        case "h", "a": return argument == nil || argument == "c" ? .client : .skip
        case "u": return .user
        case "t": return argument.map(timeValue) ?? .time(.bracketedCLF)
        case "r": return .request
        case "s": return final ? .status : .integer
        case "m": return .method
        case "U": return .path
        case "b", "B", "O", "I", "S", "D", "P", "k", "p": return .integer
        case "T": return .integer
        case "i" where ["x-forwarded-for", "x-real-ip", "cf-connecting-ip"].contains(argument?.lowercased() ?? ""):
            return .forwardedFor
        case "l", "q", "H", "v", "V", "L", "X", "f", "R", "A", "e", "i", "o", "n", "C", "^": return .skip
        default: return nil
        }
    }

    /// `%{format}t`: strftime formats authlog reads as a time; `sec`, `msec`… are numbers.
    /// `{ARGUMENT}` after `%` and its modifiers (`%{User-Agent}i`, `%{cu}t`), taken from
    /// `scalars` and added to `written`; nil when the item has none. Shared by `LogFormat` and
    /// `ErrorLogFormat`, whose items are written alike.
    static func braceArgument(_ scalars: inout ArraySlice<Unicode.Scalar>, written: inout String, directive: String,
                              file: String, line: Int) throws(LogFormatError) -> String? {
        guard scalars.first == "{" else { return nil }
        scalars.removeFirst()
        var text = ""
        while let next = scalars.first, next != "}" {
            text.unicodeScalars.append(next)
            scalars.removeFirst()
        }
        guard scalars.popFirst() == "}" else {
            throw LogFormatError(file: file, line: line, message: "\(directive): '%{\(text)' has no closing '}'")
        }
        written += "{\(text)}"
        return text
    }

    static func timeValue(_ argument: String) -> LogLayout.Value {
        var format = argument
        for prefix in ["begin:", "end:"] where format.hasPrefix(prefix) { format.removeFirst(prefix.count) }
        switch format {
        case "%d/%b/%Y:%H:%M:%S %z": return .time(.clf)
        case "%Y-%m-%dT%H:%M:%S%z", "%FT%T%z": return .time(.iso8601)
        // Without %z the time is the server's local time: still the time of the request
        // (a skip here would leave every line without one, and its requests unpaired).
        case "%Y-%m-%dT%H:%M:%S", "%FT%T": return .time(.localISO8601)
        case "sec", "msec", "usec", "msec_frac", "usec_frac": return .integer
        default: return .skip
        }
    }
}
