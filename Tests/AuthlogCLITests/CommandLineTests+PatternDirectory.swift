import Foundation
import Testing

/// A format added from a pattern directory alone, through the command line: the made-up
/// server of `Tests/Fixtures/madeup-server/` (see `RolesFromDataTests`).
extension CommandLineTests {
    @Test func aPatternDirectoryAloneAddsAFormatThatIsPairedAndFound() throws {
        let fixture = "Tests/Fixtures/madeup-server"
        let result = try run(["scan", "--patterns", fixture, "--output", "json", fixture + "/scene"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let files = try #require(report["files"] as? [[String: Any]])
        #expect(files.compactMap { $0["format"] as? String } == ["acme-access", "acme-error"])
        let requests = try #require(report["requests"] as? [String: Any])
        #expect(requests["total"] as? Int == 26 && requests["paired"] as? Int == 26)
        #expect((requests["by_cause"] as? [String: Any])?["password-mismatch"] as? Int == 25)
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(findings.map { "\($0["kind"] ?? "") \($0["key"] ?? "")" } == ["brute-force 192.0.2.10"])

        let samples = try run(["patterns", "--patterns", fixture, "--test",
                               fixture + "/samples/acme-access.log", fixture + "/samples/acme-error.log"])
        #expect(samples.status == 0, "\(samples.stdout)\(samples.stderr)")
        #expect(samples.stdout.contains("0 failure(s)"))
    }

    @Test func aPatternFileStillUsingPairsWithStopsTheRunSayingWhatReplacesIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("authlog-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            [format]
            name = old-error
            pairs-with = nginx-access
            detect = x
            head = y

            [rule r]
            cause = unknown-user
            regex = z
            """.write(to: directory.appendingPathComponent("old.conf"), atomically: true, encoding: .utf8)
        let result = try run(["scan", "--patterns", directory.path, "samples/nginx-access.log"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("old.conf:3: 'pairs-with' is no longer read"), "\(result.stderr)")
        #expect(result.stderr.contains("role = detail"))
    }
}

/// Formats from the servers' configurations and inline format strings, as the user gives them.
@Suite struct ServerConfigCommandLineTests {
    let cli = CommandLineTests()
    static let timedLine = "192.0.2.9 www.example.com admin [2026-11-20T06:25:14+00:00] \"GET /admin/ HTTP/1.1\" 401 179\n"

    @Test func anInlineNginxFormatReadsItsLines() throws {
        let result = try cli.run(["scan", "--no-server-config", "--output", "ndjson", "--log-format",
                                  "nginx:$remote_addr $host $remote_user [$time_iso8601] \"$request\" $status", "-"],
                                 stdin: Self.timedLine)
        #expect(result.status == 0, "\(result.stderr)")
        let event = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(event["ip"] as? String == "192.0.2.9")
        #expect(event["user"] as? String == "admin")
        #expect(event["format"] as? String == "nginx-config:inline" && event["cause"] as? String == "http-401")
        #expect(event["time"] as? String == "2026-11-20T06:25:14Z")
        // Without the format string the line is in no format authlog knows.
        let unknown = try cli.run(["scan", "--no-server-config", "--output", "ndjson", "-"], stdin: Self.timedLine)
        #expect(unknown.stdout.isEmpty)
    }

    @Test func aFormatStringThatCannotBeReadIsAUsageError() throws {
        let result = try cli.run(["scan", "--log-format", "nginx:$remote_addr [${time_local] $status", "-"], stdin: "")
        #expect(result.status == 2)
        #expect(result.stderr.contains("--log-format:1: log_format: '${time_local] $status' has no closing '}'"))
    }

    @Test func patternsListsTheFormatsOfAConfiguration() throws {
        let config = "Tests/Fixtures/server-config/nginx/nginx.conf"
        let result = try cli.run(["patterns", "--server-config", config])
        #expect(result.status == 0)
        #expect(result.stdout.contains("nginx-config:timed  (\(config):12)"))
        #expect(result.stdout.contains("    head:   <BOM><HOST>\\ [^ ]*?\\ (?<user><LOG_USER>)"))
        #expect(result.stdout.contains("/srv/logs/timed.log is read as nginx-config:timed"))
        #expect(!result.stdout.contains("nginx-error"), "only the configuration's formats")
    }

    @Test func patternsListsTheErrorLogFormatsAndJSONKeysOfAConfiguration() throws {
        let apache = try cli.run(["patterns", "--server-config", "Tests/Fixtures/server-config/errorlog/apache/apache2.conf"])
        #expect(apache.status == 0)
        #expect(apache.stdout.contains("apache-config:errorlog:intranet.conf:5  (Tests/Fixtures/server-config/errorlog/apache/sites-enabled/intranet.conf:5)"))
        #expect(apache.stdout.contains("    head:   <BOM>(?<time>[A-Z][a-z]{2} "))
        #expect(apache.stdout.contains("ErrorLogFormat (keystone.conf:3): not read: "))
        #expect(apache.stdout.contains("/srv/errorlog/logs/apache2/www-error.log is read as apache-config:errorlog:apache2.conf:5"))
        let nginx = try cli.run(["patterns", "--server-config", "Tests/Fixtures/server-config/errorlog/nginx/nginx.conf"])
        #expect(nginx.stdout.contains("    json:   time=ts ip=addr user=user request=req status=status\n"))
        #expect(nginx.stdout.contains("/srv/errorlog/logs/nginx/shop-error.log is read as nginx-error"))
    }
}
