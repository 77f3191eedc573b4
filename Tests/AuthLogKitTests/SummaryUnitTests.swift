import Foundation
import Testing
@testable import AuthLogKit

@Suite struct SummaryUnitTests {
    let now = Date(timeIntervalSince1970: 1_795_435_200)  // 2026-11-23T12:00:00Z
    let utc = TimeZone(identifier: "UTC")!

    func parse(_ text: String, zone: String = "UTC") throws -> String {
        CivilTime.iso8601(try TimeExpression.parse(text, now: now, zone: TimeZone(identifier: zone)!))
    }

    @Test func timeExpressions() throws {
        #expect(try parse("now") == "2026-11-23T12:00:00Z")
        #expect(try parse("today") == "2026-11-23T00:00:00Z")
        #expect(try parse("yesterday") == "2026-11-22T00:00:00Z")
        #expect(try parse("today", zone: "Europe/Berlin") == "2026-11-22T23:00:00Z")
        #expect(try parse("24h") == "2026-11-22T12:00:00Z")
        #expect(try parse("7d") == "2026-11-16T12:00:00Z")
        #expect(try parse("90m") == "2026-11-23T10:30:00Z")
        #expect(try parse("2026-11-20") == "2026-11-20T00:00:00Z")
        #expect(try parse("2026-11-20T06:30") == "2026-11-20T06:30:00Z")
        #expect(try parse("2026-11-20T06:30:00+01:00") == "2026-11-20T05:30:00Z")
        #expect(try parse("2026-11-20", zone: "America/New_York") == "2026-11-20T05:00:00Z")
        #expect(throws: TimeExpression.Invalid.self) { try TimeExpression.parse("last tuesday", now: now, zone: utc) }
    }

    @Test func failOnRules() throws {
        var aggregate = FailureAggregate()
        for index in 0..<30 {
            aggregate.add(AuthEvent(time: nil, file: "f", line: index, format: "nginx-error", ip: index < 20 ? "203.0.113.1" : "203.0.113.2",
                                    method: nil, path: "/admin/", status: 401, user: "admin", cause: index < 5 ? .passwordMismatch : .unknownUser,
                                    rule: "r"))
        }
        #expect(try FailOnRule(parsing: "total>=30").crossed(by: aggregate) != nil)
        #expect(try FailOnRule(parsing: "total>30").crossed(by: aggregate) == nil)
        #expect(try FailOnRule(parsing: "ip>=20").crossed(by: aggregate)?.contains("203.0.113.1") == true)
        #expect(try FailOnRule(parsing: "ip>=21").crossed(by: aggregate) == nil)
        #expect(try FailOnRule(parsing: "password-mismatch >= 5").crossed(by: aggregate) != nil)
        #expect(try FailOnRule(parsing: "user>=30").crossed(by: aggregate) != nil)
        #expect(throws: FailOnRule.Invalid.self) { try FailOnRule(parsing: "ip=>3") }
        #expect(throws: FailOnRule.Invalid.self) { try FailOnRule(parsing: "nobody>=3") }
    }

    /// --fail-on keys are `Dimension`s (the top key of ip, user, path), the total, or a cause
    /// named by its id; `cause` itself is not a key, as before the keys were shared.
    @Test func failOnKeysAreTheTotalATopDimensionOrACause() throws {
        #expect(try FailOnRule(parsing: "total>=1").key == .total)
        #expect(try FailOnRule(parsing: "ip>=1").key == .top(.ip))
        #expect(try FailOnRule(parsing: "user>1").key == .top(.user))
        #expect(try FailOnRule(parsing: "path>=1").key == .top(.path))
        #expect(try FailOnRule(parsing: "unknown-user>=1").key == .cause(.unknownUser))
        #expect(throws: FailOnRule.Invalid.self) { try FailOnRule(parsing: "cause>=1") }
        #expect(FailOnRule.Invalid(text: "x").description
            == "cannot read --fail-on 'x': use KEY>=N or KEY>N with KEY one of total, ip, user, path or a cause id")

        var aggregate = FailureAggregate()
        for index in 0..<12 {
            aggregate.add(AuthEvent(time: nil, file: "f", line: index, format: "nginx-access", ip: "198.51.100.\(index)",
                                    method: "GET", path: index < 9 ? "/wp-admin/" : "/", status: 403, user: nil,
                                    cause: .http403, rule: "r"))
        }
        #expect(try FailOnRule(parsing: "path>=9").crossed(by: aggregate) == "path /wp-admin/: 9 (path>=9)")
        #expect(try FailOnRule(parsing: "path>9").crossed(by: aggregate) == nil)
        #expect(try FailOnRule(parsing: "ip>=2").crossed(by: aggregate) == nil, "twelve clients with one failure each")
        #expect(try FailOnRule(parsing: "user>=1").crossed(by: aggregate) == nil, "no line named a user")
    }

    @Test func markdownEscapesLogTextButNotItsOwnTables() {
        #expect(SummaryText.escape("/a|b*c_[x](javascript:alert(1))<img>", .markdown) == "/a\\|b\\*c\\_\\[x\\](javascript:alert(1))\\<img\\>")
        #expect(SummaryText.escape("\u{1B}[31m", .markdown) == "\\\\x1b\\[31m")
        #expect(SummaryHTML.escape("<a href='x'>&\"") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;")
    }

    @Test func stateRoundTripsAndDamagedStateIsReported() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.json").path
        guard case .missing = SummaryState.load(path) else { Issue.record("expected missing"); return }
        let state = SummaryState(generatedAt: "2026-11-23T06:15:00Z", checkpoints: [
            .init(path: "/var/log/nginx/access.log", device: 1, inode: 2, offset: 3, fingerprint: "00ff", fingerprintLength: 4, lastTime: nil),
        ], previous: .init(generatedAt: "2026-11-22T06:15:00Z", total: 9, byCause: ["unknown-user": 9], topClients: ["203.0.113.7"]))
        try state.save(to: path)
        guard case .loaded(let loaded) = SummaryState.load(path) else { Issue.record("expected loaded"); return }
        #expect(loaded == state)
        try "[]".write(toFile: path, atomically: true, encoding: .utf8)
        guard case .unusable = SummaryState.load(path) else { Issue.record("expected unusable"); return }
    }
}

/// State files as they may be found on disk: damaged by hand, by a disk, or by an attacker.
@Suite struct DamagedStateTests {
    func load(_ text: String) throws -> String? {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.json").path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        switch SummaryState.load(path) {
        case .unusable(let why): return why
        case .loaded, .missing: return nil
        }
    }

    // Trust item 12
    @Test func aStateWithInt64MinIsDamagedNotACrash() throws {
        // The hostile reproducer's state (repro 03): previous.total, or a by_cause value, is Int64.min.
        let total = #"{"schema": "authlog.state/1", "generated_at": "2026-12-01T20:00:00Z", "checkpoints": [], "previous": {"generated_at": "2026-12-01T20:00:00Z", "total": -9223372036854775808, "by_cause": {"http-401": 0}, "top_clients": []}}"#
        #expect(try load(total)?.contains("previous.total: -9223372036854775808 is out of range") == true)
        let byCause = total.replacingOccurrences(of: #""total": -9223372036854775808"#, with: #""total": 0"#)
            .replacingOccurrences(of: #""http-401": 0"#, with: #""http-401": -9223372036854775808"#)
        #expect(try load(byCause)?.contains("previous.by_cause.http-401: -9223372036854775808 is out of range") == true)
        let offset = #"{"schema": "authlog.state/1", "generated_at": "x", "checkpoints": [{"path": "/l", "device": 1, "inode": 2, "offset": -1, "fingerprint": "00", "fingerprint_length": 4}]}"#
        #expect(try load(offset)?.contains("checkpoints[0].offset: -1 is out of range") == true)
    }

    // Trust item 12: whatever a state holds, comparing with it cannot trap.
    @Test func comparingWithExtremeFiguresSaturates() {
        #expect(SummaryDocument.difference(5, Int.min) == Int.max)
        #expect(SummaryDocument.difference(Int.min, 1) == Int.min)
        #expect(SummaryDocument.difference(7, 3) == 4)
        var document = SummaryDocument(report: ScanReport(), windowStart: nil, windowEnd: 0, windowDescription: "",
                                       previous: .init(generatedAt: "x", total: Int.min, byCause: ["http-401": Int.min],
                                                       topClients: [], counts: "events"),
                                       top: 10, generatedAt: 0)
        #expect(document.change.hasPrefix("+"))
        #expect(SummaryJSON.render(document, generator: "t").contains("\"change\": \(Int.max)"))
        document.previous?.total = 1
        #expect(document.change == "−100% vs the previous run (1)")
    }

    // Trust item 15
    @Test func aDamagedStateNamesTheFieldNotFoundationsFormatMessage() throws {
        let wrongType = #"{"schema": "authlog.state/1", "generated_at": "x", "checkpoints": [{"path": "/l", "device": 1, "inode": 2, "offset": "ten", "fingerprint": "00", "fingerprint_length": 4}]}"#
        let why = try #require(try load(wrongType))
        #expect(why.contains("checkpoints[0].offset: expected a whole number"), "\(why)")
        #expect(!why.contains("correct format"))
        let missing = #"{"schema": "authlog.state/1", "checkpoints": []}"#
        let missingWhy = try load(missing) ?? ""
        #expect(missingWhy.contains("generated_at: missing"), "\(missingWhy)")
        let previousMissing = #"{"schema": "authlog.state/1", "generated_at": "x", "checkpoints": [], "previous": {"generated_at": "x", "by_cause": {}, "top_clients": []}}"#
        let previousWhy = try load(previousMissing) ?? ""
        #expect(previousWhy.contains("previous.total: missing"), "\(previousWhy)")
        // Numbers that do not fit their field, which Foundation reports as "not valid JSON".
        let negativeInode = wrongType.replacingOccurrences(of: #""inode": 2"#, with: #""inode": -2"#)
            .replacingOccurrences(of: #""offset": "ten""#, with: #""offset": 0"#)
        let inodeWhy = try load(negativeInode) ?? ""
        #expect(inodeWhy.contains("checkpoints[0].inode: -2 is negative"), "\(inodeWhy)")
        let hugeTotal = previousMissing.replacingOccurrences(of: #""by_cause""#, with: #""total": 1e30, "by_cause""#)
        let hugeWhy = try load(hugeTotal) ?? ""
        #expect(hugeWhy.contains("previous.total: 1e+30 is not a whole number that fits"), "\(hugeWhy)")
        #expect(try load("{ not json")?.contains("not JSON") == true)
    }
}
