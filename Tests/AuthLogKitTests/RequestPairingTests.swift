import Foundation
import Testing
@testable import AuthLogKit

/// How access lines and the error/debug lines explaining them become one request: the
/// corpus test proves the counts at scale; these pin down each rule of the pairing.
@Suite struct RequestPairingTests {
    /// Writes the files into a temporary directory and scans it.
    func requests(_ files: [String: String], diagnostics: ScanDiagnostics? = nil,
                  configure: (inout ScanOptions) -> Void = { _ in }) throws -> RequestReport {
        let directory = try makeTemporaryDirectory(holding: files)
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        configure(&options)
        let report = ScanSession(patterns: builtinPatterns, options: options, diagnostics: diagnostics).run(arguments: [directory.path])
        return try #require(report.requests)
    }

    func access(_ ip: String, _ time: String, _ request: String, _ status: Int, user: String = "-") -> String {
        "\(ip) - \(user) [21/Nov/2026:\(time) +0000] \"\(request)\" \(status) 179 \"-\" \"curl/8.5.0\"\n"
    }

    func nginxError(_ ip: String, _ time: String, _ message: String, _ request: String) -> String {
        "2026/11/21 \(time) [error] 11#11: *1 \(message), client: \(ip), server: example.com, request: \"\(request)\", host: \"example.com\"\n"
    }

    @Test func anErrorLineASecondLaterStillExplainsItsRequest() throws {
        let files = ["nginx/access.log": access("192.0.2.1", "10:00:00", "GET /admin/ HTTP/1.1", 401, user: "bob"),
                     "nginx/error.log": nginxError("192.0.2.1", "10:00:01", "user \"bob\": password mismatch", "GET /admin/ HTTP/1.1")]
        let joined = try requests(files)
        #expect(joined.aggregate.total == 1 && joined.paired == 1)
        #expect(joined.aggregate.byCause[.passwordMismatch] == 1)
        let strict = try requests(files) { $0.requestAnalysis?.pairingWindow = 0 }
        #expect(strict.aggregate.total == 2 && strict.paired == 0)
        #expect(strict.aggregate.byCause[.http401] == 1 && strict.unexplained.status401WithUser == 1)
    }

    @Test func theSameSecondWinsOverANearOne() throws {
        // Two refusals a second apart, one error line: it belongs to the access line of its
        // own second, and the other stays a plain 401.
        let files = ["nginx/access.log": access("192.0.2.2", "10:00:00", "GET /admin/ HTTP/1.1", 401)
                        + access("192.0.2.2", "10:00:01", "GET /admin/ HTTP/1.1", 401, user: "bob"),
                     "nginx/error.log": nginxError("192.0.2.2", "10:00:01", "no user/password was provided for basic authentication",
                                                   "GET /admin/ HTTP/1.1")]
        let joined = try requests(files)
        #expect(joined.aggregate.total == 2)
        #expect(joined.aggregate.byCause[.missingCredentials] == 1 && joined.aggregate.byCause[.http401] == 1)
        // The 401 left unexplained is the one of 10:00:00, sent without a user name.
        #expect(joined.unexplained.status401WithoutUser == 1 && joined.unexplained.status401WithUser == 0)
    }

    @Test func aFileSystemPathPairsWithTheLongestURLThatEndsIt() throws {
        let files = ["apache/access.log": access("192.0.2.3", "10:00:00", "GET /.env HTTP/1.1", 403)
                        + access("192.0.2.3", "10:00:00", "GET /secret/.env HTTP/1.1", 403),
                     "apache/error.log": "[Sat Nov 21 10:00:00.000001 2026] [authz_core:error] [pid 1:tid 2] [client 192.0.2.3:4000] AH01630: client denied by server configuration: /srv/www/site/secret/.env\n"]
        let joined = try requests(files)
        #expect(joined.aggregate.total == 2 && joined.paired == 1)
        let paths = Dictionary(uniqueKeysWithValues: joined.aggregate.topPaths(5).map { ($0.key, $0.value.causes) })
        #expect(paths["/secret/.env"]?[.deniedByRule] == 1, "the AH01630 line explains /secret/.env, not /.env")
        #expect(paths["/.env"]?[.http403] == 1)
        #expect(joined.byLayer.first { $0.layer == .serverRule }?.count == 1)
    }

    @Test func aFailedWordPressLoginPairsWithThePOSTAnswered200() throws {
        let files = ["nginx/access.log": access("192.0.2.4", "10:00:00", "POST /wp-login.php HTTP/1.1", 302)
                        + access("192.0.2.4", "10:00:00", "POST /xmlrpc.php HTTP/1.1", 200),
                     "wordpress/debug.log": "[21-Nov-2026 10:00:00 UTC] Login failed for user \"admin\" from 192.0.2.4 (invalid_username)\n"]
        let joined = try requests(files)
        #expect(joined.aggregate.total == 1 && joined.paired == 1)
        #expect(joined.aggregate.topPaths(1).first?.key == "/xmlrpc.php", "the 200, not the 302 (a login that worked)")
        #expect(joined.byLayer.first?.layer == .wordpress)
    }

    @Test func aRESTRouteInTheQueryPairsWithItsDebugLine() throws {
        let files = ["nginx/access.log": access("192.0.2.5", "10:00:00", "POST /?rest_route=/wp/v2/posts&x=1 HTTP/1.1", 401),
                     "wordpress/debug.log": "[21-Nov-2026 10:00:00 UTC] REST API auth error 401 rest_cookie_invalid_nonce: Cookie check failed, ip=192.0.2.5, route=/wp/v2/posts\n"]
        let joined = try requests(files)
        #expect(joined.aggregate.total == 1 && joined.aggregate.byCause[.invalidNonce] == 1)
        #expect(joined.aggregate.topPaths(1).first?.key == "/", "the URL path the client asked for")
    }

    @Test func anErrorLineOfAnotherServerDoesNotPair() throws {
        // nginx error lines explain access lines of their server family only (server = nginx),
        // whatever the match.
        let files = ["apache/access.log": access("192.0.2.6", "10:00:00", "GET /admin/ HTTP/1.1", 401),
                     "nginx/error.log": nginxError("192.0.2.6", "10:00:00", "user \"x\" was not found in \"/etc/nginx/.htpasswd\"",
                                                   "GET /admin/ HTTP/1.1")]
        let joined = try requests(files)
        #expect(joined.aggregate.total == 2 && joined.paired == 0)
    }

    @Test func anErrorLogWrittenInAnotherZoneIsShiftedToItsAccessLog() throws {
        // The access log states +0000; the error log was written in local time, an hour
        // ahead, and is read as UTC (--tz not given the server's zone).
        var accessLog = "", errorLog = ""
        for index in 0..<40 {
            let minute = String(format: "%02d", index)
            accessLog += access("192.0.2.\(10 + index % 7)", "10:\(minute):00", "GET /admin/ HTTP/1.1", 401, user: "u\(index)")
            errorLog += nginxError("192.0.2.\(10 + index % 7)", "11:\(minute):00", "user \"u\(index)\" was not found in \"/etc/nginx/.htpasswd\"",
                                   "GET /admin/ HTTP/1.1")
        }
        let diagnostics = RecordingDiagnostics()
        let joined = try requests(["nginx/access.log": accessLog, "nginx/error.log": errorLog], diagnostics: diagnostics)
        #expect(joined.paired == 40 && joined.aggregate.total == 40)
        #expect(joined.aggregate.byCause[.unknownUser] == 40)
        #expect(diagnostics.warnings.contains { $0.contains("nginx/error.log: its times run 1 h ahead of its access log's") },
                "\(diagnostics.warnings)")
    }
}
