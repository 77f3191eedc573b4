import AuthLogKit

/// A libFuzzer dictionary from the built-in rules: their literals (which the prefilter looks
/// for before any regex runs), the separators of the formats' heads and the state's keys. PCRE2 is not
/// instrumented, so without them the fuzzer would have to guess each literal byte by byte.
enum FuzzDictionary {
    static let structural = [
        " - - [", "] \"", "\" 401 ", "\" 403 ", " HTTP/1.1\"", ", client: ", ", server: ", ", request: \"",
        ", host: \"", ", referrer: \"", ", upstream: \"", "[client ", "] [", "[auth_basic:error] [pid ",
        "[error] ", "#0: *", "PHP Warning:  ", "[20/Nov/2026:06:25:14 +0000]", "2026/11/20 06:25:14 ",
        "[Fri Nov 20 06:25:14.123456 2026] ", "Nov 20 06:25:14 web1 nginx: ", "\\x", "\"checkpoints\"",
        "\"offset\"", "\"previous\"", "\"total\"", "\"by_cause\"", "\"top_clients\"", "\"generated_at\"",
        "authlog.state/1", "[format]", "[fragments]", "[rule ", "regex = ", "literal = ", "cause = ",
        "<NGINX_CONTEXT>", "<HOST>", "(?<ip>", "(?<user>",
        // JSON access logs (decoder = json): structure and escapes, nginx's \xHH included.
        "{\"", "\":\"", "\",\"", "\":{\"", "}}", "\\u00", "\\ud83d\\ude00", "\\x22", "\\\"", "null",
        "\"request\":{\"remote_ip\":\"", "\"logger\":\"http.log.access\",", "\"ts\":1795155914.5,",
        // Figures at the ends of Int64, for the state's counts and offsets.
        "9223372036854775807", "-9223372036854775808", "18446744073709551615", "-1",
    ]

    static func entries(_ patterns: CompiledPatterns) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        let literals = (patterns.patterns.formats.flatMap(\.rules).flatMap(\.literals)
                        + patterns.patterns.formats.flatMap(\.literals))
            .map { String(decoding: $0, as: UTF8.self) }
        for entry in structural + literals where seen.insert(entry).inserted { result.append(entry) }
        return result
    }

    /// `"…"` with `\\`, `\"` and non-printable bytes as `\xNN`, as libFuzzer reads them.
    static func quoted(_ entry: String) -> String {
        var out = "\""
        for byte in entry.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out += "\\\\"
            case UInt8(ascii: "\""): out += "\\\""
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(byte))
            default: out += "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out + "\""
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
