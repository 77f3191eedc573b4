import Foundation
import Testing

/// Challenges through the command line: `--challenge-window` reaches the analysis, and the
/// WebDAV scene's ban lists (scan's and summary's) hold its guesser and none of its users.
extension CommandLineTests {
    static let challengeScene = "samples/findings/challenge"

    @Test func challengeSceneBanListsNameOnlyTheGuesser() throws {
        for command in ["scan", "summary"] {
            let bans = try run([command, "-q", "-o", "bans", Self.challengeScene])
            #expect(bans.status == 0, "\(bans.stderr)")
            #expect(bans.stdout == "198.51.100.90\n", "\(command): \(bans.stdout)")
        }
        let nginx = try run(["scan", "-q", "-o", "bans", "--ban-format", "nginx", Self.challengeScene])
        for challenged in ["203.0.113.120", "2001:db8:20::21", "203.0.113.122"] {
            #expect(!nginx.stdout.contains(challenged), "\(challenged) in \(nginx.stdout)")
        }
    }

    @Test func challengeWindowOptionReachesTheAnalysis() throws {
        func report(_ extra: [String]) throws -> [String: Any] {
            let result = try run(["scan", "-q", "-o", "json"] + extra + [Self.challengeScene])
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }
        func challenges(_ json: [String: Any]) -> Int? { (json["requests"] as? [String: Any])?["challenges"] as? Int }
        func keys(_ json: [String: Any]) -> Set<String> {
            Set((json["findings"] as? [[String: Any]] ?? []).compactMap { "\($0["kind"] ?? "") \($0["key"] ?? "")" })
        }
        let standard = try report([])
        #expect(challenges(standard) == 264)
        #expect(!keys(standard).contains { $0.hasSuffix(" 2001:db8:20::21") })
        // Thunderbird retries a second later: with a window of 0 its 72 401s are failures
        // again, and bert "failed 72 times, then got in" (what the report said before).
        let sameSecond = try report(["--challenge-window", "0"])
        #expect(challenges(sameSecond) == 264 - 72)
        #expect(keys(sameSecond).contains("user-typo bert"), "\(keys(sameSecond))")
        #expect(!keys(standard).contains("user-typo bert"))
    }
}
