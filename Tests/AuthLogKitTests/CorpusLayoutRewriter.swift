import Foundation

/// Rewrites the corpus generator's combined access lines into another layout, the way the
/// same server would have written the same request in it: each field keeps the bytes the
/// server wrote (nginx's `\xHH`, Apache's `\"` and `\xhh`: one server escapes alike in every
/// text layout), the time is written in the layout's own time format, and for a JSON layout
/// the fields are unescaped and escaped again as nginx's `escape=json` does.
///
/// Damaged and hostile lines (see `scripts/corpus/attacks.py` and `noise`):
/// - a line after a run of NUL bytes is rewritten with the same NUL run before it: damaged
///   in both files, skipped in both;
/// - the line over 1 MiB (corpus sizes from 6M) is rewritten and is still over 1 MiB: skipped
///   in both;
/// - the TLS handshake and the empty request (`-`), forged clients in referer or query,
///   escape sequences and Latin-1 bytes in user names and agents are ordinary fields here and
///   are rewritten like any other: the layouts must read them as the built-in formats do.
/// No line is left out of either side; a line this parser cannot read is copied as written
/// (`unreadLines` counts them, and the test requires none).
struct CorpusLayoutRewriter {
    /// One combined line as written: `IP - USER [TIME] "REQUEST" STATUS SIZE "REFERER" "AGENT"`.
    struct CombinedLine: Sendable {
        /// NUL bytes a crashed writer left before the line.
        var damage: Int
        var ip: String, user: String, time: String, request: String
        var status: String, size: String, referer: String, agent: String
    }

    enum Server: Sendable { case nginx, apache }

    /// A layout of the server's and how a line is written in it.
    struct Layout: Sendable {
        var name: String
        var server: Server
        /// The `log_format`/`LogFormat` string as the configuration states it (quoted for it).
        var configuration: String
        var write: @Sendable (CombinedLine, Int) -> [UInt8]
    }

    var unreadLines = 0

    /// Rewrites a whole file's bytes.
    mutating func rewrite(_ data: Data, into layout: Layout) -> Data {
        var output = Data()
        output.reserveCapacity(data.count + data.count / 4)
        var index = 0
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast() {
            index += 1
            guard let parsed = Self.parse(Array(line)) else {
                unreadLines += 1
                output.append(contentsOf: line)
                output.append(0x0A)
                continue
            }
            output.append(contentsOf: [UInt8](repeating: 0, count: parsed.damage))
            output.append(contentsOf: layout.write(parsed, index))
            output.append(0x0A)
        }
        return output
    }

    static func parse(_ bytes: [UInt8]) -> CombinedLine? {
        // Every byte either server writes in an access line is ASCII (both escape the rest).
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        var cursor = bytes.firstIndex { $0 != 0 } ?? bytes.count
        let damage = cursor
        func until(_ text: String) -> String? {
            let needle = Array(text.utf8)
            var end = cursor
            while end + needle.count <= bytes.count {
                if bytes[end..<(end + needle.count)].elementsEqual(needle) {
                    let field = String(decoding: bytes[cursor..<end], as: UTF8.self)
                    cursor = end + needle.count
                    return field
                }
                end += 1
            }
            return nil
        }
        /// A quoted field's text up to its closing quote (a backslash escapes the next byte).
        func quoted() -> String? {
            var end = cursor
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard end < bytes.count else { return nil }
            let field = String(decoding: bytes[cursor..<end], as: UTF8.self)
            cursor = end + 1
            return field
        }
        guard let ip = until(" - "), let user = until(" ["), let time = until("] \""), let request = quoted(),
              until(" ") == "", let status = until(" "), let size = until(" \""), let referer = quoted(),
              until("\"") == " ", let agent = quoted(), cursor == bytes.count else { return nil }
        return CombinedLine(damage: damage, ip: ip, user: user, time: time, request: request, status: status,
                            size: size, referer: referer, agent: agent)
    }

    // MARK: times

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `20/Nov/2026:06:25:14 +0000` as `2026-11-20T06:25:14`, and its zone as `+00:00`.
    static func iso(_ clf: String) -> (local: String, zone: String) {
        let parts = Array(clf.utf8)
        func text(_ range: Range<Int>) -> String { String(decoding: parts[range], as: UTF8.self) }
        let month = (months.firstIndex(of: text(3..<6)) ?? 0) + 1
        let local = "\(text(7..<11))-\(month < 10 ? "0" : "")\(month)-\(text(0..<2))T\(text(12..<20))"
        return (local, "\(text(21..<24)):\(text(24..<26))")
    }

    // MARK: escaping

    /// A field as the server wrote it back to its bytes: `\xHH` (both servers), `\"` and `\\`
    /// (Apache).
    static func unescape(_ written: String) -> [UInt8] {
        let bytes = Array(written.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\"), index + 3 < bytes.count, bytes[index + 1] == UInt8(ascii: "x"),
               let value = UInt8(String(decoding: bytes[(index + 2)...(index + 3)], as: UTF8.self), radix: 16) {
                out.append(value)
                index += 4
            } else if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                out.append(bytes[index + 1])
                index += 2
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    /// nginx's `escape=json`: `"` and `\` backslashed, control bytes as `\u00HH`, every other
    /// byte as it is (8-bit bytes too: nginx does not check UTF-8).
    static func jsonEscaped(_ raw: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for byte in raw {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), byte]
            case 0..<0x20: out += Array(String(format: "\\u%04x", byte).utf8)
            default: out.append(byte)
            }
        }
        return out
    }

    /// A proxy chain in front of some clients, the same for the same line.
    static func forwardedFor(_ index: Int) -> String {
        switch index % 3 {
        case 0: return "-"
        case 1: return "198.51.100.\(index % 250 + 1)"
        default: return "198.51.100.\(index % 250 + 1), 10.0.\(index % 7).1"
        }
    }
}

extension CorpusLayoutRewriter.Layout {
    /// nginx, `$host`, ISO time in brackets, no referer, `$request_time` last.
    static let nginxTimed = Self(
        name: "timed", server: .nginx,
        configuration: "'$remote_addr $host $remote_user [$time_iso8601] \"$request\" $status $body_bytes_sent '\n"
            + "        '\"$http_user_agent\" $request_time'") { line, index in
        let time = CorpusLayoutRewriter.iso(line.time)
        return Array(("\(line.ip) example.com \(line.user) [\(time.local)\(time.zone)] \"\(line.request)\" \(line.status) "
            + "\(line.size) \"\(line.agent)\" 0.\(String(format: "%03d", index % 1000))").utf8)
    }

    /// Apache, the virtual host second, an ISO time with no zone (the server's local time).
    static let apacheISO = Self(
        name: "isolocal", server: .apache,
        configuration: "\"%a %v %u %{%Y-%m-%dT%H:%M:%S}t \\\"%r\\\" %>s %b \\\"%{User-agent}i\\\"\"") { line, _ in
        Array(("\(line.ip) intranet.example.org \(line.user) \(CorpusLayoutRewriter.iso(line.time).local) "
            + "\"\(line.request)\" \(line.status) \(line.size) \"\(line.agent)\"").utf8)
    }

    /// nginx, fields reordered: the status before the request, a forwarded-for list before the
    /// client, the user quoted.
    static let nginxReordered = Self(
        name: "reordered", server: .nginx,
        configuration: "'[$time_local] $status $http_x_forwarded_for $remote_addr \"$remote_user\" \"$request\" '\n"
            + "        '$body_bytes_sent \"$http_referer\"'") { line, index in
        Array(("[\(line.time)] \(line.status) \(CorpusLayoutRewriter.forwardedFor(index)) \(line.ip) \"\(line.user)\" "
            + "\"\(line.request)\" \(line.size) \"\(line.referer)\"").utf8)
    }

    /// Apache, reordered the same way.
    static let apacheReordered = Self(
        name: "reordered", server: .apache,
        configuration: "\"[%{%d/%b/%Y:%H:%M:%S %z}t] %>s %{X-Forwarded-For}i %a \\\"%u\\\" \\\"%r\\\" %b \\\"%{Referer}i\\\"\"") {
        line, index in
        Array(("[\(line.time)] \(line.status) \(CorpusLayoutRewriter.forwardedFor(index)) \(line.ip) \"\(line.user)\" "
            + "\"\(line.request)\" \(line.size) \"\(line.referer)\"").utf8)
    }

    /// nginx `escape=json`: an absent user is the empty string, numbers unquoted.
    static let nginxJSON = Self(
        name: "jsonlog", server: .nginx,
        configuration: "escape=json\n        '{\"time_iso8601\":\"$time_iso8601\",\"remote_addr\":\"$remote_addr\","
            + "\"remote_user\":\"$remote_user\",'\n        '\"request\":\"$request\",\"status\":$status,"
            + "\"body_bytes_sent\":$body_bytes_sent,\"http_referer\":\"$http_referer\",'\n"
            + "        '\"http_user_agent\":\"$http_user_agent\",\"request_time\":$request_time}'") { line, index in
        func string(_ written: String) -> [UInt8] {
            written == "-" ? [] : CorpusLayoutRewriter.jsonEscaped(CorpusLayoutRewriter.unescape(written))
        }
        let time = CorpusLayoutRewriter.iso(line.time)
        var out = Array("{\"time_iso8601\":\"\(time.local)\(time.zone)\",\"remote_addr\":\"\(line.ip)\",\"remote_user\":\"".utf8)
        out += string(line.user)
        out += Array("\",\"request\":\"".utf8)
        // An empty request line is "-" in the default escaping and "" in JSON, as every absent value.
        out += string(line.request)
        out += Array("\",\"status\":\(line.status),\"body_bytes_sent\":\(line.size == "-" ? "0" : line.size),\"http_referer\":\"".utf8)
        out += string(line.referer)
        out += Array("\",\"http_user_agent\":\"".utf8)
        out += string(line.agent)
        out += Array("\",\"request_time\":0.\(String(format: "%03d", index % 1000))}".utf8)
        return out
    }
}
