import Foundation
import Testing

/// `authlog follow` as a separate process while a writer appends to and rotates real files:
/// after each step the exact set of events received is checked.
@Suite(.serialized) struct FollowTests {
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

    // Trust item 16: no race left. The line is there before follow starts (--from-start, so
    // it is read whenever follow gets to it), each overview has one possible source, every
    // step waits on output, and the final line is checked once the output has ended.
    @Test func overviewOnSIGUSR1AndOnScheduleAndFinalOnSIGTERM() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("access.log")
        try append(Self.line(user: "s1"), to: log)
        func summaries(_ follower: Follower) -> [String] { follower.lines.filter { $0.contains("\"type\":\"summary\"") } }

        // SIGUSR1 is the only source of an overview here.
        let onSignal = try Follower(["--from-start", log.path])
        defer { onSignal.stop() }
        #expect(onSignal.waitUntil { users($0.lines) == ["s1"] })
        kill(onSignal.process.processIdentifier, SIGUSR1)
        #expect(onSignal.waitUntil { summaries($0).count == 1 })
        #expect(summaries(onSignal).first?.contains("\"type\":\"summary\",\"final\":false,\"total\":1") == true)
        onSignal.stop(SIGTERM)
        #expect(onSignal.process.terminationStatus == 0)
        #expect(onSignal.lines.last?.contains("\"type\":\"summary\",\"final\":true,\"total\":1") == true)

        // --summary-every is the only source here: two overviews come with no signal.
        let onSchedule = try Follower(["--from-start", "--summary-every", "1s", log.path])
        defer { onSchedule.stop() }
        #expect(onSchedule.waitUntil { summaries($0).count >= 2 })
        #expect(summaries(onSchedule).allSatisfy { $0.contains("\"final\":false,\"total\":1") })
        onSchedule.stop(SIGTERM)
        #expect(onSchedule.process.terminationStatus == 0)
        #expect(onSchedule.lines.last?.contains("\"final\":true") == true)
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

    // Trust item 3: the program comes with arguments of its own (split as a shell splits
    // words, run without one); the alert's fields follow `--`, the key as one argument.
    @Test func execGetsTheKeyAsOneArgumentWhateverItHolds() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let record = directory.appendingPathComponent("record.txt")
        let script = directory.appendingPathComponent("record-alert")
        // Written whole, then renamed: the test waits for the file, never for time.
        try "#!/bin/sh\nfor argument in \"$@\"; do printf '[%s]\\n' \"$argument\"; done > '\(record.path).part'\nmv '\(record.path).part' '\(record.path)'\n"
            .write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let log = directory.appendingPathComponent("error.log")
        let user = "x y\"z;rm -rf $HOME 'q'"
        let line = "2026/11/20 06:25:15 [error] 7#7: *1 user \"\(user)\" was not found in \"/etc/nginx/.htpasswd\", client: 198.51.100.4, server: s, request: \"GET / HTTP/1.1\", host: \"s\"\n"
        try append(line + line, to: log)
        let follower = try Follower(["--from-start", "--alert", "user>=2/1m", "--exec", "'\(script.path)' set \"nginx auth\" ban\\ ip", log.path])
        defer { follower.stop() }
        #expect(follower.waitUntil { _ in FileManager.default.fileExists(atPath: record.path) })
        let arguments = try String(contentsOf: record, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(arguments == ["[set]", "[nginx auth]", "[ban ip]", "[--]", "[user]", "[\(user)]", "[2]", "[60]", "[user>=2/1m]"])
    }
}
