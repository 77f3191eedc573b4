import Foundation
import Testing

/// `follow -` follows a pipe (`journalctl -f -o json -u nginx | authlog follow -`): its lines
/// go through the pipeline as a followed file's, the format told from its first lines, and the
/// end of the input ends the run with its final overview.
extension FollowTests {
    static let journalFixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/containers/journal.json")

    @Test func followDashReadsJournalEntriesFromAPipeAsTheyArriveAndEndsWithIt() throws {
        let entries = try String(contentsOf: Self.journalFixture, encoding: .utf8).split(separator: "\n").map { $0 + "\n" }
        let scan = try scanned(Self.journalFixture)
        let pipe = Pipe()
        let follower = try Follower(["-"], standardInput: pipe)
        // The first entry alone tells the format; nothing is lost while it is told.
        pipe.fileHandleForWriting.write(Data(entries[0].utf8))
        #expect(follower.waitUntil { events($0.lines).count >= 1 })
        pipe.fileHandleForWriting.write(Data(entries[1...].joined().utf8))
        #expect(follower.waitUntil { events($0.lines).count >= scan.events.count })
        try pipe.fileHandleForWriting.close()
        follower.process.waitUntilExit()
        #expect(follower.process.terminationStatus == 0)
        #expect(follower.waitUntil { $0.lines.contains { $0.contains("\"final\":true") } })
        // The same events as a scan of the file, with "-" for the file.
        #expect(events(follower.lines) == scan.events.map {
            $0.replacingOccurrences(of: Self.journalFixture.path, with: "-")
        })
        #expect(users(follower.lines).contains("dave"))
    }

    @Test func followDashWithFilesIsAUsageError() throws {
        let result = try CommandLineTests().run(["follow", "-", "/var/log/nginx"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("follow - reads standard input alone"))
    }
}
