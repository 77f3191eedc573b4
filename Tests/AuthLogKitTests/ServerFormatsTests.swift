import Foundation
import Testing
@testable import AuthLogKit

/// The servers' formats added as pattern data alone (patterns/haproxy.conf, ingress-nginx.conf,
/// traefik-access.conf, nginx-proxy-manager.conf, npmplus.conf, litespeed-error.conf,
/// lighttpd-error.conf, wp-fail2ban.conf): their samples hold, they are told apart from the
/// combined formats whose lines theirs resemble, and their lines pair and are found as the
/// formats' roles say.
@Suite struct ServerFormatsTests {
    static let formats = ["haproxy", "ingress-nginx", "traefik-access", "nginx-proxy-manager", "npmplus",
                          "litespeed-error", "lighttpd-error", "wp-fail2ban"]
    static let sampleFiles = formats.map { repositoryRoot.appendingPathComponent("samples/\($0).log").path }
        + [repositoryRoot.appendingPathComponent("samples/servers-syslog.log").path]

    /// Writes the files into a temporary directory and scans it with the built-in patterns.
    func scan(files: [String: String]) throws -> ScanReport {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, text) in files {
            let url = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        options.now = SampleVerifier.sampleNow
        return ScanSession(patterns: builtinPatterns, options: options, diagnostics: nil).run(arguments: [directory.path])
    }

    func format(of name: String, in report: ScanReport) -> String? {
        report.files.first { $0.path.hasSuffix("/" + name) }?.format
    }

    @Test func everyNewFormatsSamplesHoldAndProveEachOfItsRules() throws {
        let result = SampleVerifier(patterns: builtinPatterns).verify(files: Self.sampleFiles)
        for failure in result.failures { Issue.record("\(failure)") }
        for name in Self.formats {
            let format = try #require(builtinPatterns.patterns.format(named: name), "\(name) is built in")
            let unproven = format.rules.map { "\(name)/\($0.id)" }.filter { !result.rulesHit.contains($0) }
            #expect(unproven.isEmpty, "rules without a sample line: \(unproven)")
        }
    }

    @Test func combinedLogsStayNginxsAndTheProxiesTailsAreTheirs() throws {
        let combined = "192.0.2.1 - - [20/Nov/2026:06:25:14 +0000] \"GET /admin HTTP/1.1\" 401 179 \"-\" \"curl/8.5.0\"\n"
        let traefik = "192.0.2.1 - - [20/Nov/2026:06:25:14 +0000] \"GET /admin HTTP/1.1\" 401 17 \"-\" \"curl/8.5.0\" 7 \"web@docker\" \"-\" 0ms\n"
        let ingress = "192.0.2.1 - - [20/Nov/2026:06:25:14 +0000] \"GET /admin HTTP/1.1\" 401 172 \"-\" \"curl/8.5.0\" 96 0.000 "
            + "[default-web-8080] [] - - - - 3f1c9a0e2b7d4c5a8e6f0a1b2c3d4e5f\n"
        let report = try scan(files: ["nginx/access.log": combined, "proxy/access.log": traefik,
                                      "ingress-nginx-controller/access.log": ingress])
        #expect(format(of: "nginx/access.log", in: report) == "nginx-access")
        #expect(format(of: "proxy/access.log", in: report) == "traefik-access")
        #expect(format(of: "ingress-nginx-controller/access.log", in: report) == "ingress-nginx")
        #expect(report.aggregate.total == 3)
    }

    @Test func aWPFail2banFailurePairsWithTheFormPostItExplains() throws {
        // The form answers a failed login with 200; the plugin's auth.log line says why. One
        // request, counted under the plugin's cause and blamed on WordPress.
        let report = try scan(files: [
            "nginx/access.log": "192.0.2.10 - - [20/Nov/2026:06:25:14 +0000] \"POST /wp-login.php HTTP/1.1\" 200 4521 \"-\" \"Mozilla/5.0\"\n",
            "log/auth.log": "2026-11-20T06:25:13+00:00 web sshd[4711]: Accepted password for root from 192.0.2.99 port 52222 ssh2\n"
                + "2026-11-20T06:25:14+00:00 web wordpress(www.example.com)[1234]: Authentication failure for admin from 192.0.2.10\n"])
        #expect(format(of: "log/auth.log", in: report) == "syslog")
        let requests = try #require(report.requests)
        #expect(requests.paired == 1 && requests.aggregate.total == 1)
        #expect(requests.aggregate.byCause[.passwordMismatch] == 1)
        #expect(requests.byLayer.map(\.layer) == [.wordpress])
    }

    @Test func aColleagueWhoMistypedAndGotInIsATypoNotAnAttack() throws {
        // Two wrong passwords, then "Accepted password" for the same user from the same address.
        let report = try scan(files: [
            "log/auth.log": "2026-11-20T06:25:14+00:00 web wordpress(www.example.com)[1234]: Authentication failure for editor from 192.0.2.11\n"
                + "2026-11-20T06:25:30+00:00 web wordpress(www.example.com)[1235]: Authentication failure for editor from 192.0.2.11\n"
                + "2026-11-20T06:25:45+00:00 web wordpress(www.example.com)[1236]: Accepted password for editor from 192.0.2.11\n"])
        let requests = try #require(report.requests)
        #expect(requests.aggregate.total == 2, "the success is no failure")
        #expect(requests.findings.contains { $0.kind == .userTypo && $0.key == "editor" })
    }

    @Test func theIngresssOwnRefusalPairsWithItsErrorLineTheApplicationsDoesNot() throws {
        // Upstream "-": the controller's auth-type basic refused, and its nginx error line says
        // why. An upstream status: the application refused; nothing explains it.
        let report = try scan(files: [
            "ingress/access.log": "192.0.2.40 - bob [20/Nov/2026:06:25:14 +0000] \"GET /admin HTTP/1.1\" 401 172 \"-\" \"curl/8.5.0\" 96 0.000 "
                + "[default-web-8080] [] - - - - 3f1c9a0e2b7d4c5a8e6f0a1b2c3d4e5f\n"
                + "192.0.2.41 - - [20/Nov/2026:06:25:15 +0000] \"GET /api/orders HTTP/1.1\" 401 35 \"-\" \"curl/8.5.0\" 233 0.004 "
                + "[shop-api-80] [] 10.244.1.17:8080 35 0.004 401 0be411044cb1cb67580e115413b2da60\n",
            "ingress/error.log": "2026/11/20 06:25:14 [error] 31#31: *9 user \"bob\" was not found in \"/etc/ingress-controller/auth/default-web.passwd\", "
                + "client: 192.0.2.40, server: shop.example.com, request: \"GET /admin HTTP/1.1\", host: \"shop.example.com\"\n"])
        #expect(format(of: "ingress/access.log", in: report) == "ingress-nginx")
        let requests = try #require(report.requests)
        #expect(requests.paired == 1 && requests.aggregate.total == 2)
        #expect(requests.aggregate.byCause[.unknownUser] == 1 && requests.aggregate.byCause[.http401] == 1)
        #expect(Set(requests.byLayer.map(\.layer)) == [.webServer, .application])
    }

    @Test func haproxysMillisecondDateIsLocalTime() throws {
        func parse(_ text: String, zone: String) -> Int64? {
            let parser = TimestampParser(localZone: TimeZone(identifier: zone)!, now: 1_800_000_000)
            return Array(text.utf8).withUnsafeBytes { parser.parse($0) }
        }
        let utc = CivilTime.seconds(year: 2026, month: 11, day: 20, hour: 6, minute: 25, second: 14)
        #expect(parse("20/Nov/2026:06:25:14.123", zone: "UTC") == utc)
        #expect(parse("20/Nov/2026:06:25:14.123", zone: "Europe/Berlin") == utc - 3600)
        #expect(parse("20/Nov/2026:06:25:14 +0100", zone: "UTC") == utc - 3600, "CLF with its offset, as before")
        #expect(parse("20/Nov/2026:06:25:14.123 junk", zone: "UTC") == nil)
        #expect(parse("20/Nov/2026:06:25:14", zone: "UTC") == nil, "CLF without a zone stays unread")
    }

    @Test func haproxyBehindSyslogKeepsItsFormatAndItsOwnDate() throws {
        let report = try scan(files: [
            "log/haproxy.log": "Nov 20 06:25:15 lb1 haproxy[2211]: 2001:db8::5:51234 [20/Nov/2026:06:25:14.123] fe be/srv 0/0/1/2/3 403 179 - - ---- "
                + "1/1/0/0/0 0/0 \"GET /admin HTTP/1.1\"\n"])
        #expect(format(of: "log/haproxy.log", in: report) == "syslog")
        #expect(report.aggregate.total == 1)
        #expect(report.aggregate.byCause[.http403] == 1)
    }
}
