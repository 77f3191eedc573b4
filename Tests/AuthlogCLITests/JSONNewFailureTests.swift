import Foundation
import Testing

/// new-failure reads the access logs a second time for the served requests of its candidate
/// paths (`SuccessReader`). Defect: for a JSON log it looked for the path only after a space
/// (`GET /api/…` of a text log's request line) and kept the format's refusal literals, so a
/// log that writes the path as a value of its own (`"uri":"/api/…"`, Caddy, Traefik) never
/// showed a served request, and the finding was never made; and every 401 line was decoded.
@Suite struct JSONNewFailureTests {
    let cli = CommandLineTests()

    /// The new-failure scene's Apache lines as Caddy writes them.
    static func caddyLines() throws -> String {
        let scene = CommandLineTests.repositoryRoot.appendingPathComponent("samples/findings/new-failure/apache-access.log")
        let months = ["Nov": 11]
        var out = ""
        for line in try String(contentsOf: scene, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            // 192.0.2.140 - - [21/Nov/2026:10:00:00 +0000] "GET /api/v2/report?day=… HTTP/1.1" 200 …
            let time = fields[3].dropFirst().split(separator: ":")
            let date = time[0].split(separator: "/")
            var parts = DateComponents()
            parts.timeZone = TimeZone(identifier: "UTC")
            (parts.year, parts.month, parts.day) = (Int(date[2]), months[String(date[1])], Int(date[0]))
            (parts.hour, parts.minute, parts.second) = (Int(time[1]), Int(time[2]), Int(time[3]))
            let ts = Calendar(identifier: .gregorian).date(from: parts)!.timeIntervalSince1970
            let method = fields[5].dropFirst()
            out += #"{"level":"info","ts":\#(ts),"logger":"http.log.access","msg":"handled request","request":{"#
                + #""remote_ip":"\#(fields[0])","client_ip":"\#(fields[0])","proto":"HTTP/1.1","method":"\#(method)","#
                + #""host":"example.com","uri":"\#(fields[6])","headers":{"Authorization":["REDACTED"]}},"#
                + #""user_id":"","duration":0.01,"size":0,"status":\#(fields[8])}"# + "\n"
        }
        return out
    }

    @Test func aJSONLogWithAURIKeyShowsItsServedRequestsToNewFailure() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("authlog-caddy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("access.log").path
        try Self.caddyLines().write(toFile: log, atomically: true, encoding: .utf8)
        let result = try cli.run(["scan", "-o", "json", log])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let files = try #require(report["files"] as? [[String: Any]])
        #expect(files.first?["format"] as? String == "caddy-json")
        let findings = (report["findings"] as? [[String: Any]]) ?? []
        #expect(findings.contains { $0["kind"] as? String == "new-failure" && $0["key"] as? String == "/api/v2/report" },
                "\(findings.map { "\($0["kind"] ?? "") \($0["key"] ?? "")" })")
    }
}
