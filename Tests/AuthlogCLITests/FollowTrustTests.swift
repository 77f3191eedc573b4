import Foundation
import Testing

/// follow under hostile conditions (issue "Trust under attack"): --exec children kept out of
/// the event stream and never left behind, rotations that rewrite files in place or come fast,
/// logs in subdirectories, SIGHUP, absurd option values.
extension FollowTests {
    func script(_ body: String, in directory: URL, named name: String = "alert.sh") throws -> URL {
        let url = directory.appendingPathComponent(name)
        try ("#!/bin/sh\n" + body).write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url
    }

    /// Gone, or a zombie nobody reaps (in a container without an init).
    func isGone(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }

    func pids(in file: URL) -> [Int32] {
        ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
    }

    func nginxError(user: String, ip: String) -> String {
        "2026/11/20 06:25:15 [error] 7#7: *1 user \"\(user)\" was not found in \"/etc/nginx/.htpasswd\", client: \(ip), server: s, request: \"GET / HTTP/1.1\", host: \"s\"\n"
    }

    // Trust item 3
    @Test func execOutputGoesToStderrNeverIntoTheEventStream() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Output without a newline used to merge with the next event on stdout.
        let noisy = try script("echo \"stdin=$(readlink /proc/self/fd/0) fds=$(ls /proc/self/fd | tr '\\n' ' ')\" >&2\nprintf 'NOT-JSON'\n", in: directory)
        let log = directory.appendingPathComponent("error.log")
        try append(nginxError(user: "u1", ip: "198.51.100.4"), to: log)
        let follower = try Follower(["--from-start", "--alert", "ip>=1/5m", "--exec", noisy.path, log.path])
        #expect(follower.waitUntil { $0.errors.contains { $0.contains("fds=") } && $0.errors.contains { $0.contains("NOT-JSON") } })
        try append(nginxError(user: "u2", ip: "198.51.100.4"), to: log)
        #expect(follower.waitUntil { users($0.lines) == ["u1", "u2"] })
        follower.stop()
        for line in follower.lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON on stdout: \(line)")
        }
        let name = noisy.path
        #expect(follower.errors.contains("authlog: exec \(name): NOT-JSON"))
        // stdin is /dev/null; nothing but 0, 1, 2 is inherited (3 is ls's own directory).
        #expect(follower.errors.contains("authlog: exec \(name): stdin=/dev/null fds=0 1 2 3 "))
    }

    // Trust item 3
    @Test func execTimeoutKillsTheCommandsWholeProcessGroup() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let record = directory.appendingPathComponent("pids")
        let hang = try script("sleep 987 &\necho $! >> '\(record.path)'\nwait\n", in: directory)
        let log = directory.appendingPathComponent("error.log")
        try append(nginxError(user: "u1", ip: "198.51.100.4"), to: log)
        let follower = try Follower(["--from-start", "--alert", "ip>=1/5m", "--exec-timeout", "0.5", "--exec", hang.path, log.path])
        defer { follower.stop() }
        #expect(follower.waitUntil { $0.errors.contains { $0.contains("took longer than") && $0.contains("was killed") } })
        let grandchildren = pids(in: record)
        #expect(grandchildren.count == 1)
        #expect(follower.waitUntil { _ in grandchildren.allSatisfy(isGone) }, "the command's own child survived the timeout")
    }

    // Trust item 3
    @Test func sigtermStartsNothingQueuedAndLeavesNoCommandRunning() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let record = directory.appendingPathComponent("pids")
        // Ignores SIGTERM, as does its child: only SIGKILL to the group ends them.
        let stubborn = try script("trap '' TERM\nsleep 988 &\necho $$ >> '\(record.path)'\necho $! >> '\(record.path)'\nwait\n", in: directory)
        let log = directory.appendingPathComponent("error.log")
        // Five alerts; four commands run at once, the fifth waits.
        try append((1...5).map { nginxError(user: "u\($0)", ip: "198.51.100.\($0)") }.joined(), to: log)
        let follower = try Follower(["--from-start", "--alert", "ip>=1/5m", "--exec", stubborn.path, log.path])
        #expect(follower.waitUntil { _ in pids(in: record).count == 8 })
        follower.stop(SIGTERM)
        #expect(follower.process.terminationStatus == 0)
        let started = pids(in: record)
        #expect(started.count == 8, "a queued command was started after SIGTERM")
        #expect(follower.waitUntil { _ in started.allSatisfy(isGone) }, "a command outlived authlog")
        #expect(follower.errors.contains { $0.contains("1 waiting alert command(s) not run") })
    }

    // Trust item 11
    @Test func execProgramNotFoundAndAbsurdFollowValuesAreUsageErrors() throws {
        let cli = CommandLineTests()
        let cases: [([String], String)] = [
            (["--alert", "ip>=1/5m", "--exec", "/no/such/block-ip"], "--exec: /no/such/block-ip"),
            (["--alert", "ip>=1/5m", "--exec", "no-such-block-ip-program"], "not found on PATH"),
            (["--alert", "ip>=1/5m", "--exec", "block-ip $IP | sh"], "without a shell"),
            (["--exec", "/bin/true"], "at least one --alert"),
            (["--poll", "0s"], "--poll must be between 100ms and 1h"),
            (["--summary-every", "0s"], "--summary-every must be between 1s and 7d"),
            (["--exec-timeout", "0"], "--exec-timeout"),
            (["--exec-timeout", "nan"], "--exec-timeout"),
            (["--rotation-grace", "-1"], "--rotation-grace"),
            (["--rotation-grace", "inf"], "--rotation-grace"),
        ]
        for (arguments, message) in cases {
            let result = try cli.run(["follow"] + arguments + ["samples"])
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    // Trust item 7: `cp error.log error.log.1` onto an existing .1 rewrites it under the same
    // inode; it holds lines already read from error.log and must not be read again.
    @Test func copyOverAnExistingRotatedFileIsNotReadTwice() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("access.log")
        let rotated = directory.appendingPathComponent("access.log.1")
        try append("", to: log)
        let follower = try Follower([directory.path])
        defer { follower.stop() }
        var expected: [String] = []
        for round in 1...4 {
            try append(Self.line(user: "r\(round)a") + Self.line(user: "r\(round)b"), to: log)
            expected += ["r\(round)a", "r\(round)b"]
            #expect(users(follower.waitFor(expected.count)) == expected)
            // cp error.log error.log.1 (the .1 exists from the second round on); : > error.log
            let content = try Data(contentsOf: log)
            if !FileManager.default.fileExists(atPath: rotated.path) { _ = FileManager.default.createFile(atPath: rotated.path, contents: nil) }
            let copy = try FileHandle(forWritingTo: rotated)
            try copy.truncate(atOffset: 0)
            try copy.write(contentsOf: content)
            try copy.close()
            try Data().write(to: log, options: [])  // same inode: Data.write without .atomic truncates in place
        }
        try append(Self.line(user: "last"), to: log)
        expected += ["last"]
        #expect(users(follower.waitFor(expected.count, settle: 500_000)) == expected)
    }

    // Trust item 7: with --poll, rotations are still seen as they happen (inotify watches
    // too); a file renamed over by the next rotation before the poll came used to be lost.
    @Test func twoRotationsWithinOnePollIntervalLoseNothing() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("error.log")
        let rotated = directory.appendingPathComponent("error.log.1")
        try append("", to: log)
        let follower = try Follower(["--poll", "1h", directory.path])
        defer { follower.stop() }
        var expected: [String] = []
        for round in 1...3 {
            try append(nginxError(user: "n\(round)", ip: "198.51.100.\(round)"), to: log)
            expected += ["n\(round)"]
            #expect(follower.waitUntil { users($0.lines) == expected })
            if FileManager.default.fileExists(atPath: rotated.path) { try FileManager.default.removeItem(at: rotated) }
            try FileManager.default.moveItem(at: log, to: rotated)
            try append("", to: log)
        }
        follower.stop()
        #expect(users(follower.lines) == expected)
    }

    // Trust item 7
    @Test func followDirectoryFindsLogsInSubdirectoriesAsScanDoes() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let nginx = directory.appendingPathComponent("nginx")
        try FileManager.default.createDirectory(at: nginx, withIntermediateDirectories: true)
        let access = nginx.appendingPathComponent("access.log")
        try append(Self.line(user: "before"), to: access)
        let follower = try Follower([directory.path])
        defer { follower.stop() }
        #expect(follower.errors.contains { $0.hasPrefix("authlog: following 1 file: ") && $0.hasSuffix("/nginx/access.log") })
        try append(Self.line(user: "sub1"), to: access)
        #expect(follower.waitUntil { users($0.lines) == ["sub1"] })
        // A subdirectory made later is found too.
        let apache = directory.appendingPathComponent("apache2/vhosts")
        try FileManager.default.createDirectory(at: apache, withIntermediateDirectories: true)
        try append(Self.line(user: "sub2"), to: apache.appendingPathComponent("access.log"))
        #expect(follower.waitUntil { users($0.lines) == ["sub1", "sub2"] })
    }

    // Trust item 7
    @Test func followDirectoryWithNothingToFollowSaysSo() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("not a log".utf8).write(to: directory.appendingPathComponent("notes.txt"))
        let follower = try Follower([directory.path])
        follower.stop()
        #expect(follower.errors.contains { $0.contains("\(directory.path): no log files in it or its subdirectories") })
    }

    // Trust item 7: logrotate's postrotate sends SIGHUP; it used to end follow with 129.
    @Test func sighupPrintsTheOverviewAndFollowingGoesOn() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("access.log")
        try append(Self.line(user: "h1"), to: log)
        let follower = try Follower(["--from-start", log.path])
        defer { follower.stop() }
        #expect(follower.waitUntil { users($0.lines) == ["h1"] })
        kill(follower.process.processIdentifier, SIGHUP)
        #expect(follower.waitUntil { $0.lines.contains { $0.contains("\"type\":\"summary\",\"final\":false,\"total\":1") } })
        try append(Self.line(user: "h2"), to: log)
        #expect(follower.waitUntil { users($0.lines) == ["h1", "h2"] })
        follower.stop(SIGTERM)
        #expect(follower.process.terminationStatus == 0)
    }
}
