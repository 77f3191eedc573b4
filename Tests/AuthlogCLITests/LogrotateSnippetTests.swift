import Foundation
import Testing

/// contrib/logrotate.d/authlog run by logrotate itself, on a copy pointed at a temporary
/// directory: the morning page stays where it is and the previous ones pile up beside it.
@Suite struct LogrotateSnippetTests {
    // Packaging item 3: nothing kept or cleaned up the reports.
    @Test func logrotateKeepsThePreviousReportsBesideTheCurrentOne() throws {
        #expect(ExternalTool.exists("/usr/sbin/logrotate"), "logrotate missing: apt-get install logrotate")
        let root = try ExternalTool.temporaryDirectory("logrotate")
        defer { try? FileManager.default.removeItem(at: root) }
        let reports = root.appendingPathComponent("reports")
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        let snippet = try String(contentsOf: CommandLineTests.repositoryRoot.appendingPathComponent("contrib/logrotate.d/authlog"), encoding: .utf8)
        #expect(snippet.contains("/var/log/authlog/summary.html {"))
        let config = root.appendingPathComponent("authlog.conf")
        try snippet.replacingOccurrences(of: "/var/log/authlog", with: reports.path).write(to: config, atomically: true, encoding: .utf8)
        let page = reports.appendingPathComponent("summary.html")
        for day in 1...3 {
            try "<html>day \(day)</html>\n".write(to: page, atomically: true, encoding: .utf8)
            let run = try ExternalTool.run("/usr/sbin/logrotate", ["--force", "--state", root.appendingPathComponent("state").path, config.path])
            #expect(run.status == 0, "\(run.stderr)")
        }
        // The current page is left in place (the summary replaces it), the newest copy stays
        // plain, older ones are compressed.
        #expect(try String(contentsOf: page, encoding: .utf8) == "<html>day 3</html>\n")
        #expect(try String(contentsOf: reports.appendingPathComponent("summary.html.1"), encoding: .utf8) == "<html>day 3</html>\n")
        let names = try FileManager.default.contentsOfDirectory(atPath: reports.path).sorted()
        #expect(names == ["summary.html", "summary.html.1", "summary.html.2.gz", "summary.html.3.gz"], "\(names)")
    }
}
