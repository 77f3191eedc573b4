import Foundation
import Testing

/// `authlog follow` as a separate process while a writer appends to and rotates real files:
/// after each step the exact set of events received is checked.
@Suite(.serialized) struct FollowTests {
    /// A running `authlog follow` whose stdout lines are collected by a reader thread.
    final class Follower: @unchecked Sendable {
        let process = Process()
        private let lock = NSLock()
        private var collected: [String] = []
        private var pending = Data()

        init(_ arguments: [String]) throws {
            process.executableURL = CommandLineTests.executable
            process.arguments = ["follow", "--output", "ndjson"] + arguments
            var environment = ProcessInfo.processInfo.environment
            environment["TZ"] = "UTC"
            process.environment = environment
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            out.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                guard let self, !data.isEmpty else { return }
                self.lock.lock()
                self.pending.append(data)
                while let newline = self.pending.firstIndex(of: 0x0A) {
                    self.collected.append(String(decoding: self.pending[self.pending.startIndex..<newline], as: UTF8.self))
                    self.pending.removeSubrange(self.pending.startIndex...newline)
                }
                self.lock.unlock()
            }
            try process.run()
            usleep(300_000)  // let it open the files and set its watches
        }

        var lines: [String] {
            lock.lock()
            defer { lock.unlock() }
            return collected
        }

        /// Waits until at least `count` lines arrived (or a few seconds passed), then a short
        /// while more so that an extra (duplicate) line would show up too.
        func waitFor(_ count: Int, settle: UInt32 = 250_000) -> [String] {
            let deadline = Date().addingTimeInterval(5)
            while lines.count < count, Date() < deadline { usleep(10_000) }
            usleep(settle)
            return lines
        }

        func stop() {
            if process.isRunning { process.interrupt() }
            process.waitUntilExit()
        }
    }

    static func line(user: String, ip: String = "203.0.113.9", status: Int = 401) -> String {
        "\(ip) - \(user) [20/Nov/2026:06:25:14 +0000] \"GET /admin/ HTTP/1.1\" \(status) 179 \"-\" \"curl/8\"\n"
    }

    func append(_ text: String, to url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    /// A fresh temporary directory; the caller removes it.
    func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("authlog-follow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    func users(_ lines: [String]) -> [String] {
        lines.compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["type"] == nil else { return nil }
            return object["user"] as? String
        }
    }

    @Test func survivesEveryKindOfRotationWithoutLosingOrRepeatingALine() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("access.log")
        try append(Self.line(user: "old"), to: log)  // before the start: not reported
        let follower = try Follower(["--alert", "ip>=20/5m", directory.path])
        defer { follower.stop() }
        var expected: [String] = []

        // Plain appends (a 200 is not an event).
        try append(Self.line(user: "a1") + Self.line(user: "ok", status: 200) + Self.line(user: "a2"), to: log)
        expected += ["a1", "a2"]
        #expect(users(follower.waitFor(expected.count)) == expected)

        // A partial line is held until its newline arrives.
        let partial = Self.line(user: "p1")
        try append(String(partial.prefix(30)), to: log)
        #expect(users(follower.waitFor(expected.count, settle: 300_000)) == expected)
        try append(String(partial.dropFirst(30)), to: log)
        expected += ["p1"]
        #expect(users(follower.waitFor(expected.count)) == expected)

        // Rename rotation, a new file, and a late write to the renamed one.
        try FileManager.default.moveItem(at: log, to: directory.appendingPathComponent("access.log.1"))
        try append(Self.line(user: "late1"), to: directory.appendingPathComponent("access.log.1"))
        expected += ["late1"]
        #expect(users(follower.waitFor(expected.count)) == expected)
        try append(Self.line(user: "new1"), to: log)
        expected += ["new1"]
        #expect(users(follower.waitFor(expected.count)) == expected)
        try append(Self.line(user: "late2"), to: directory.appendingPathComponent("access.log.1"))
        expected += ["late2"]
        #expect(users(follower.waitFor(expected.count)) == expected)

        // copytruncate: the copy is recognised by its first bytes, nothing is read twice.
        try FileManager.default.removeItem(at: directory.appendingPathComponent("access.log.1"))
        try FileManager.default.copyItem(at: log, to: directory.appendingPathComponent("access.log.1"))
        try Data().write(to: log)  // truncate in place, same inode
        try append(Self.line(user: "ct1"), to: log)
        expected += ["ct1"]
        #expect(users(follower.waitFor(expected.count)) == expected)

        // Delete and recreate.
        try FileManager.default.removeItem(at: log)
        try append(Self.line(user: "re1"), to: log)
        expected += ["re1"]
        #expect(users(follower.waitFor(expected.count)) == expected)

        // A new log file in the followed directory, of another format.
        let errors = directory.appendingPathComponent("error.log")
        try append("2026/11/20 06:25:15 [error] 7#7: *1 user \"ne1\" was not found in \"/etc/nginx/.htpasswd\", client: 198.51.100.4, server: s, request: \"GET /admin/ HTTP/1.1\", host: \"s\"\n", to: errors)
        expected += ["ne1"]
        #expect(users(follower.waitFor(expected.count)) == expected)

        // A burst from one address crosses the threshold: exactly one alert.
        let burst = (0..<25).map { Self.line(user: "b\($0)", ip: "198.51.100.99") }.joined()
        try append(burst, to: log)
        expected += (0..<25).map { "b\($0)" }
        let all = follower.waitFor(expected.count + 1)
        #expect(users(all) == expected)
        let alerts = all.filter { $0.contains("\"type\":\"alert\"") }
        #expect(alerts.count == 1)
        #expect(alerts.first?.contains("\"key\":\"198.51.100.99\"") == true)
        #expect(alerts.first?.contains("\"count\":20") == true)

        // SIGINT: the final summary, then exit 0.
        follower.stop()
        #expect(follower.process.terminationStatus == 0)
        #expect(follower.lines.last?.contains("\"type\":\"summary\",\"final\":true") == true)
    }

    @Test func overviewOnSIGUSR1AndOnScheduleAndFinalOnSIGTERM() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("access.log")
        try append("", to: log)
        let follower = try Follower(["--summary-every", "1s", log.path])
        defer { follower.stop() }
        try append(Self.line(user: "s1"), to: log)
        _ = follower.waitFor(1, settle: 0)
        kill(follower.process.processIdentifier, SIGUSR1)
        var lines = follower.waitFor(2, settle: 0)
        #expect(lines.count >= 2 && lines[1].contains("\"type\":\"summary\",\"final\":false,\"total\":1"))
        lines = follower.waitFor(3, settle: 0)  // the scheduled one, within about a second
        #expect(lines.filter { $0.contains("\"type\":\"summary\"") }.count >= 2)
        follower.process.terminate()  // SIGTERM
        follower.process.waitUntilExit()
        #expect(follower.process.terminationStatus == 0)
        #expect(follower.lines.last?.contains("\"final\":true") == true)
    }

    @Test func fileThatDoesNotExistYetIsFollowedWhenItAppears() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("access.log")
        let follower = try Follower([log.path])
        defer { follower.stop() }
        try append(Self.line(user: "first"), to: log)
        #expect(users(follower.waitFor(1)) == ["first"])
    }

    @Test func execGetsTheKeyAsOneArgumentWhateverItHolds() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let record = directory.appendingPathComponent("record.txt")
        let script = directory.appendingPathComponent("record-alert")
        try "#!/bin/sh\nfor argument in \"$@\"; do printf '[%s]\\n' \"$argument\" >> '\(record.path)'; done\n"
            .write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let log = directory.appendingPathComponent("error.log")
        let user = "x y\"z;rm -rf $HOME 'q'"
        let line = "2026/11/20 06:25:15 [error] 7#7: *1 user \"\(user)\" was not found in \"/etc/nginx/.htpasswd\", client: 198.51.100.4, server: s, request: \"GET / HTTP/1.1\", host: \"s\"\n"
        try append(line, to: log)
        let follower = try Follower(["--from-start", "--alert", "user>=2/1m", "--exec", script.path, log.path])
        defer { follower.stop() }
        try append(line, to: log)
        _ = follower.waitFor(3)
        let deadline = Date().addingTimeInterval(5)
        while !FileManager.default.fileExists(atPath: record.path), Date() < deadline { usleep(20_000) }
        usleep(200_000)
        let arguments = try String(contentsOf: record, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(arguments == ["[user]", "[\(user)]", "[2]", "[60]", "[user>=2/1m]"])
    }
}
