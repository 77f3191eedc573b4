import Foundation
import Testing
@testable import AuthLogKit

/// WordPress as it really logs: without a plugin, nothing in debug.log for a failed login or
/// a refused REST call, so the access log is all there is (a real WordPress 6.1 on nginx).
@Suite struct WordPressAccessOnlyTests {
    func report(_ files: [String: String]) throws -> RequestReport {
        let directory = try makeTemporaryDirectory(holding: files)
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        let report = ScanSession(patterns: builtinPatterns, options: options, diagnostics: nil).run(arguments: [directory.path])
        return try #require(report.requests)
    }

    func access(_ ip: String, _ second: Int, _ request: String, _ status: Int, size: Int = 4521, user: String = "-") -> String {
        let time = String(format: "%02d:%02d:%02d", 10 + second / 3600, second / 60 % 60, second % 60)
        return "\(ip) - \(user) [21/Nov/2026:\(time) +0000] \"\(request)\" \(status) \(size) \"-\" \"Mozilla/5.0\"\n"
    }

    /// The defect: a real run reported 47 failed requests where 121 were real, the refused
    /// form POSTs (200) left out of the headline.
    @Test func refusedLoginFormPOSTsAnswered200CountInTheHeadline() throws {
        var log = ""
        for index in 0..<25 { log += access("::1", index * 3, "POST /wp-login.php HTTP/1.1", 200) }
        log += access("::1", 80, "POST /wp-login.php?action=lostpassword HTTP/1.1", 200)  // a mail sent: no failure
        log += access("::1", 90, "POST /wp-login.php HTTP/1.1", 302, size: 0)  // got in
        let requests = try report(["nginx/access.log": log])
        #expect(requests.aggregate.total == 25)
        #expect(requests.aggregate.byCause[.loginFailed] == 25)
        #expect(requests.byLayer.first?.layer == .wordpress)
    }

    /// A plugin's debug.log line explains the same POST: one request, under the plugin's cause.
    @Test func aLoginFormPOSTExplainedByDebugLogIsNotCountedTwice() throws {
        let requests = try report([
            "nginx/access.log": access("192.0.2.4", 0, "POST /wp-login.php HTTP/1.1", 200)
                + access("192.0.2.4", 5, "POST /xmlrpc.php HTTP/1.1", 200, size: 403),
            "wordpress/debug.log": "[21-Nov-2026 10:00:00 UTC] Login failed for user \"admin\" from 192.0.2.4 (invalid_username)\n"])
        #expect(requests.aggregate.total == 2 && requests.paired == 1)
        #expect(requests.aggregate.byCause[.unknownUser] == 1)
        #expect(requests.aggregate.byCause[.loginFailed] == 1, "the XML-RPC fault no line explains")
    }

    /// Brute force without user names is still brute force; all XML-RPC: disable XML-RPC.
    @Test func xmlrpcOnlyGuessingIsBruteForceWithTheAdviceToDisableXMLRPC() throws {
        var log = ""
        for index in 0..<30 { log += access("203.0.113.9", index * 2, "POST /xmlrpc.php HTTP/1.1", 200, size: 403) }
        let requests = try report(["nginx/access.log": log])
        let finding = try #require(requests.findings.first { $0.kind == .bruteForce })
        #expect(finding.key == "203.0.113.9")
        #expect(finding.figure("failures") == .int(30) && finding.figure("users") == .int(0))
        #expect(finding.advice.contains("disable it"))
        #expect(!requests.findings.contains { $0.kind.rawValue == "wordpress-login-pressure" })
    }

    /// The defect: missing-authorization-header fired on 27 anonymous REST calls beside
    /// editor1's authenticated calls to the same routes, so the header did arrive.
    @Test func missingAuthorizationHeaderIsNotReportedWhereTheSameRoutesCarryAUser() throws {
        var anonymous = ""
        for index in 0..<27 {
            anonymous += access("192.0.2.\(70 + index % 4)", index * 20, "POST /wp-json/wp/v2/posts HTTP/1.1", 401, size: 106)
        }
        var withEditor = anonymous
        for index in 0..<5 {
            withEditor += access("198.51.100.7", 700 + index * 30, "POST /wp-json/wp/v2/posts HTTP/1.1", 201, size: 900, user: "editor1")
        }
        let alone = try report(["nginx/access.log": anonymous])
        #expect(alone.findings.contains { $0.kind == .missingAuthorizationHeader }, "no user anywhere: the header may be stripped")
        let beside = try report(["nginx/access.log": withEditor])
        #expect(!beside.findings.contains { $0.kind == .missingAuthorizationHeader })
    }

    /// A 403 to a REST write, no user, no debug.log line: probably a stale nonce, said so.
    @Test func aRESTWriteRefusedWith403WithoutALogLineIsProbablyAnInvalidNonce() throws {
        let requests = try report(["nginx/access.log":
            access("192.0.2.9", 0, "POST /wp-json/wp/v2/posts/7 HTTP/1.1", 403, size: 120)
            + access("192.0.2.9", 5, "GET /wp-json/wp/v2/posts/7 HTTP/1.1", 403, size: 120)
            + access("192.0.2.9", 9, "DELETE /?rest_route=/wp/v2/posts/7 HTTP/1.1", 403, size: 120)])
        #expect(requests.unexplained.status403WithoutUser == 3)
        #expect(requests.unexplained.restWrite403WithoutUser == 2)
        #expect(requests.aggregate.byCause[.http403] == 3, "a guess, not a cause")
        let note = TextReport.unexplainedNote(requests.unexplained, style: TextStyle(enabled: false))
        #expect(note.contains("2 of them REST writes: probably `invalid-nonce`"))
    }
}
