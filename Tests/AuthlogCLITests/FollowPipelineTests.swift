import Foundation
import Testing

/// follow reads lines through the scan's pipeline: the same file gives the same events and
/// the same skip counts whether it is scanned or followed.
extension FollowTests {
    /// The events `authlog scan --output ndjson` finds in `file`, and its warnings.
    func scanned(_ file: URL, _ options: [String] = []) throws -> (events: [String], errors: [String]) {
        let result = try CommandLineTests().run(["scan", "--output", "ndjson"] + options + [file.path])
        let events = result.stdout.split(separator: "\n").map(String.init).filter { !$0.contains("\"type\":") }
        return (events, result.stderr.split(separator: "\n").map(String.init))
    }

    func events(_ lines: [String]) -> [String] { lines.filter { !$0.contains("\"type\":") } }

    func nginxErrorLine(user: String, ip: String) -> String {
        "2026/11/20 06:25:15 [error] 7#7: *1 user \"\(user)\" was not found in \"/etc/nginx/.htpasswd\", client: \(ip), server: s, request: \"GET / HTTP/1.1\", host: \"s\"\n"
    }

    @Test func followReadsAMixedFileWithEveryFormatLikeScan() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // `docker logs` of an nginx container: access and error lines in one stream.
        let log = directory.appendingPathComponent("container.log")
        try append(Self.line(user: "alice") + nginxErrorLine(user: "bob", ip: "198.51.100.4")
                   + Self.line(user: "carol", status: 403), to: log)
        let scan = try scanned(log)
        #expect(users(scan.events) == ["alice", "bob", "carol"])

        let follower = try Follower(["--from-start", log.path])
        #expect(follower.waitUntil { users($0.lines).count >= 3 })
        follower.stop()
        #expect(events(follower.lines) == scan.events)
    }

    @Test func followCountsBinaryAndOverlongLinesLikeScanAndUsesTheLiteralPrefilter() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("access.log")
        // Enough served lines that the format sample is of this format alone (not mixed).
        var text = (1...210).map { Self.line(user: "-", ip: "192.0.2.\($0 % 200)", status: 200) }.joined()
        // Line 211: a WordPress line holds none of the access format's literals, so the
        // prefilter never hands it to the classifier (which would read it with the other
        // formats as a failure of "mallory").
        text += "[20-Nov-2026 06:25:14 UTC] Login failed for user \"mallory\" from 203.0.113.66 (invalid_username)\n"
        // 212: a request a `cause = none` rule keeps for pairing (a login that worked): no failure.
        text += "203.0.113.55 - - [20/Nov/2026:06:32:09 +0000] \"POST /wp-login.php HTTP/1.1\" 302 0 \"-\" \"Mozilla/5.0\"\n"
        // 213: binary junk; 214: longer than --max-line.
        text += "203.0.113.9 - bin\u{0} [20/Nov/2026:06:25:14 +0000] \"GET /admin/ HTTP/1.1\" 401 179 \"-\" \"curl/8\"\n"
        text += Self.line(user: "long" + String(repeating: "x", count: 400))
        // 215: CRLF; 216.
        text += Self.line(user: "crlf", status: 403).replacingOccurrences(of: "\n", with: "\r\n") + Self.line(user: "last")
        try append(text, to: log)
        let scan = try scanned(log, ["--max-line", "300"])
        #expect(users(scan.events) == ["crlf", "last"])
        let skipped = "authlog: warning: \(log.path): skipped 2 line(s): 1 binary (first at line 213), 1 too-long (first at line 214)"
        #expect(scan.errors.contains(skipped))

        let follower = try Follower(["--from-start", "--max-line", "300", log.path])
        #expect(follower.waitUntil { users($0.lines).count >= 2 })
        #expect(follower.waitUntil { $0.errors.contains(skipped) }, "\(follower.errors)")
        // Lines appended later are numbered on from there, and counted too.
        try append("\u{0}\n" + Self.line(user: "later"), to: log)
        #expect(follower.waitUntil { users($0.lines).count >= 3 })
        follower.stop()
        #expect(events(follower.lines).prefix(2) == scan.events[...])
        #expect(users(follower.lines) == ["crlf", "last", "later"])
        #expect(follower.lines.contains { $0.contains("\"user\":\"later\"") && $0.contains("\"line\":218") })
        #expect(follower.errors.contains("authlog: warning: \(log.path): skipped 1 line(s): 1 binary (first at line 217)"))
        #expect(follower.errors.contains(
            "authlog: warning: \(log.path): skipped 3 line(s) while followed: 2 binary (first at line 213), 1 too-long (first at line 214)"))
    }

    func criLine(_ content: String, partial: Bool = false, stream: String = "stdout") -> String {
        "2026-11-20T06:25:14.000000000Z \(stream) \(partial ? "P" : "F") \(content.hasSuffix("\n") ? String(content.dropLast()) : content)\n"
    }

    @Test func followReadsAContainerLogThroughItsEnvelope() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // /var/log/containers/web.log: CRI lines of an nginx container.
        let log = directory.appendingPathComponent("web.log")
        try append((1...5).map { criLine(Self.line(user: "-", ip: "192.0.2.\($0)", status: 200)) }.joined(), to: log)
        let follower = try Follower([log.path])
        try append(criLine(Self.line(user: "alice")), to: log)
        #expect(follower.waitUntil { users($0.lines) == ["alice"] }, "\(follower.lines) \(follower.errors)")
        // A long line in parts, the status only in its last.
        let whole = Self.line(user: "bob", status: 403)
        let cut = whole.index(whole.startIndex, offsetBy: 30)
        try append(criLine(String(whole[..<cut]), partial: true) + criLine(String(whole[cut...])), to: log)
        #expect(follower.waitUntil { users($0.lines) == ["alice", "bob"] }, "\(follower.lines) \(follower.errors)")
        follower.stop()
    }

    @Test func followForgetsAContainerLogsHeldPartWhenTheFileIsTruncated() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("web.log")
        try append((1...5).map { criLine(Self.line(user: "-", ip: "192.0.2.\($0)", status: 200)) }.joined(), to: log)
        let follower = try Follower([log.path])
        // The head of a long line, then the file is truncated (copytruncate) before its end:
        // the next line is a line of its own, not that part's tail.
        // The part is held once the error line after it (on stderr) is out.
        try append(criLine("203.0.113.51 - - [20/Nov/2026:06:25:13 +0000] \"GET /q", partial: true)
                   + criLine(nginxErrorLine(user: "dave", ip: "198.51.100.4"), stream: "stderr"), to: log)
        #expect(follower.waitUntil { users($0.lines) == ["dave"] }, "\(follower.lines) \(follower.errors)")
        try Data().write(to: log)  // truncate in place, same inode
        try append(criLine(Self.line(user: "carol")), to: log)
        #expect(follower.waitUntil { users($0.lines) == ["dave", "carol"] }, "\(follower.lines) \(follower.errors)")
        follower.stop()
    }
}
