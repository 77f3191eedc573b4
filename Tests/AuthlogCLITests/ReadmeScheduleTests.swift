import Foundation
import Testing

/// The README's crontab line and systemd units are what admins copy: they are run here as
/// written, with temporary directories in place of /var/... .
@Suite(.serialized) struct ReadmeScheduleTests {
    let cli = CommandLineTests()

    static let readme: String = (try? String(contentsOf: CommandLineTests.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""

    /// The fenced block that starts with `# <path>` in the README.
    static func block(startingWith firstLine: String) -> String? {
        guard let start = readme.range(of: firstLine + "\n") else { return nil }
        guard let end = readme.range(of: "\n```", range: start.upperBound..<readme.endIndex) else { return nil }
        return String(readme[start.lowerBound..<end.lowerBound])
    }

    struct Sandbox {
        let root: URL
        var replacements: [(String, String)] {
            [("/var/lib/authlog", root.appendingPathComponent("lib").path),
             ("/var/log/nginx", root.appendingPathComponent("nginx").path),
             ("/var/log/apache2", root.appendingPathComponent("apache2").path),
             ("/var/www/reports", root.appendingPathComponent("reports").path),
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

    @Test func cronLineReportsOnlyNewFailuresTheSecondTime() throws {
        let block = try #require(Self.block(startingWith: "# /etc/cron.d/authlog"), "cron block missing from README")
        let line = try #require(block.split(separator: "\n").first { $0.hasPrefix("15 6 * * * root ") })
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

    @Test func systemdServiceRunsAsWrittenAndUnitsVerify() throws {
        let service = try #require(Self.block(startingWith: "# /etc/systemd/system/authlog-summary.service"))
        let timer = try #require(Self.block(startingWith: "# /etc/systemd/system/authlog-summary.timer"))
        let sandbox = try Sandbox()
        defer { try? FileManager.default.removeItem(at: sandbox.root) }

        let execStart = try #require(service.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        let arguments = sandbox.substitute(String(execStart.dropFirst("ExecStart=".count))).split(separator: " ").map(String.init)
        #expect(arguments.first == CommandLineTests.executable.path)
        try sandbox.append(0..<60)
        let run = try cli.run(Array(arguments.dropFirst()))
        #expect(run.status == 0, "\(run.stderr)")
        let page = try String(contentsOf: sandbox.root.appendingPathComponent("reports/auth.html"), encoding: .utf8)
        #expect(page.contains("<svg"))
        // Nothing new: --quiet-if-empty leaves the page as it was and prints nothing.
        let again = try cli.run(Array(arguments.dropFirst()))
        #expect(again.status == 0)
        #expect(again.stdout.isEmpty)

        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") else { return }
        let units = sandbox.root.appendingPathComponent("units")
        try FileManager.default.createDirectory(at: units, withIntermediateDirectories: true)
        try sandbox.substitute(service).write(to: units.appendingPathComponent("authlog-summary.service"), atomically: true, encoding: .utf8)
        try timer.write(to: units.appendingPathComponent("authlog-summary.timer"), atomically: true, encoding: .utf8)
        let verify = Process()
        verify.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        verify.arguments = ["verify", "--man=no", units.appendingPathComponent("authlog-summary.timer").path,
                            units.appendingPathComponent("authlog-summary.service").path]
        let errors = Pipe()
        verify.standardError = errors
        verify.standardOutput = FileHandle.nullDevice
        try verify.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        verify.waitUntilExit()
        #expect(verify.terminationStatus == 0, "systemd-analyze verify: \(message)")
    }
}
