import Foundation
import Testing
@testable import AuthLogKit

/// Issue 15 item 1: a 401 to a request without credentials that the same client answers at
/// once with a login that works is a challenge, not a failure (`ChallengeMatcher`).
@Suite struct ChallengeTests {
    static let scene = FindingSampleTests.sceneRoot.appendingPathComponent("challenge")

    func requests(_ log: String, configure: (inout ScanOptions) -> Void = { _ in }) throws -> RequestReport {
        let directory = try makeTemporaryDirectory(holding: ["nginx/access.log": log])
        defer { try? FileManager.default.removeItem(at: directory) }
        return try requests(scanning: [directory.path], configure: configure)
    }

    func requests(scanning paths: [String], configure: (inout ScanOptions) -> Void = { _ in }) throws -> RequestReport {
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        options.now = SampleVerifier.sampleNow
        configure(&options)
        return try #require(ScanSession(patterns: builtinPatterns, options: options, diagnostics: nil).run(arguments: paths).requests)
    }

    func access(_ ip: String, _ time: String, _ request: String, _ status: Int, user: String = "-") -> String {
        "\(ip) - \(user) [22/Nov/2026:\(time) +0000] \"\(request)\" \(status) 569 \"-\" \"DAVx5/4.4.2-ose\"\n"
    }

    @Test func challengeAnsweredWithCredentialsIsNotAFailure() throws {
        // The same request again at once; a second later to a collection below (same realm);
        // a davfs2-style retry of the bare prefix.
        let log = access("192.0.2.1", "10:00:00", "PROPFIND /remote.php/dav/ HTTP/1.1", 401)
            + access("192.0.2.1", "10:00:00", "PROPFIND /remote.php/dav/ HTTP/1.1", 207, user: "anna")
            + access("192.0.2.2", "10:00:10", "PROPFIND /remote.php/dav/calendars/bert/ HTTP/1.1", 401)
            + access("192.0.2.2", "10:00:11", "REPORT /remote.php/dav/calendars/bert/home/ HTTP/1.1", 207, user: "bert")
            + access("192.0.2.3", "10:00:20", "PROPFIND /webdav HTTP/1.1", 401)
            + access("192.0.2.3", "10:00:24", "PROPFIND /webdav/ HTTP/1.1", 207, user: "carol")
        let report = try requests(log)
        #expect(report.challenges == 3)
        #expect(report.aggregate.total == 0, "challenges counted as failures: \(report.aggregate.total)")
        #expect(report.unexplained.status401WithoutUser == 0)
        #expect(report.findings.isEmpty)
        #expect(report.challengeOnlyClients.map(\.description) == ["192.0.2.1", "192.0.2.2", "192.0.2.3"])
    }

    @Test func a401AnsweredTooLateElsewhereOrByNoLoginStaysAFailure() throws {
        let log = access("192.0.2.10", "10:00:00", "GET /admin/ HTTP/1.1", 401)          // login 10 s later
            + access("192.0.2.10", "10:00:10", "GET /admin/ HTTP/1.1", 200, user: "dave")
            + access("192.0.2.11", "10:01:00", "GET /admin/ HTTP/1.1", 401)              // another realm
            + access("192.0.2.11", "10:01:01", "GET /webmail/ HTTP/1.1", 200, user: "erin")
            + access("192.0.2.12", "10:02:00", "GET /admin/ HTTP/1.1", 401)              // refused again
            + access("192.0.2.12", "10:02:01", "GET /admin/ HTTP/1.1", 401, user: "frank")
            + access("192.0.2.13", "10:03:00", "GET /admin/ HTTP/1.1", 401)              // served, no user
            + access("192.0.2.13", "10:03:01", "GET /admin/ HTTP/1.1", 200)
            + access("192.0.2.14", "10:04:00", "GET /admin/ HTTP/1.1", 200, user: "gina") // login before it
            + access("192.0.2.14", "10:04:00", "GET /admin/ HTTP/1.1", 401)
            + access("192.0.2.15", "10:05:00", "GET /admin/ HTTP/1.1", 401)              // another client
            + access("192.0.2.16", "10:05:01", "GET /admin/ HTTP/1.1", 200, user: "hana")
        let report = try requests(log)
        #expect(report.challenges == 0)
        #expect(report.aggregate.total == 7)
        #expect(report.unexplained.status401WithoutUser == 6)
        #expect(report.challengeOnlyClients.isEmpty)
        // A wider window takes the login 10 s later.
        let wider = try requests(log) { $0.requestAnalysis?.challengeWindow = 10 }
        #expect(wider.challenges == 1 && wider.aggregate.total == 6)
    }

    @Test func oneLoginAnswersOneChallengeOnly() throws {
        // A hundred unauthenticated requests and one login do not make a hundred challenges.
        var log = ""
        for second in 0..<5 { log += access("192.0.2.20", "10:00:0\(second)", "GET /private/ HTTP/1.1", 401) }
        log += access("192.0.2.20", "10:00:05", "GET /private/ HTTP/1.1", 200, user: "ivan")
        let report = try requests(log)
        #expect(report.challenges == 1)
        #expect(report.aggregate.total == 4)
        // The one answered is the last, within the window of the login; the others stay.
        #expect(report.aggregate.byCause[.http401] == 4)
        #expect(report.challengeOnlyClients.isEmpty, "401s that were no challenge are left")
    }

    /// A client that only ever gets 401s, never sending credentials: no challenge, and
    /// reported as before (dora's phone of the scene, a misconfigured client).
    @Test func challengeOnlyClientIsStillReported() throws {
        let report = try requests(scanning: [Self.scene.path])
        let dora = report.aggregate.topIPs(10).first { $0.key == "203.0.113.130" }
        #expect(dora?.value.failures.count == 24)
        #expect(report.findings.contains { $0.kind == .misconfiguredClient && $0.key == "203.0.113.130" })
        #expect(!report.challengeOnlyClients.contains(IPAddress("203.0.113.130")!))
    }

    /// Twelve answered challenges in an hour at irregular times: as failures they are "failed
    /// 12 times, then got in" (a finding about jo); as challenges, nothing. With a window of 0
    /// the retries a second later are no challenges, which shows what the rules would have said.
    @Test func challengeNeverEvidenceForAnyFinding() throws {
        var log = ""
        for (minute, second) in [(0, 3), (2, 41), (7, 12), (9, 58), (16, 5), (21, 30), (22, 2), (30, 44), (38, 9), (41, 27), (50, 1), (57, 33)] {
            let time = String(format: "10:%02d:%02d", minute, second)
            let retry = String(format: "10:%02d:%02d", minute, second + 1)
            log += access("192.0.2.30", time, "PROPFIND /dav/calendars/jo/ HTTP/1.1", 401)
                + access("192.0.2.30", retry, "PROPFIND /dav/calendars/jo/ HTTP/1.1", 207, user: "jo")
        }
        let report = try requests(log)
        #expect(report.challenges == 12 && report.aggregate.total == 0)
        #expect(report.findings.isEmpty, "\(report.findings.map { "\($0.kind.rawValue) \($0.key)" })")
        let unmatched = try requests(log) { $0.requestAnalysis?.challengeWindow = 0 }
        #expect(unmatched.challenges == 0)
        #expect(!unmatched.findings.isEmpty, "the test shows nothing: its log makes no finding of failures either")
    }

    /// The scene's guesser sends one request without credentials, then thirty guesses, next
    /// to hundreds of challenges of other clients: brute force counts the thirty guesses and
    /// cites them, not a challenge and not the request without credentials (two seconds
    /// before a guess that was refused: no challenge either).
    @Test func challengeNeverEvidenceForBruteForce() throws {
        let report = try requests(scanning: [Self.scene.path])
        let bruteForce = try #require(report.findings.first { $0.kind == .bruteForce })
        #expect(bruteForce.key == "198.51.100.90")
        #expect(bruteForce.figure("failures") == .int(30))
        let lines = try String(contentsOf: Self.scene.appendingPathComponent("nginx-access.log"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        for evidence in bruteForce.evidence {
            let line = lines[evidence.line - 1]
            #expect(line.hasPrefix("198.51.100.90 - ") && !line.hasPrefix("198.51.100.90 - - "), "cites \(line)")
        }
        #expect(!report.challengeOnlyClients.contains(IPAddress("198.51.100.90")!))
        for finding in report.findings {
            for evidence in finding.evidence {
                #expect(!lines[evidence.line - 1].contains(" - - ") || finding.key == "203.0.113.130",
                        "\(finding.kind.rawValue) cites a request without credentials: \(lines[evidence.line - 1])")
            }
        }
    }

    @Test func challengeCountSameForAnyThreadCount() throws {
        func json(threads: Int, chunk: Int) throws -> String {
            var options = ScanOptions()
            options.timeZone = TimeZone(identifier: "UTC")!
            options.now = SampleVerifier.sampleNow
            options.threads = threads
            options.chunkSize = chunk
            let report = ScanSession(patterns: builtinPatterns, options: options, diagnostics: nil).run(arguments: [Self.scene.path])
            #expect(report.requests?.challenges == 264)
            return JSONReport.render(report, top: 10, generator: "test")
        }
        let reference = try json(threads: 1, chunk: 1 << 30)
        #expect(reference.contains("\"challenges\": 264"))
        for (threads, chunk) in [(2, 4096), (4, 16 << 10), (3, 64 << 10)] {
            #expect(try json(threads: threads, chunk: chunk) == reference, "threads \(threads), chunk \(chunk)")
        }
    }

    /// The scene: hundreds of challenges, no finding for a challenged client, and the ban list
    /// holds the guesser and nobody else (dora is a client to fix, not to block).
    @Test func webDAVSceneBansTheGuesserAndNoChallengedClient() throws {
        let report = try requests(scanning: [Self.scene.path])
        #expect(report.challenges == 264)
        let challenged = ["203.0.113.120", "2001:db8:20::21", "203.0.113.122"]
        #expect(report.challengeOnlyClients.map(\.description).sorted() == challenged.sorted())
        for finding in report.findings {
            #expect(!challenged.contains(finding.key) && !finding.addresses.contains { challenged.contains($0) },
                    "\(finding.kind.rawValue) \(finding.key) names a challenged client")
        }
        let list = BanSettings().list(report)
        #expect(list.render(.plain) == "198.51.100.90\n")
    }

    /// BanPolicy's `challengeOnlyClients` is filled from the scan: a /64 whose attack holds a
    /// colleague who only followed challenges is not banned, nor is an address whose every 401
    /// was a challenge (its 403 probes are findings, but blocking it blocks a working login).
    @Test func challengeOnlyClientIsNeverBanned() throws {
        var log = ""
        for index in 0..<24 {
            let time = String(format: "10:%02d:%02d", index, 0)
            log += access("2001:db8:5:6::\(10 + index % 4)", time, "GET /admin/ HTTP/1.1", 401, user: "guess\(index)")
            log += access("2001:db8:5:6::99", String(format: "10:%02d:%02d", index, 20), "GET /admin/ HTTP/1.1", 401)
            log += access("2001:db8:5:6::99", String(format: "10:%02d:%02d", index, 20), "GET /admin/ HTTP/1.1", 200, user: "lea")
        }
        log += access("198.51.100.50", "11:00:00", "GET /files/ HTTP/1.1", 401)
            + access("198.51.100.50", "11:00:00", "GET /files/ HTTP/1.1", 200, user: "max")
        for (second, path) in [(1, "/.env"), (2, "/.git/config"), (3, "/wp-config.php.bak")] {
            log += access("198.51.100.50", "11:00:0\(second)", "GET \(path) HTTP/1.1", 403, user: "max")
        }
        let report = try requests(log)
        #expect(report.challengeOnlyClients.map(\.description) == ["198.51.100.50", "2001:db8:5:6::99"])
        #expect(report.findings.contains { $0.kind == .bruteForce && $0.key == "2001:db8:5:6::/64" })
        #expect(report.findings.contains { $0.kind == .probe && $0.key == "198.51.100.50" })
        let list = BanSettings().list(report)
        #expect(list.entries.isEmpty, "\(list.render(.plain))")
        #expect(list.withheld.map(\.why) == ["challenge-only client", "challenge-only client"])
        // Without the scan's challenge-only clients, the same findings would ban both.
        #expect(BanSettings().list(report.findings).entries.count == 2)
    }

    @Test func theRealmIsThePathsFirstSegment() {
        #expect(ChallengeMatcher.realm(of: "/remote.php/dav/calendars/anna/") == "/remote.php")
        #expect(ChallengeMatcher.realm(of: "/webdav") == "/webdav")
        #expect(ChallengeMatcher.realm(of: "/webdav/") == "/webdav")
        #expect(ChallengeMatcher.realm(of: "/webdav/notes.txt?x=/y") == "/webdav")
        #expect(ChallengeMatcher.realm(of: "/?a=/b") == "/")
        #expect(ChallengeMatcher.realm(of: "//x") == "/")
        #expect(ChallengeMatcher.realm(of: "") == "")
    }
}
