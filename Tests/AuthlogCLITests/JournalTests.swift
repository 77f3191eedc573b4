import Foundation
import Testing

/// `--journal`: the systemd journal read through libsystemd, from real journal files made by
/// `systemd-journal-remote` (see `JournalFixture`); no journald runs. Skipped where the tool
/// is missing, except under CI=true, where that is a failure.
@Suite(.serialized, .enabled(if: JournalFixture.available || JournalFixture.inCI,
                             "needs /lib/systemd/systemd-journal-remote (CI=true makes this a failure)"))
struct JournalTests {
    let cli = CommandLineTests()

    func sandbox() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("authlog-journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("journal"), withIntermediateDirectories: true)
        return root
    }

    /// `format cause ip user path` of each NDJSON event, in order.
    func events(_ ndjson: String) throws -> [String] {
        try ndjson.split(separator: "\n").compactMap { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard object["cause"] != nil, object["type"] == nil else { return nil }
            return ["format", "cause", "ip", "user", "path"].map { (object[$0] as? String) ?? "-" }.joined(separator: " ")
        }
    }

    static let webServerEvents = [
        "nginx-error unknown-user 203.0.113.7 admin /admin/",
        "nginx-access http-401 203.0.113.7 admin /admin/",
        "apache-access http-401 203.0.113.40 dave /private/",
        "apache-error unknown-user 203.0.113.40 dave /private/",
        "nginx-access http-403 2001:db8::31 - /.env",
        "nginx-error password-mismatch 203.0.113.41 j\\xf6rg /admin/",
    ]

    @Test func aJournalFileGivesTheEventsOfItsServersEachReadByItsProgram() throws {
        let root = try sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("journal/system.journal")
        try JournalFixture.write(JournalFixture.webServer, to: file)
        let result = try cli.run(["scan", "--journal", "--journal-file", file.path, "-o", "ndjson", "--no-requests"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try events(result.stdout) == Self.webServerEvents)
        #expect(result.stdout.contains("\"file\":\"journal --file \(file.path)\""))
    }

    @Test func unitsChooseTheEntriesAndANameWithoutATypeIsAService() throws {
        let root = try sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("journal")
        try JournalFixture.write(JournalFixture.webServer, to: directory.appendingPathComponent("system.journal"))
        func scan(_ units: [String]) throws -> [String] {
            let result = try cli.run(["scan", "--journal", "--journal-dir", directory.path, "-o", "ndjson", "--no-requests"]
                                     + units.flatMap { ["-u", $0] })
            #expect(result.status == 0, "\(result.stderr)")
            return try events(result.stdout)
        }
        #expect(try scan(["apache2"]) == ["apache-access http-401 203.0.113.40 dave /private/",
                                          "apache-error unknown-user 203.0.113.40 dave /private/"])
        #expect(try scan(["nginx.service", "apache2"]) == Self.webServerEvents)
        #expect(try scan(["ssh", "cron"]).isEmpty)
    }

    /// `summary --json` events.total and the state file's journal cursor.
    func summary(_ state: URL, _ directory: URL) throws -> (total: Int, cursor: String?) {
        let result = try cli.run(["summary", "--journal", "--journal-dir", directory.path, "--state", state.path,
                                  "--output", "json", "--no-requests"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let events = try #require(document["events"] as? [String: Any])
        let saved = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: state)) as? [String: Any])
        #expect(saved["schema"] as? String == "authlog.state/2")
        return (try #require(events["total"] as? Int), (saved["journal"] as? [String: Any])?["cursor"] as? String)
    }

    @Test func theSummaryStateKeepsTheCursorSoEachRunSeesEachEntryOnce() throws {
        let root = try sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("journal")
        let state = root.appendingPathComponent("state.json")
        try JournalFixture.write(JournalFixture.webServer, to: directory.appendingPathComponent("system.journal"))

        let first = try summary(state, directory)
        #expect(first.total == 6)
        #expect(first.cursor?.hasPrefix("s=") == true)
        let second = try summary(state, directory)
        #expect(second.total == 0, "nothing new")
        #expect(second.cursor == first.cursor)

        // journald starts a new file (rotation); its entries come after the first file's.
        try JournalFixture.write(Self.later, first: 300, to: directory.appendingPathComponent("system@2.journal"))
        let third = try summary(state, directory)
        #expect(third.total == 2, "only the two new failures")
        #expect(third.cursor != first.cursor)
        #expect(try summary(state, directory).total == 0)
    }

    static let later = [
        JournalFixture.Entry(unit: "nginx.service", program: "nginx", #"203.0.113.9 - eve [20/Nov/2026:06:30:00 +0000] "GET /admin/ HTTP/1.1" 401 179 "-" "curl/8.5.0""#),
        JournalFixture.Entry(unit: "ssh.service", program: "sshd", "Accepted publickey for deploy from 198.51.100.2 port 22 ssh2"),
        JournalFixture.Entry(unit: "nginx.service", program: "nginx", #"203.0.113.9 - - [20/Nov/2026:06:30:02 +0000] "GET /wp-login.php HTTP/1.1" 403 153 "-" "curl/8.5.0""#),
    ]

    @Test func followWaitsOnTheJournalAndReadsOnlyTheEntriesWrittenAfterItStarts() throws {
        let root = try sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("journal")
        try JournalFixture.write(JournalFixture.webServer, to: directory.appendingPathComponent("system.journal"))
        let follower = try Follower(["--journal", "--journal-dir", directory.path, "-u", "nginx"])
        defer { follower.stop() }
        #expect(follower.errors.contains { $0.contains("following 1 file: journal -D \(directory.path) -u nginx.service") },
                "\(follower.errors)")
        try JournalFixture.write(Self.later, first: 300, to: directory.appendingPathComponent("system@2.journal"))
        #expect(follower.waitUntil { $0.lines.count >= 2 }, "\(follower.errors)")
        follower.stop(SIGTERM)
        let events = try events(follower.lines.joined(separator: "\n"))
        #expect(events == ["nginx-access http-401 203.0.113.9 eve /admin/", "nginx-access http-403 203.0.113.9 - /wp-login.php"])
    }

    @Test func aDamagedOrForeignStateIsRefusedWithOneLineAndTheJournalIsNotRead() throws {
        let root = try sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("journal")
        try JournalFixture.write(JournalFixture.webServer, to: directory.appendingPathComponent("system.journal"))
        let state = root.appendingPathComponent("state.json")
        let cases: [(text: String, says: String)] = [
            // A cursor that is no cursor libsystemd wrote: never handed to sd_journal_seek_cursor.
            (#"{"schema":"authlog.state/2","generated_at":"2026-11-20T00:00:00Z","checkpoints":[],"journal":{"cursor":"s=1;i=2;$(reboot)","source":"journal"}}"#,
             "journal.cursor: not a journal cursor"),
            (#"{"schema":"authlog.state/2","generated_at":"2026-11-20T00:00:00Z","checkpoints":[],"journal":{"cursor":"\#(String(repeating: "a", count: 600))","source":"journal"}}"#,
             "journal.cursor: a journal cursor is 1 to 512 characters"),
            (#"{"schema":"authlog.state/1","generated_at":"2026-11-20T00:00:00Z","checkpoints":[],"journal":{"cursor":"s=1;i=2","source":"journal"}}"#,
             "needs schema 'authlog.state/2'"),
            // Another program's JSON.
            (#"{"name":"some-other-tool","version":3}"#, "not a valid state file"),
            ("\u{0}\u{1}garbage", "not a valid state file"),
        ]
        for (text, says) in cases {
            try Data(text.utf8).write(to: state)
            let result = try cli.run(["summary", "--journal", "--journal-dir", directory.path, "--state", state.path,
                                      "--output", "json"])
            #expect(result.status == 2, "\(text)")
            #expect(result.stdout.isEmpty, "nothing reported: \(text)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains(says) && lines[0].contains(state.path), "\(result.stderr)")
            #expect(try Data(contentsOf: state) == Data(text.utf8), "the state is left as it was")
        }
    }

    // Defect: libsystemd was told to give fields whole (threshold 0), so a small compressed
    // field could decompress to hundreds of megabytes and be escaped six bytes a byte before
    // the line limit dropped it. Now no field is read much past the limit: a message longer
    // than --max-line is one too-long line, and the entries after it are read as ever.
    @Test func aJournalMessageOverTheLineLimitIsSkippedAndTheNextEntryRead() throws {
        let root = try sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("journal/system.journal")
        // Compressible (journal-remote compresses fields this long): 2 MiB of one request line.
        let huge = #"203.0.113.9 - admin [20/Nov/2026:06:25:14 +0000] "GET /"# + String(repeating: "a", count: 2 << 20)
            + #" HTTP/1.1" 401 179 "-" "curl/8.5.0""#
        try JournalFixture.write([JournalFixture.Entry(unit: "nginx.service", program: "nginx", huge)]
                                 + JournalFixture.webServer, to: file)
        let result = try cli.run(["scan", "--journal", "--journal-file", file.path, "-o", "json", "--no-requests",
                                  "--max-line", "65536"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let files = try #require(report["files"] as? [[String: Any]])
        let skipped = try #require(files.first?["skipped_by"] as? [String: Int])
        #expect(skipped["too-long"] == 1)
        #expect(files.first?["events"] as? Int == Self.webServerEvents.count)
    }

    @Test func journalOptionsAreCheckedBeforeAnythingIsRead() throws {
        for (arguments, says) in [
            (["scan", "-u", "nginx"], "need --journal"),
            (["scan", "--journal", "samples/"], "give no paths"),
            (["summary", "--journal", "--log-format", "nginx-access"], "cannot be used with --journal"),
            (["scan", "--journal", "--journal-dir", "/tmp", "--journal-file", "/tmp/x.journal"], "not both"),
        ] {
            let result = try cli.run(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(says), "\(result.stderr)")
        }
        let missing = try cli.run(["scan", "--journal", "--journal-file", "/nonexistent/system.journal"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot open the journal"), "\(missing.stderr)")
    }
}
