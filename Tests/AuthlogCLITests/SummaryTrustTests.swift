import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `summary` (and the other commands' output) under the conditions of issue 10: the same
/// count as scan, one run at a time on a state, write errors that are not hidden, and
/// targets that are never replaced.
@Suite(.serialized) struct SummaryTrustTests {
    let cli = CommandLineTests()

    /// 25 wrong passwords from 192.0.2.10, each an access-log 401 and the error line that
    /// explains it: 25 requests in 50 lines.
    func pairedGuesses(in directory: URL) throws {
        let nginx = directory.appendingPathComponent("nginx")
        try FileManager.default.createDirectory(at: nginx, withIntermediateDirectories: true)
        var access = "", error = ""
        for index in 0..<25 {
            let second = String(format: "%02d", index)
            access += "192.0.2.10 - admin [21/Nov/2026:01:00:\(second) +0000] \"GET /admin/ HTTP/1.1\" 401 179 \"-\" \"Hydra\"\n"
            error += "2026/11/21 01:00:\(second) [error] 11#11: *\(index) user \"admin\": password mismatch, client: 192.0.2.10, "
                + "server: example.com, request: \"GET /admin/ HTTP/1.1\", host: \"example.com\"\n"
        }
        try access.write(to: nginx.appendingPathComponent("access.log"), atomically: true, encoding: .utf8)
        try error.write(to: nginx.appendingPathComponent("error.log"), atomically: true, encoding: .utf8)
    }

    /// A fresh temporary directory, removed by the caller.
    func makeTemporaryDirectory() throws -> URL { try SummaryTests().sandbox().root }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    // Trust item 4
    @Test func summaryCountsRequestsAsScanDoesNotLogLines() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try pairedGuesses(in: root)
        let scan = try json(try cli.run(["scan", "-o", "json", root.path]).stdout)
        let scanned = try #require(scan["requests"] as? [String: Any])
        #expect(scanned["total"] as? Int == 25)

        let state = root.appendingPathComponent("state.json")
        let result = try cli.run(["summary", "-o", "json", "--state", state.path, root.path])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try json(result.stdout)
        #expect((summary["events"] as? [String: Any])?["total"] as? Int == 50, "lines stay in events")
        #expect((summary["requests"] as? [String: Any])?["total"] as? Int == 25)
        // The top client's count is its finding's count.
        let findings = try #require(summary["findings"] as? [[String: Any]])
        let bruteForce = try #require(findings.first { $0["kind"] as? String == "brute-force" })
        #expect(bruteForce["key"] as? String == "192.0.2.10")
        let figures = try #require(bruteForce["figures"] as? [String: Any])
        #expect(figures.values.contains { $0 as? Int == 25 }, "\(figures)")
        #expect(!figures.values.contains { $0 as? Int == 50 }, "\(figures)")
        // The state remembers requests, and says so.
        let saved = try json(try String(contentsOf: state, encoding: .utf8))
        let previous = try #require(saved["previous"] as? [String: Any])
        #expect(previous["total"] as? Int == 25 && previous["counts"] as? String == "requests")

        let text = try cli.run(["summary", root.path])
        #expect(text.stdout.contains("25 failed requests (50 log lines)"), "\(text.stdout)")
        #expect(!text.stdout.contains(" 50 "), "no table shows the line count:\n\(text.stdout)")
        // --fail-on fires at the request count, not at the line count.
        #expect(try cli.run(["summary", "--fail-on", "ip>=26", root.path]).status == 0)
        let crossed = try cli.run(["summary", "--fail-on", "ip>=25", root.path])
        #expect(crossed.status == 3)
        #expect(crossed.stderr.contains("client 192.0.2.10: 25 (ip>=25)"), "\(crossed.stderr)")
        #expect(try cli.run(["summary", "--fail-on", "total>25", root.path]).status == 0)
    }

    // Trust item 5
    @Test func aSecondSummaryOnALockedStateGivesUpWithOneLineAndStatusOne() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try pairedGuesses(in: root)
        let state = root.appendingPathComponent("state.json")
        let lock = open(state.path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        try #require(lock >= 0)
        defer { close(lock) }
        try #require(flock(lock, LOCK_EX) == 0)
        let refused = try cli.run(["summary", "--wait-lock", "0", "--state", state.path, root.path])
        #expect(refused.status == 1)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr.contains("another authlog summary is using this state"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: state.path), "nothing saved without the lock")
        flock(lock, LOCK_UN)
        #expect(try cli.run(["summary", "--wait-lock", "0", "--state", state.path, root.path]).status == 0)
    }

    // Trust item 5: a run that finds the state locked waits, and reads the state only once
    // it holds the lock: it reports from the position the holder saved, not from the one
    // it would have read at its start (which is how repro 07 counted lines twice).
    @Test func aSummaryWaitsForTheStateLockThenStartsFromWhatTheHolderSaved() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let logs = root.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let log = logs.appendingPathComponent("access.log")
        let summary = SummaryTests()
        let state = root.appendingPathComponent("state.json")
        try summary.append(SummaryTests.lines(0..<300), to: log)
        #expect(try summary.summaryTotal(state, logs) == SummaryTests.failures(0..<300))
        let before = try Data(contentsOf: state)
        try summary.append(SummaryTests.lines(300..<450), to: log)
        #expect(try summary.summaryTotal(state, logs) == SummaryTests.failures(300..<450))
        let holderSaves = try Data(contentsOf: state)
        try before.write(to: state)  // the state as the holder found it
        try summary.append(SummaryTests.lines(450..<500), to: log)

        let lockPath = state.path + ".lock"
        let lock = open(lockPath, O_RDWR | O_CLOEXEC)
        try #require(lock >= 0)
        defer { close(lock) }
        try #require(flock(lock, LOCK_EX) == 0)
        let waiting = Process()
        waiting.executableURL = CommandLineTests.executable
        waiting.arguments = ["summary", "-o", "json", "--wait-lock", "600", "--state", state.path, logs.path]
        let out = Pipe()
        waiting.standardOutput = out
        waiting.standardError = FileHandle.nullDevice
        try waiting.run()
        // Wait (bounded) until the run has the lock file open: from then on it is waiting
        // for this test's lock, and has not read the state.
        let deadline = Date().addingTimeInterval(60)
        var opened = false
        while !opened, waiting.isRunning, Date() < deadline {
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(waiting.processIdentifier)/fd")) ?? []
            opened = fds.contains { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(waiting.processIdentifier)/fd/\($0)")) == lockPath }
            if !opened { usleep(10_000) }
        }
        #expect(opened, "the second run never opened \(lockPath)")
        // The holder saves its state and lets go.
        try holderSaves.write(to: state)
        flock(lock, LOCK_UN)
        let output = out.fileHandleForReading.readDataToEndOfFile()
        waiting.waitUntilExit()
        #expect(waiting.terminationStatus == 0)
        let events = try #require(try json(String(decoding: output, as: UTF8.self))["events"] as? [String: Any])
        #expect(events["total"] as? Int == SummaryTests.failures(450..<500))
        #expect(try summary.summaryTotal(state, logs) == 0)
    }
}
