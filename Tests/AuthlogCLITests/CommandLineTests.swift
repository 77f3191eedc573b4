import Foundation
import Testing

/// The `authlog` executable, run as a separate process the way admins and scripts run it.
@Suite struct CommandLineTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary sits next to the test bundle in the build directory.
    static let executable: URL = {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("authlog")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return repositoryRoot.appendingPathComponent(".build/debug/authlog")
    }()

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.currentDirectoryURL = Self.repositoryRoot
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = "UTC"
        env.removeValue(forKey: "NO_COLOR")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                   stderr: String(decoding: stderrData, as: UTF8.self))
    }

    let failure401 = "203.0.113.9 - admin [20/Nov/2026:06:25:14 +0000] \"GET /admin/?a=1 HTTP/1.1\" 401 179 \"-\" \"curl/8\"\n"

    @Test func helpDocumentsExitStatusesAndExitsZero() throws {
        let result = try run(["scan", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("EXIT STATUS"))
        #expect(result.stdout.contains("--output"))
    }

    @Test func usageErrorsExitTwo() throws {
        let result = try run(["scan", "--no-such-option", "samples"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("no-such-option"))
        #expect(try run(["scan", "--output", "xml", "samples"]).status == 2)
        #expect(try run(["scan", "--log-format", "nope", "samples"]).status == 2)
    }

    /// `--output` takes the registered writers that can write the command's document: a
    /// format of another command is a usage error naming the ones this command has, and
    /// `--help` lists the same values.
    @Test func eachCommandOffersTheWritersOfItsDocument() throws {
        let cases: [(command: String, foreign: String, values: String)] = [
            ("scan", "markdown", "'text', 'html', 'json', 'ndjson' or 'bans'"),
            ("summary", "ndjson", "'text', 'markdown', 'html', 'json' or 'bans'"),
            ("follow", "json", "'text' and 'ndjson'"),
        ]
        for (command, foreign, values) in cases {
            let refused = try run([command, "-o", foreign, "samples"])
            #expect(refused.status == 2, "\(command) -o \(foreign)")
            #expect(refused.stderr.contains("The value '\(foreign)' is invalid for '-o <output>'. Please provide one of \(values)."),
                    "\(refused.stderr)")
            let help = try run([command, "--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(help.contains("(values: \(values.replacingOccurrences(of: "'", with: "").replacingOccurrences(of: " or ", with: ", ").replacingOccurrences(of: " and ", with: ", ")); default: text)"),
                    "\(command) --help")
        }
    }

    @Test func samplesScanAnswersAtAGlance() throws {
        let result = try run(["scan", "samples"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        #expect(result.stdout.contains("failed requests ("))
        #expect(result.stdout.contains("Who: top clients"))
        // Why and what now, without reading a log line: findings with advice, causes, layers.
        #expect(result.stdout.contains("Findings"))
        #expect(result.stdout.contains("brute-force                   192.0.2.10"))
        #expect(result.stdout.contains("→ Block 192.0.2.10"))
        #expect(result.stdout.contains("Which layer refused"))
        #expect(!result.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
    }

    @Test func findingThresholdsAndNoRequestsAreFlags() throws {
        let scene = "samples/findings/brute-force"
        let findings = try run(["scan", "--output", "ndjson", scene]).stdout.split(separator: "\n").filter { $0.contains("\"type\":\"finding\"") }
        // The scene's basic-auth guesser and its wp-login one (login-failed), both brute force.
        #expect(findings.count == 2 && findings.allSatisfy { $0.contains("\"kind\":\"brute-force\"") })
        // 25 wrong passwords: reported at the default of 20, not at 30.
        let raised = try run(["scan", "--output", "ndjson", "--brute-force", "30", scene])
        #expect(raised.status == 0 && !raised.stdout.contains("\"type\":\"finding\""))
        let linesOnly = try run(["scan", "--output", "json", "--no-requests", scene])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(linesOnly.stdout.utf8)) as? [String: Any])
        #expect(document["requests"] == nil && document["findings"] == nil && document["events"] != nil)
        #expect(try run(["scan", "--brute-force", "0", scene]).status == 2, "a threshold of 0 is a usage error")
    }

    @Test func standardInputAndNDJSON() throws {
        let result = try run(["scan", "--output", "ndjson", "-"], stdin: failure401 + failure401)
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let event = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(event["file"] as? String == "-")
        #expect(event["line"] as? Int == 2)
        #expect(event["path"] as? String == "/admin/")
        #expect(event["user"] as? String == "admin")
        #expect(event["cause"] as? String == "http-401")
    }

    @Test func withoutPathsAPipeIsRead() throws {
        let result = try run(["scan", "-o", "json"], stdin: failure401)
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"total\": 1"))
    }

    @Test func aMissingFileIsOneErrorLineAndExitOneWhileTheRestIsScanned() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("authlog-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("access.log")
        try failure401.write(to: good, atomically: true, encoding: .utf8)
        let missing = directory.appendingPathComponent("gone.log").path
        let result = try run(["scan", "-o", "json", missing, good.path])
        #expect(result.status == 1)
        #expect(result.stderr == "authlog: error: \(missing): No such file or directory\n")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((report["events"] as? [String: Any])?["total"] as? Int == 1)
    }

    @Test func aBrokenPatternFileStopsTheScanWithFileLineAndOffset() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("authlog-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "[format]\nname = nginx-error\n\n[rule x]\ncause = unknown-user\nregex = a(b\n"
            .write(to: directory.appendingPathComponent("mine.conf"), atomically: true, encoding: .utf8)
        let result = try run(["scan", "--patterns", directory.path, "samples"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("mine.conf:6: rule 'x' regex does not compile: missing closing parenthesis at offset 3"), "\(result.stderr)")
    }

    @Test func colourIsOptInAndEscapesStayInert() throws {
        let hostile = "203.0.113.9 - - [20/Nov/2026:06:25:14 +0000] \"GET /\u{1B}[2J\u{1B}]0;x\u{07} HTTP/1.1\" 401 1 \"-\" \"x\"\n"
        let plain = try run(["scan", "-"], stdin: hostile)
        #expect(!plain.stdout.contains("\u{1B}"))
        #expect(plain.stdout.contains("/\\x1b[2J\\x1b]0;x\\x07"))
        let coloured = try run(["scan", "--color", "always", "-"], stdin: hostile)
        #expect(coloured.stdout.contains("\u{1B}[1m"))
        #expect(!coloured.stdout.contains("\u{1B}[2J"))
    }

    @Test func patternsCommandListsRules() throws {
        let result = try run(["patterns"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("nginx-error"))
        #expect(result.stdout.contains("basic-user-not-found  → unknown-user (401)"))
    }
}
