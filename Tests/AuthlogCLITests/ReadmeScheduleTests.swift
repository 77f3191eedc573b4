import Foundation
import Testing

/// The shipped crontab and systemd units (contrib/, installed by scripts/install and the .deb,
/// pointed at by the README) are what admins run: their commands are run here as written,
/// with temporary directories in place of /var/... .
@Suite(.serialized) struct ReadmeScheduleTests {
    let cli = CommandLineTests()

    static func contrib(_ path: String) throws -> String {
        try String(contentsOf: CommandLineTests.repositoryRoot.appendingPathComponent("contrib/" + path), encoding: .utf8)
    }

    static let readme: String = (try? String(contentsOf: CommandLineTests.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""

    struct Sandbox {
        let root: URL
        var replacements: [(String, String)] {
            [("/var/lib/authlog", root.appendingPathComponent("lib").path),
             ("/var/log/authlog", root.appendingPathComponent("reports").path),
             ("/var/log/nginx", root.appendingPathComponent("nginx").path),
             ("/var/log/apache2", root.appendingPathComponent("apache2").path),
             ("/usr/local/bin/authlog", CommandLineTests.executable.path)]
        }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("authlog-readme-\(UUID().uuidString)")
            for directory in ["lib", "nginx", "apache2", "reports"] {
                try FileManager.default.createDirectory(at: root.appendingPathComponent(directory), withIntermediateDirectories: true)
            }
        }

        func substitute(_ text: String) -> String {
            replacements.reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
        }

        func append(_ range: Range<Int>) throws {
            let url = root.appendingPathComponent("nginx/access.log")
            if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
            let handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(SummaryTests.lines(range).utf8))
            try handle.close()
        }
    }

    /// The arguments of a unit's `ExecStart=` line, in the sandbox.
    static func execStart(of unit: String, in sandbox: Sandbox) throws -> [String] {
        let line = try #require(unit.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        return sandbox.substitute(String(line.dropFirst("ExecStart=".count))).split(separator: " ").map(String.init)
    }

    @Test func cronLineReportsOnlyNewFailuresTheSecondTime() throws {
        let crontab = try Self.contrib("cron.d/authlog")
        let line = try #require(crontab.split(separator: "\n").first { $0.hasPrefix("15 6 * * * root ") })
        // cron's PATH must reach the binary wherever scripts/install put it.
        #expect(crontab.contains("PATH=/usr/local/bin:/usr/bin:/bin"))
        // The command cron runs, up to the pipe into mail(1).
        let command = String(line.dropFirst("15 6 * * * root ".count).split(separator: "|")[0]).trimmingCharacters(in: .whitespaces)
        let sandbox = try Sandbox()
        defer { try? FileManager.default.removeItem(at: sandbox.root) }
        let arguments = sandbox.substitute(command).split(separator: " ").map(String.init)
        #expect(arguments.first == "authlog")

        try sandbox.append(0..<120)
        let first = try cli.run(Array(arguments.dropFirst()))
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("**40** failed requests (40 log lines)"), "\(first.stdout.prefix(300))")
        try sandbox.append(120..<150)
        let second = try cli.run(Array(arguments.dropFirst()))
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("**10** failed requests (10 log lines)"), "\(second.stdout.prefix(300))")
        #expect(second.stdout.contains("vs the previous run (40)"))
    }

    // Packaging item 3: the units were text in the README; they are files now, and the README
    // points at them instead of carrying a copy that could drift.
    @Test func readmePointsAtTheShippedUnitFiles() {
        for file in ["contrib/systemd/authlog-summary.service", "contrib/systemd/authlog-summary.timer",
                     "contrib/systemd/authlog-follow.service", "contrib/cron.d/authlog", "contrib/logrotate.d/authlog"] {
            #expect(Self.readme.contains(file), "README does not mention \(file)")
            #expect(FileManager.default.fileExists(atPath: CommandLineTests.repositoryRoot.appendingPathComponent(file).path))
        }
        #expect(!Self.readme.contains("ExecStart="), "README still carries a copy of a unit")
    }

    @Test func systemdServiceRunsAsWrittenAndUnitsVerify() throws {
        let service = try Self.contrib("systemd/authlog-summary.service")
        let timer = try Self.contrib("systemd/authlog-summary.timer")
        let sandbox = try Sandbox()
        defer { try? FileManager.default.removeItem(at: sandbox.root) }

        let arguments = try Self.execStart(of: service, in: sandbox)
        #expect(arguments.first == CommandLineTests.executable.path)
        try sandbox.append(0..<60)
        let run = try cli.run(Array(arguments.dropFirst()))
        #expect(run.status == 0, "\(run.stderr)")
        // The report goes to the directory LogsDirectory= gives the service, which the
        // logrotate snippet keeps a month of.
        let page = try String(contentsOf: sandbox.root.appendingPathComponent("reports/summary.html"), encoding: .utf8)
        #expect(page.contains("<svg"))
        #expect(try Self.contrib("logrotate.d/authlog").contains("/var/log/authlog/summary.html {"))
        // Nothing new: --quiet-if-empty leaves the page as it was and prints nothing.
        let again = try cli.run(Array(arguments.dropFirst()))
        #expect(again.status == 0)
        #expect(again.stdout.isEmpty)

        try verify([("authlog-summary.service", sandbox.substitute(service)), ("authlog-summary.timer", timer)], in: sandbox)
    }

    @Test func followServiceStartsAsWrittenAndVerifies() throws {
        let service = try Self.contrib("systemd/authlog-follow.service")
        let sandbox = try Sandbox()
        defer { try? FileManager.default.removeItem(at: sandbox.root) }
        let arguments = try Self.execStart(of: service, in: sandbox)
        #expect(arguments.first == CommandLineTests.executable.path)
        #expect(Array(arguments.dropFirst().prefix(1)) == ["follow"])
        // 25 refusals of one address within a second: the unit's ip>=20/5m alert fires once...
        let log = sandbox.root.appendingPathComponent("nginx/access.log")
        try String(repeating: FollowTests.line(user: "admin", ip: "198.51.100.20"), count: 25)
            .write(to: log, atomically: true, encoding: .utf8)
        let follower = try Follower(["--from-start"] + arguments.dropFirst(2))
        let lines = follower.waitFor(27)
        follower.stop()
        #expect(lines.filter { $0.contains("\"cause\":\"http-401\"") }.count == 25, "\(lines.prefix(3))")
        let alerts = lines.filter { $0.hasPrefix("{\"type\":\"alert\"") }
        // ... and so does user>=10/10m for the name it tries, each once.
        #expect(alerts.count == 2, "\(alerts)")
        #expect(alerts.contains { $0.contains("\"key_type\":\"ip\",\"key\":\"198.51.100.20\"") }, "\(alerts)")
        #expect(alerts.contains { $0.contains("\"key_type\":\"user\",\"key\":\"admin\"") }, "\(alerts)")
        try verify([("authlog-follow.service", sandbox.substitute(service))], in: sandbox)
    }

    func verify(_ units: [(String, String)], in sandbox: Sandbox) throws {
        #expect(ExternalTool.exists("/usr/bin/systemd-analyze"), "systemd-analyze missing: apt-get install systemd")
        let directory = sandbox.root.appendingPathComponent("units")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in units {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let verify = try ExternalTool.run("/usr/bin/systemd-analyze",
                                          ["verify", "--man=no"] + units.map { directory.appendingPathComponent($0.0).path })
        #expect(verify.status == 0, "systemd-analyze verify: \(verify.stderr)")
    }
}
