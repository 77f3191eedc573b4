import Foundation
import Testing
@testable import AuthLogKit

/// Pairing as Debian's Apache 2.4 logs it when a browser on loopback meets basic and digest
/// authentication: a credential-less 401 (no error line) comes first, in the same second as
/// the request that carries the user name and earns the error line.
extension RequestPairingTests {
    /// An Apache combined access line of 1 Dec 2026, 20:54:SS.
    func apacheAccess(_ second: Int, _ request: String, _ status: Int, user: String = "-", ip: String = "127.0.0.1") -> String {
        "\(ip) - \(user) [01/Dec/2026:20:54:\(String(format: "%02d", second)) +0000] \"\(request)\" \(status) 381 \"-\" "
            + "\"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\"\n"
    }

    /// An Apache 2.4 error line (default ErrorLogFormat) of 1 Dec 2026, 20:54:SS.
    func apacheError(_ second: Int, _ module: String, _ message: String, ip: String = "127.0.0.1", port: Int = 40000) -> String {
        "[Tue Dec 01 20:54:\(String(format: "%02d", second)).123456 2026] [\(module)] [pid 4242:tid 140195427735296] "
            + "[client \(ip):\(port)] \(message)\n"
    }

    func userCount(_ report: RequestReport, _ user: String) -> Int {
        report.aggregate.topUsers(20).first { $0.key == user }?.value.count ?? 0
    }

    // Trust item 18
    @Test func digestNonceLinesThatNameNoPathJoinTheirOwn401() throws {
        // curl --digest and browsers ask first without credentials (401, no error line),
        // then answer the challenge: a stale nonce (AH01778, names the user) and a nonce of the
        // wrong length (AH01775, names nobody) are 401s that carry the user, logged by
        // mod_auth_digest after it read the user name, without the URI.
        let accessLog = apacheAccess(4, "GET /digest/ HTTP/1.1", 401)
            + apacheAccess(4, "GET /digest/ HTTP/1.1", 401, user: "judy")
            + apacheAccess(4, "GET /digest/ HTTP/1.1", 200, user: "judy")
            + apacheAccess(6, "GET /digest/report.pdf HTTP/1.1", 401)
            + apacheAccess(6, "GET /digest/report.pdf HTTP/1.1", 401, user: "carol")
        let errorLog = apacheError(4, "auth_digest:info", "AH01778: user judy: nonce expired (312.00 seconds old - max lifetime 300.00) - sending new nonce")
            + apacheError(6, "auth_digest:error", "AH01775: invalid nonce 5KZAyn4oBgA=8f2b3c received - length is not 52",
                           port: 40002)
        let joined = try requests(["apache2/access.log": accessLog, "apache2/error.log": errorLog])
        #expect(joined.paired == 2, "each nonce line explains a 401 of its client and second")
        // judy's credential-less first leg is a challenge: she got in within the second.
        #expect(joined.challenges == 1)
        #expect(joined.aggregate.total == 3)
        #expect(joined.aggregate.byCause[.invalidNonce] == 2 && joined.aggregate.byCause[.http401] == 1)
        // The 401 left is carol's credential-less first leg (she never got in); judy's and
        // carol's with a user are explained.
        #expect(joined.unexplained.status401WithUser == 0 && joined.unexplained.status401WithoutUser == 1)
        #expect(userCount(joined, "judy") == 1 && userCount(joined, "carol") == 1)
        let paths = Dictionary(uniqueKeysWithValues: joined.aggregate.topPaths(5).map { ($0.key, $0.value.causes) })
        #expect(paths["/digest/report.pdf"]?[.invalidNonce] == 1, "the request's URL path, from its access line")
    }

    // Trust item 18
    @Test func aPathlessNonceLineTakesNoPartnerFromALineThatNamesItsPath() throws {
        // Two refusals of one client in one second: bob's basic-auth 401 with its AH01617, and
        // a digest 401 with an AH01775 that names no path. The AH01775 comes first in the log,
        // yet the 401 of /private/ belongs to the line that names /private/.
        let accessLog = apacheAccess(8, "GET /private/ HTTP/1.1", 401, user: "bob")
            + apacheAccess(8, "GET /digest/ HTTP/1.1", 401, user: "bob")
        let errorLog = apacheError(8, "auth_digest:error", "AH01775: invalid nonce 5KZAyn4oBgA=8f2b3c received - length is not 52")
            + apacheError(8, "auth_basic:error", "AH01617: user bob: authentication failure for \"/private/\": Password Mismatch", port: 40001)
        let joined = try requests(["apache2/access.log": accessLog, "apache2/error.log": errorLog])
        #expect(joined.paired == 2 && joined.aggregate.total == 2)
        let paths = Dictionary(uniqueKeysWithValues: joined.aggregate.topPaths(5).map { ($0.key, $0.value.causes) })
        #expect(paths["/private/"]?[.passwordMismatch] == 1)
        #expect(paths["/digest/"]?[.invalidNonce] == 1)
    }

    // Trust item 18
    @Test func aPathlessNonceLineDoesNotTakeThe401OfALineLoggedASecondLater() throws {
        // alice's request began at 20:54:15.9; checking her bcrypt hash took long enough that
        // AH01617 is stamped 20:54:16 (the access log states when a request began). The
        // AH01775 of carol's request in 20:54:15 must not take alice's 401 for want of a path.
        let accessLog = apacheAccess(15, "GET /private/ HTTP/1.1", 401, user: "alice")
            + apacheAccess(15, "GET /digest/ HTTP/1.1", 401, user: "carol")
        let errorLog = apacheError(15, "auth_digest:error", "AH01775: invalid nonce 5KZAyn4oBgA=8f2b3c received - length is not 52")
            + apacheError(16, "auth_basic:error", "AH01617: user alice: authentication failure for \"/private/\": Password Mismatch", port: 40001)
        let joined = try requests(["apache2/access.log": accessLog, "apache2/error.log": errorLog])
        #expect(joined.paired == 2 && joined.aggregate.total == 2)
        let paths = Dictionary(uniqueKeysWithValues: joined.aggregate.topPaths(5).map { ($0.key, $0.value.causes) })
        #expect(paths["/private/"]?[.passwordMismatch] == 1)
        #expect(paths["/digest/"]?[.invalidNonce] == 1)
    }

    // Trust item 18
    @Test func aPathlessNonceLineStaysWithItsOwnServersAccessLog() throws {
        // A monitor polls two servers with digest credentials in the same second; only web2
        // logs at LogLevel info, where AH01778 is written. Its line explains web2's 401,
        // although web1's log is read first.
        let files = ["web1/apache2/access.log": apacheAccess(30, "GET /status/ HTTP/1.1", 401, user: "judy", ip: "198.51.100.40"),
                     "web2/apache2/access.log": apacheAccess(30, "GET /digest/ HTTP/1.1", 401, user: "judy", ip: "198.51.100.40"),
                     "web2/apache2/error.log": apacheError(30, "auth_digest:info", "AH01778: user judy: nonce expired (301.00 seconds old - max lifetime 300.00) - sending new nonce",
                                                           ip: "198.51.100.40")]
        let joined = try requests(files)
        #expect(joined.paired == 1 && joined.aggregate.total == 2)
        let paths = Dictionary(uniqueKeysWithValues: joined.aggregate.topPaths(5).map { ($0.key, $0.value.causes) })
        #expect(paths["/digest/"]?[.invalidNonce] == 1)
        #expect(paths["/status/"]?[.http401] == 1)
    }

    // Trust item 18
    @Test func aDeniedFilePathCutAtTheFirstMissingComponentPairsWithItsURL() throws {
        // GET /secret/<script>alert(1)</script>: /var/www/html/secret exists, the next
        // component does not, so Apache's r->filename (what AH01630 names) stops there and
        // the rest ("/script>") is path info. A browser sends the same path %-encoded.
        let accessLog = apacheAccess(10, "GET /secret/<script>alert(1)</script> HTTP/1.1", 403)
            + apacheAccess(10, "GET /other/page.html HTTP/1.1", 403)
            + apacheAccess(12, "GET /secret/%3Cscript%3Ealert(1)%3C/script%3E HTTP/1.1", 403, ip: "192.0.2.44")
        let errorLog = apacheError(10, "authz_core:error", "AH01630: client denied by server configuration: /var/www/html/secret/<script>alert(1)<")
            + apacheError(12, "authz_core:error", "AH01630: client denied by server configuration: /var/www/html/secret/<script>alert(1)<",
                          ip: "192.0.2.44")
        let joined = try requests(["apache2/access.log": accessLog, "apache2/error.log": errorLog])
        #expect(joined.paired == 2 && joined.aggregate.total == 3)
        let paths = Dictionary(uniqueKeysWithValues: joined.aggregate.topPaths(5).map { ($0.key, $0.value.causes) })
        #expect(paths["/secret/<script>alert(1)</script>"]?[.deniedByRule] == 1)
        #expect(paths["/secret/%3Cscript%3Ealert(1)%3C/script%3E"]?[.deniedByRule] == 1)
        #expect(paths["/other/page.html"]?[.http403] == 1, "a file path pairs only with a URL it maps")
    }

    // Trust item 18
    @Test func aWholeFilePathStillWinsOverACutOne() throws {
        // /var/www/html/secret/.env pairs with GET /secret/.env, not with the deeper URL of
        // which it is a cut prefix; that one keeps its own AH01630.
        let accessLog = apacheAccess(14, "GET /secret/.env/x HTTP/1.1", 403)
            + apacheAccess(14, "GET /secret/.env HTTP/1.1", 403)
        let errorLog = apacheError(14, "authz_core:error", "AH01630: client denied by server configuration: /var/www/html/secret/.env")
            + apacheError(14, "authz_core:error", "AH01630: client denied by server configuration: /var/www/html/secret/.env", port: 40001)
        let joined = try requests(["apache2/access.log": accessLog, "apache2/error.log": errorLog])
        #expect(joined.paired == 2 && joined.aggregate.total == 2)
        #expect(joined.aggregate.byCause[.deniedByRule] == 2)
    }

    // Trust item 19
    @Test func aUserNamedErrorLinePairsWithTheAccessLineOfThatUser() throws {
        // Three times: the browser's credential-less 401, then alice's wrong password, all of
        // /private/ in one second. AH01617 names alice: it explains alice's 401, and the
        // credential-less ones stay http-401 without a user.
        var accessLog = "", errorLog = ""
        for round in 0..<3 {
            accessLog += apacheAccess(20 + round, "GET /private/ HTTP/1.1", 401)
                + apacheAccess(20 + round, "GET /private/ HTTP/1.1", 401, user: "alice")
            errorLog += apacheError(20 + round, "auth_basic:error",
                                    "AH01617: user alice: authentication failure for \"/private/\": Password Mismatch",
                                    port: 40100 + round)
        }
        let joined = try requests(["apache2/access.log": accessLog, "apache2/error.log": errorLog])
        #expect(joined.paired == 3 && joined.aggregate.total == 6)
        #expect(userCount(joined, "alice") == 3, "alice made three requests, not six")
        #expect(joined.aggregate.topUsers(5).first { $0.key == "alice" }?.value.causes[.http401] == 0,
                "every one of alice's 401s is explained")
        #expect(joined.unexplained.status401WithUser == 0 && joined.unexplained.status401WithoutUser == 3)
        #expect(joined.aggregate.byCause[.passwordMismatch] == 3)
    }

    // Trust item 19
    @Test func aNoCredentialsLinePairsWithTheAccessLineThatSentNone() throws {
        // nginx: bob's 401 comes first in the second, then the credential-less one that the
        // "no user/password was provided" line explains.
        let files = ["nginx/access.log": access("192.0.2.7", "10:00:00", "GET /admin/ HTTP/1.1", 401, user: "bob")
                        + access("192.0.2.7", "10:00:00", "GET /admin/ HTTP/1.1", 401),
                     "nginx/error.log": nginxError("192.0.2.7", "10:00:00", "no user/password was provided for basic authentication",
                                                   "GET /admin/ HTTP/1.1")]
        let joined = try requests(files)
        #expect(joined.paired == 1 && joined.aggregate.total == 2)
        #expect(joined.unexplained.status401WithUser == 1 && joined.unexplained.status401WithoutUser == 0)
    }
}
