import Foundation
import Testing
@testable import AuthLogKit

/// Formats are coupled by what they declare (`role`, `server`, `explains`), never by name: a
/// format added by a pattern directory alone, `Tests/Fixtures/madeup-server/` (a made-up
/// server's access and error logs, layouts of their own), is classified, paired and found
/// with no Swift change.
@Suite struct RolesFromDataTests {
    static let fixture = repositoryRoot.appendingPathComponent("Tests/Fixtures/madeup-server")
    static let madeUp: CompiledPatterns = {
        do {
            return try CompiledPatterns(try PatternLoader.load(userDirectories: [fixture.path]))
        } catch {
            fatalError("Tests/Fixtures/madeup-server: \(error)")
        }
    }()

    func scan(_ arguments: [String], patterns: CompiledPatterns = madeUp) -> ScanReport {
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        return ScanSession(patterns: patterns, options: options, diagnostics: nil).run(arguments: arguments)
    }

    /// Writes the files into a temporary directory and scans it.
    func scan(files: [String: String], patterns: CompiledPatterns = madeUp) throws -> ScanReport {
        let directory = try makeTemporaryDirectory(holding: files)
        defer { try? FileManager.default.removeItem(at: directory) }
        return scan([directory.path], patterns: patterns)
    }

    @Test func theMadeUpFormatsDeclareTheirRolesInData() throws {
        let set = Self.madeUp.patterns
        let access = try #require(set.format(named: "acme-access"))
        let error = try #require(set.format(named: "acme-error"))
        #expect(access.role == .access && access.server == "acme")
        #expect(error.role == .detail && error.explains == .families(["acme"]))
        #expect(set.accessFormats(explainedBy: error).map(\.name) == ["acme-access"])
        #expect(set.detailFormatNames.contains("acme-error") && !set.detailFormatNames.contains("acme-access"))
    }

    @Test func theMadeUpFormatsSamplesHold() {
        let directory = Self.fixture.appendingPathComponent("samples").path
        let files = ["acme-access.log", "acme-error.log"].map { directory + "/" + $0 }
        let result = SampleVerifier(patterns: Self.madeUp).verify(files: files)
        for failure in result.failures { Issue.record("\(failure)") }
        let rules = Self.madeUp.formats.filter { $0.name.hasPrefix("acme-") }
            .flatMap { format in format.definition.rules.map { "\(format.name)/\($0.id)" } }
        #expect(rules.count == 5)
        #expect(rules.filter { !result.rulesHit.contains($0) }.isEmpty, "every made-up rule has a sample line")
    }

    @Test func aFormatAddedByPatternFilesAloneIsClassifiedPairedAndFound() throws {
        let report = scan([Self.fixture.appendingPathComponent("scene").path])
        #expect(Set(report.files.map(\.format)) == ["acme-access", "acme-error"], "detected by their own detect lines")
        // Classified: 26 refusals in the access log, 26 explanations in the error log.
        #expect(report.aggregate.total == 52)
        #expect(report.aggregate.byCause[.http401] == 25 && report.aggregate.byCause[.passwordMismatch] == 25)
        // Paired: each request counts once, under the error line's cause.
        let requests = try #require(report.requests)
        #expect(requests.paired == 26 && requests.aggregate.total == 26)
        #expect(requests.aggregate.byCause[.passwordMismatch] == 25 && requests.aggregate.byCause[.deniedByRule] == 1)
        #expect(requests.aggregate.byCause[.http401] == 0 && requests.aggregate.byCause[.http403] == 0)
        #expect(requests.byLayer.map(\.layer) == [.webServer, .serverRule], "an error log of the server blames the server")
        // Found: the guessing run is a brute-force attack from its address.
        let bruteForce = requests.findings.filter { $0.kind == .bruteForce }
        #expect(bruteForce.map(\.key) == ["192.0.2.10"])
    }

    @Test func aDetailFormatPairsOnlyWithTheFamiliesItExplains() throws {
        // The same request in an nginx access log and an acme error line: acme's error log
        // explains acme's requests, not nginx's, whatever the match.
        let report = try scan(files: [
            "nginx/access.log": "192.0.2.40 - admin [21/Nov/2026:10:00:00 +0000] \"GET /admin/ HTTP/1.1\" 401 179 \"-\" \"curl/8\"\n",
            "acme/error.log": "2026-11-21T10:00:00Z ERROR auth peer=192.0.2.40 path=/admin/ : user 'admin' password mismatch\n"])
        let requests = try #require(report.requests)
        #expect(requests.paired == 0 && requests.aggregate.total == 2)
    }

    @Test func anApplicationThatExplainsAnyServerPairsWithANewFamily() throws {
        // WordPress's debug.log says "explains = any": a REST refusal logged by the made-up
        // server pairs with its debug line, and counts under the debug line's cause and layer.
        let report = try scan(files: [
            "acme/access.log": "[2026-11-21T10:00:00Z] from=192.0.2.41 user=- req=\"POST /wp-json/wp/v2/posts HTTP/1.1\" status=401 bytes=0\n",
            "wordpress/debug.log": "[21-Nov-2026 10:00:00 UTC] REST API auth error 401 rest_cookie_invalid_nonce: Cookie check failed, ip=192.0.2.41, route=/wp/v2/posts\n"])
        let requests = try #require(report.requests)
        #expect(requests.paired == 1 && requests.aggregate.total == 1)
        #expect(requests.aggregate.byCause[.invalidNonce] == 1)
        #expect(requests.byLayer.map(\.layer) == [.wordpress])
    }

    @Test func aRefusalOfAnApplicationPathIsTheApplicationsEvenUnexplained() throws {
        // No debug line: the 401 of /wp-admin/ is WordPress's by its application-paths, the
        // one of /private/ the application's behind the server.
        let report = try scan(files: [
            "acme/access.log": "[2026-11-21T10:00:00Z] from=192.0.2.42 user=- req=\"GET /wp-admin/options.php HTTP/1.1\" status=401 bytes=0\n"
                + "[2026-11-21T10:00:01Z] from=192.0.2.42 user=- req=\"GET /private/ HTTP/1.1\" status=401 bytes=0\n"])
        let requests = try #require(report.requests)
        #expect(requests.aggregate.total == 2)
        #expect(Set(requests.byLayer.map(\.layer)) == [.wordpress, .application])
    }

    @Test func aSyslogWrappedErrorLineKeepsTheRoleOfTheFormatItWraps() throws {
        let report = try scan(files: [
            "nginx/access.log": "203.0.113.20 - bob [15/Feb/2026:16:23:00 +0000] \"GET /admin/ HTTP/1.1\" 401 179 \"-\" \"curl/8\"\n",
            "syslog/messages": "2026-02-15T16:23:00.123456+00:00 srv nginx[12]: 2026/02/15 16:23:00 [error] 12#12: *3 user \"bob\": "
                + "password mismatch, client: 203.0.113.20, server: example.com, request: \"GET /admin/ HTTP/1.1\", host: \"example.com\"\n"],
            patterns: builtinPatterns)
        #expect(report.files.first { $0.path.hasSuffix("messages") }?.format == "syslog")
        let requests = try #require(report.requests)
        #expect(requests.paired == 1 && requests.aggregate.total == 1)
        #expect(requests.aggregate.byCause[.passwordMismatch] == 1)
    }

    /// A detail format of no server family: the log of an auth gateway in the same container
    /// as nginx. Its lines explain the requests of their own input, and no other's.
    static let gateway: CompiledPatterns = {
        let file = PatternLoader.File(name: "authgw.conf", text: #"""
            [format]
            name = authgw
            description = an auth gateway's log line in a container shared with nginx (made up)
            role = detail
            detect = \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ authgw\ 
            head = (?<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) authgw denied client=<HOST> path=(?<path>/\S*)\ 

            [rule expired]
            cause = expired-token
            status = 401
            literal = reason=expired-token
            regex = reason=expired-token$
            """#)
        do {
            return try CompiledPatterns(try PatternLoader.load(PatternLoader.builtinFiles + [file]))
        } catch {
            fatalError("authgw.conf: \(error)")
        }
    }()

    static let gatewayAccess = #"192.0.2.50 - - [21/Nov/2026:02:00:00 +0000] "GET /private/ HTTP/1.1" 401 0 "-" "curl/8""#
    static let gatewayDetail = "2026-11-21T02:00:00Z authgw denied client=192.0.2.50 path=/private/ reason=expired-token"

    @Test func aDetailLinePairsWithAnAccessLineOfItsOwnContainerLogWhateverTheFamily() throws {
        let report = try scan(files: ["container.log": Self.gatewayAccess + "\n" + Self.gatewayDetail + "\n"],
                              patterns: Self.gateway)
        let requests = try #require(report.requests)
        #expect(requests.paired == 1 && requests.aggregate.total == 1)
        #expect(requests.aggregate.byCause[.expiredToken] == 1)
    }

    @Test func aDetailFormatOfNoFamilyPairsWithNothingInOtherFiles() throws {
        let report = try scan(files: ["nginx/access.log": Self.gatewayAccess + "\n", "authgw/gateway.log": Self.gatewayDetail + "\n"],
                              patterns: Self.gateway)
        let requests = try #require(report.requests)
        #expect(report.files.map(\.format).sorted { ($0 ?? "") < ($1 ?? "") } == ["authgw", "nginx-access"])
        #expect(requests.paired == 0 && requests.aggregate.total == 2)
    }
}
