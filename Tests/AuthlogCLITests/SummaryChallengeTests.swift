import Foundation
import Testing

extension SummaryTests {
    /// `summary --state` over a WebDAV log that grows between runs: each run counts the
    /// challenges and failures of its new lines, and the two runs add up to one whole scan.
    @Test func incrementalRunsCountChallengesOfTheirOwnLines() throws {
        let (root, logs) = try sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let state = root.appendingPathComponent("state.json")
        let log = logs.appendingPathComponent("access.log")
        let scene = try String(contentsOf: CommandLineTests.repositoryRoot
            .appendingPathComponent("samples/findings/challenge/nginx-access.log"), encoding: .utf8)
        // Cut before 09:00, where no 401 waits for its login (the last is answered at 08:55).
        let cut = try #require(scene.range(of: "[22/Nov/2026:09:00:0")).lowerBound
        let lastNewline = try #require(scene[..<cut].lastIndex(of: "\n"))
        let first = String(scene[...lastNewline]), second = String(scene[scene.index(after: lastNewline)...])

        func run() throws -> (failures: Int, challenges: Int) {
            let result = try cli.run(["summary", "--state", state.path, "--output", "json", logs.path])
            #expect(result.status == 0, "\(result.stderr)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let requests = try #require(document["requests"] as? [String: Any])
            return (try #require(requests["total"] as? Int), try #require(requests["challenges"] as? Int))
        }
        try append(first, to: log)
        let before = try run()
        try append(second, to: log)
        let after = try run()
        // 06:00 to 09:00: anna's 36, bert's 18 and carol's 12.
        #expect(before.challenges == 66)
        #expect(before.challenges + after.challenges == 264)
        #expect(before.failures + after.failures == 55)
        #expect(before.failures == 0, "before 09:00 every 401 of the scene is a challenge")
    }
}
