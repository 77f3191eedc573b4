import Foundation
import Testing
@testable import AuthLogKit

/// Log lines are attacker-controlled. The client address must come from where the format
/// puts it, and nothing in a field may escape into a terminal or break JSON.
@Suite struct HostileInputTests {
    @Test func forgedClientInANginxRequestLineIsNotBelieved() throws {
        let line = "2026/11/20 06:25:14 [error] 7#7: *1 user \"bob\": password mismatch, client: 203.0.113.5, server: s, request: \"GET /x, client: 6.6.6.6, server: y HTTP/1.1\", host: \"s\"\n"
        let event = try #require(try scan(line).events.first)
        #expect(event.ip == "203.0.113.5")
        #expect(event.user == "bob")
        #expect(event.path == "/x,")
    }

    @Test func quotesAndCommasInANginxUserNameStayInTheUserName() throws {
        let line = "2026/11/20 06:25:14 [error] 7#7: *1 user \"x\" was not found in \"/a\", y\" was not found in \"/etc/nginx/.htpasswd\", client: 203.0.113.5, server: s, request: \"GET /admin/ HTTP/1.1\", host: \"s\"\n"
        let event = try #require(try scan(line).events.first)
        #expect(event.ip == "203.0.113.5")
        #expect(event.user == "x\" was not found in \"/a\", y")
    }

    @Test func forgedClientInAnApachePathIsNotBelieved() throws {
        // A URI cannot hold a space, the referer can: both come after the real client field.
        let line = "[Fri Nov 20 06:25:14.123456 2026] [auth_basic:error] [pid 1:tid 2] [client 203.0.113.8:5555] AH01618: user bob not found: /x[client-6.6.6.6:1], referer: [client 6.6.6.6:1] x\n"
        let event = try #require(try scan(line).events.first)
        #expect(event.ip == "203.0.113.8")
        #expect(event.path == "/x[client-6.6.6.6:1]")
    }

    @Test func forgedSourceInAWordPressUserNameIsNotBelieved() throws {
        let line = "[20-Nov-2026 06:25:14 UTC] Login failed for user \"a\" from 6.6.6.6 (invalid_username)\" from 203.0.113.44 (invalid_username)\n"
        let event = try #require(try scan(line).events.first)
        #expect(event.ip == "203.0.113.44")
        #expect(event.user == "a\" from 6.6.6.6 (invalid_username)")
    }

    @Test func invalidUTF8IsKeptAsHexEscapes() throws {
        var bytes = Array("[Fri Nov 20 06:25:14.123456 2026] [auth_basic:error] [pid 1] [client 203.0.113.8:5555] AH01618: user j".utf8)
        bytes += [0xF6, 0x72, 0x67] + Array(" not found: /caf".utf8) + [0xC3, 0xA9] + [0x0A]
        let event = try #require(try scan(bytes).events.first)
        #expect(event.user == "j\\xf6rg")
        #expect(event.path == "/café")
    }

    @Test func terminalEscapingNeutralisesControlsAndBidi() {
        #expect(TerminalText.escape("/\u{1B}[31mred\u{1B}[0m") == "/\\x1b[31mred\\x1b[0m")
        #expect(TerminalText.escape("a\u{7}b\u{9B}c") == "a\\x07b\\x9bc")
        #expect(TerminalText.escape("evil\u{202E}txt.exe") == "evil\\u{202e}txt.exe")
        #expect(TerminalText.escape("tab\there\nnl") == "tab\\there\\nnl")
        #expect(TerminalText.escape("plain /admin/ café") == "plain /admin/ café")
    }

    @Test func textReportNeverContainsRawEscapesFromLogs() throws {
        // nginx writes ESC as the text \x1B, but a log may hold the raw byte too.
        var bytes = Array("203.0.113.9 - ".utf8) + [0x1B] + Array("[2J - [20/Nov/2026:06:25:14 +0000] \"GET /a".utf8)
        bytes += [0x1B] + Array("]0;pwned".utf8) + [0x07] + Array(" HTTP/1.1\" 401 1 \"-\" \"x\"\n".utf8)
        let outcome = try scan(bytes, name: "access.log")
        #expect(outcome.events.count == 1)
        let text = TextReport.render(outcome.report, top: 10, style: TextStyle(enabled: false))
        #expect(!text.unicodeScalars.contains("\u{1B}"))
        #expect(!text.unicodeScalars.contains("\u{07}"))
        #expect(text.contains("/a\\x1b]0;pwned\\x07"))
    }

    /// Findings quote log text (user names, paths) in their figures and advice: escaped too.
    @Test func findingsNeverCarryRawEscapesOrBreakJSON() throws {
        let hostileUser = "\u{1B}]0;pwned\u{07}\u{1B}[31mroot\u{202E}"
        var log = ""
        for second in 0..<25 {
            log += "192.0.2.10 - \(hostileUser) [21/Nov/2026:01:00:\(String(format: "%02d", second)) +0000] \"GET /adm\u{1B}[2Jin/ HTTP/1.1\" 401 179 \"-\" \"x\"\n"
        }
        let outcome = try scan(log, name: "nginx-access.log")
        let finding = try #require(outcome.report.requests?.findings.first { $0.kind == .bruteForce })
        #expect(finding.key == "192.0.2.10")
        let text = TextReport.render(outcome.report, top: 5, style: TextStyle(enabled: false))
        #expect(text.contains("brute-force"))
        #expect(!text.contains("\u{1B}") && !text.contains("\u{07}") && !text.contains("\u{202E}"), "raw control characters reached the terminal")
        let json = JSONReport.render(outcome.report, top: 5, generator: "test")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let findings = try #require(document["findings"] as? [[String: Any]])
        let figures = try #require(findings.first?["figures"] as? [String: Any])
        #expect(figures["top_user"] as? String == hostileUser, "JSON keeps the text exactly, escaped as JSON")
        let line = FindingJSON.line(finding, files: try #require(outcome.report.requests).evidenceFiles)
        #expect(line.hasSuffix("}\n") && !line.dropLast().contains("\n") && !line.contains("\u{1B}"))
    }

    @Test func jsonStaysValidForEveryByte() throws {
        // Every byte value in a user name and a path, through NDJSON and the JSON report.
        var bytes = Array("203.0.113.9 - u".utf8)
        bytes += (1...255).map { UInt8($0) }.filter { $0 != 0x0A && $0 != 0x20 && $0 != 0x3A && $0 != 0x22 && $0 != 0x5C }
        bytes += Array(" [20/Nov/2026:06:25:14 +0000] \"GET /p".utf8)
        bytes += (0x01...0x1F).map { UInt8($0) }.filter { $0 != 0x0A && $0 != 0x20 } + [0x7F, 0xC0, 0xFF]
        bytes += Array(" HTTP/1.1\" 401 1 \"-\" \"x\"\n".utf8)
        let outcome = try scan(bytes, name: "access.log")
        let event = try #require(outcome.events.first)
        let line = NDJSONEvent.render(event)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["user"] as? String == event.user)
        #expect(object["path"] as? String == event.path)
        #expect(!line.dropLast().contains("\n"))
        let report = JSONReport.render(outcome.report, top: 5, generator: "test")
        #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(report.utf8)) }
    }

    @Test func ndjsonKeysComeInTheDocumentedOrder() throws {
        let line = "203.0.113.9 - alice [20/Nov/2026:06:25:14 +0100] \"POST /admin/login?x=1 HTTP/1.1\" 403 1 \"-\" \"x\"\n"
        let event = try #require(try scan(line, name: "access.log").events.first)
        let rendered = NDJSONEvent.render(event)
        let keys = ["time", "file", "line", "format", "ip", "method", "path", "status", "user", "cause"]
        let positions = keys.map { rendered.range(of: "\"\($0)\":")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        #expect(rendered.contains("\"time\":\"2026-11-20T05:25:14Z\""))
        #expect(rendered.contains("\"method\":\"POST\",\"path\":\"/admin/login\",\"status\":403,\"user\":\"alice\",\"cause\":\"http-403\""))
    }

    @Test func catastrophicUserPatternIsBoundedAndCounted() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            [format]
            name = nginx-error

            [rule redos]
            cause = invalid-token
            literal = evil
            regex = evil (a+)+$
            """.write(to: directory.appendingPathComponent("redos.conf"), atomically: true, encoding: .utf8)
        let patterns = try CompiledPatterns(try PatternLoader.load(userDirectories: [directory.path]))
        let log = directory.appendingPathComponent("error.log")
        let line = "2026/11/20 06:25:14 [error] 7#7: *1 evil " + String(repeating: "a", count: 5000) + "b\n"
        try (line + line).write(to: log, atomically: true, encoding: .utf8)
        var options = ScanOptions()
        options.matchLimits.matchLimit = 100_000
        let diagnostics = RecordingDiagnostics()
        let report = ScanSession(patterns: patterns, options: options, diagnostics: diagnostics).run(arguments: [log.path])
        #expect(report.files.first?.skippedByReason[.matchLimit] == 2)
        #expect(diagnostics.warnings.contains { $0.contains("2 match-limit (first at line 1)") })
    }
}
