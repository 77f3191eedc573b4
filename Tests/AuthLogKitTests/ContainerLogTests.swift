import Foundation
import Testing
@testable import AuthLogKit

/// Container logs (CRI, docker's json-file) and `journalctl -o json` are read through their
/// envelope: each inner line is classified with every format, numbered by its outer line.
/// Fixtures: `Tests/Fixtures/containers/` (written by its `make-fixtures.py`); they are not
/// in `samples/` because `# format:`/`# expect:` comment lines are no CRI or JSON lines.
@Suite struct ContainerLogTests {
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/containers")

    func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
    }

    /// (line, format, cause, ip, user, path) of each event, in file order.
    func summary(_ events: [AuthEvent]) -> [String] {
        events.sorted { $0.line < $1.line }.map {
            "\($0.line) \($0.format) \($0.cause.rawValue) \($0.ip ?? "-") \($0.user ?? "-") \($0.path ?? "-")"
        }
    }

    @Test func criLinesAreUnwrappedAndPartialLinesJoinTheNextLineOfTheirStream() throws {
        let outcome = try scan(try fixture("nginx-cri.log"), name: "nginx-cri.log")
        #expect(summary(outcome.events) == [
            "1 nginx-error unknown-user 203.0.113.7 admin /admin/",
            "2 nginx-access http-401 203.0.113.7 admin /admin/",
            // lines 3 (P, stdout) and 5 (F, stdout) are one access line, with a stderr line between
            "3 nginx-access http-401 198.51.100.23 bob /status/health",
            "4 nginx-error password-mismatch 198.51.100.23 bob /status/health",
            "7 nginx-error denied-by-rule 203.0.113.9 - /.env",
            "8 nginx-access http-403 203.0.113.9 - /.env",
        ])
        #expect(outcome.file.lines == 8)
    }

    @Test func aPartialLineHoldingNoLiteralStillReachesTheClassifierWithItsEnd() throws {
        // The status that the prefilter looks for is in the F part only, far from the P part.
        let text = "2026-11-20T06:25:20.000000000Z stdout P 198.51.100.23 - bob [20/Nov/2026:06:25:20 +0000] \"GET /a\n"
            + (1...40).map { "2026-11-20T06:25:21.000000000Z stderr F noise \($0)\n" }.joined()
            + "2026-11-20T06:25:22.000000000Z stdout F dmin/ HTTP/1.1\" 401 179 \"-\" \"curl/8.5.0\"\n"
        let outcome = try scan(text, name: "nginx-pod.log")
        #expect(summary(outcome.events) == ["1 nginx-access http-401 198.51.100.23 bob /admin/"])
    }

    @Test func dockerJSONLinesAreUnescapedWithTheirNonUTF8Bytes() throws {
        let outcome = try scan(try fixture("nginx-docker-json.log"), name: "0123abcd-json.log")
        #expect(summary(outcome.events) == [
            "1 nginx-error unknown-user 203.0.113.7 admin /admin/",
            "2 nginx-access http-401 203.0.113.7 admin /admin/",
            "3 nginx-access http-401 198.51.100.23 bob /status/health",
            "4 nginx-error password-mismatch 198.51.100.23 bob /status/health",
            "7 nginx-error denied-by-rule 203.0.113.9 - /.env",
            // `<`, `>`, `&` escaped as \u003c… by docker
            "8 nginx-access http-403 203.0.113.9 - /.env",
            // a raw byte that is no UTF-8 is shown escaped, as in a plain error log
            "9 nginx-error unknown-user 203.0.113.16 j\\xf6rg /admin/",
            // docker's own replacement of what was no UTF-8
            "10 nginx-error password-mismatch 203.0.113.17 j\u{FFFD}rg /admin/",
            // \t and \\ in the JSON string
            "11 nginx-access http-401 203.0.113.18 carol /private/",
        ])
        #expect(outcome.file.format == "nginx-access")
    }

    @Test func journalEntriesAreReadWithTheirProgramTimeAndByteArrayMessages() throws {
        let outcome = try scan(try fixture("journal.json"), name: "journal.json")
        #expect(summary(outcome.events) == [
            "1 nginx-error unknown-user 203.0.113.7 admin /admin/",
            "2 nginx-access http-401 203.0.113.7 admin /admin/",
            "3 apache-error unknown-user 203.0.113.40 dave /private/",
            // SYSLOG_IDENTIFIER apache2 makes the combined line Apache's, not nginx's
            "4 apache-access http-401 203.0.113.40 dave /private/",
            // no SYSLOG_IDENTIFIER: _COMM
            "5 nginx-access http-403 2001:db8::31 - /.env",
            // MESSAGE as an array of bytes (no UTF-8)
            "7 nginx-error password-mismatch 203.0.113.41 j\\xf6rg /admin/",
        ])
        // Apache's error line through syslog states no time: __REALTIME_TIMESTAMP is its time.
        let apacheError = try #require(outcome.events.first { $0.format == "apache-error" })
        #expect(apacheError.time == 1_795_155_924)
    }

    @Test func theAccessAndErrorLinesOfOneContainerLogPair() throws {
        // The docker log has three error lines more, without access lines, and an access
        // line (carol's) that no error line explains.
        for (name, extra) in [("nginx-cri.log", 0), ("nginx-docker-json.log", 1)] {
            var options = ScanOptions()
            options.timeZone = TimeZone(identifier: "UTC")!
            let report = ScanSession(patterns: builtinPatterns, options: options, diagnostics: nil)
                .run(arguments: [Self.fixtures.appendingPathComponent(name).path])
            let requests = try #require(report.requests)
            #expect(requests.paired == 3, "\(name)")
            #expect(requests.aggregate.byCause[.http401] == extra && requests.aggregate.byCause[.http403] == 0, "\(name)")
            #expect(requests.aggregate.byCause[.unknownUser] == 1 + extra
                    && requests.aggregate.byCause[.passwordMismatch] == 1 + extra
                    && requests.aggregate.byCause[.deniedByRule] == 1, "\(name)")
        }
    }

    @Test func aPlainLogIsNotTakenForAnEnvelope() throws {
        let sample = Array("203.0.113.7 - admin [20/Nov/2026:06:25:14 +0000] \"GET /admin/ HTTP/1.1\" 401 179 \"-\" \"curl\"\n".utf8)
        #expect(sample.withUnsafeBytes { Envelope.detect(sample: $0) } == nil)
        let json = Array("{\"remote_addr\":\"203.0.113.7\",\"status\":401}\n".utf8)
        #expect(json.withUnsafeBytes { Envelope.detect(sample: $0) } == nil)
    }

    @Test func literalsAreSearchedByWhatSurvivesJSONEscaping() {
        #expect(Envelope.longestUnescapedRun(Array("\" 401 ".utf8)) == Array(" 401 ".utf8))
        #expect(Envelope.longestUnescapedRun(Array("user \"".utf8)) == Array("user ".utf8))
        #expect(Envelope.longestUnescapedRun(Array("a\\b<cd".utf8)) == Array("cd".utf8))
        let wanted: LineClassifier.WantedLines = ([Array("\"".utf8), Array(" 401 ".utf8)], false, false)
        #expect(Envelope.dockerJSON.outerLines(wanted: wanted).everyLine, "a literal of escaped bytes only: every line")
    }

    @Test func jsonStringsUnescapeSurrogatePairsAndLoneSurrogates() {
        let escaped = Array(#"a\"b\\c\/d\n\u00e9\ud83d\ude00\ud800x"#.utf8)
        var output = [UInt8](repeating: 0, count: escaped.count)
        let count = escaped.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { JSONString.unescapeLeniently(input, into: $0) }
        }
        #expect(String(decoding: output[..<count], as: UTF8.self) == "a\"b\\c/d\n\u{E9}\u{1F600}\u{FFFD}x")
    }
}
