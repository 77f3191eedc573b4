import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `authlog summary` as cron runs it: a state file, logs that grow and rotate between runs,
/// and after each run exactly the failures written since the previous one.
@Suite(.serialized) struct SummaryTests {
    let cli = CommandLineTests()

    /// Line `index` of a synthetic access log; every third line is a 401 from its own client.
    static func line(_ index: Int) -> String {
        let status = index % 3 == 0 ? 401 : 200
        return "203.0.\(index / 250 % 250).\(index % 250) - u\(index % 5) [20/Nov/2026:\(String(format: "%02d:%02d:%02d", index / 3600 % 24, index / 60 % 60, index % 60)) +0000] \"GET /admin/\(index % 7) HTTP/1.1\" \(status) 179 \"-\" \"test\"\n"
    }

    static func lines(_ range: Range<Int>) -> String { range.map(line).joined() }
    static func failures(_ range: Range<Int>) -> Int { range.filter { $0 % 3 == 0 }.count }

    func append(_ text: String, to url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    func shell(_ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(command)")
    }

    /// A fresh temporary directory with a `logs` folder in it, removed by the caller.
    func sandbox() throws -> (root: URL, logs: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("authlog-summary-\(UUID().uuidString)")
        let logs = root.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        return (root, logs)
    }

    /// Runs `summary --state … --output json` and returns events.total.
    func summaryTotal(_ state: URL, _ logs: URL, extra: [String] = []) throws -> Int {
        let result = try cli.run(["summary", "--state", state.path, "--output", "json"] + extra + [logs.path])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let events = try #require(document["events"] as? [String: Any])
        return try #require(events["total"] as? Int)
    }

    @Test func eachRunReportsExactlyWhatWasWrittenSinceThePreviousOne() throws {
        let (root, logs) = try sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let state = root.appendingPathComponent("state.json")
        let log = logs.appendingPathComponent("access.log")

        // Run 1: a first log; a missing state means everything is new.
        try append(Self.lines(0..<300), to: log)
        #expect(try summaryTotal(state, logs) == Self.failures(0..<300))

        // Run 2: appended lines, plus an unfinished last line that must wait for its newline.
        try append(Self.lines(300..<450), to: log)
        let partial = Self.line(450)
        try append(String(partial.dropLast(30)), to: log)
        #expect(try summaryTotal(state, logs) == Self.failures(300..<450))
        try append(String(partial.suffix(30)), to: log)

        // Run 3: rename rotation; the server wrote a few more lines to the renamed file
        // before reopening, and a new access.log was started.
        try FileManager.default.moveItem(at: log, to: logs.appendingPathComponent("access.log.1"))
        try append(Self.lines(451..<480), to: logs.appendingPathComponent("access.log.1"))
        try append(Self.lines(480..<600), to: log)
        #expect(try summaryTotal(state, logs) == Self.failures(450..<600))

        // Run 4: the next rotation compresses .1 to .2.gz and renames the current log to .1.
        try shell("cd '\(logs.path)' && mv access.log.1 access.log.2 && gzip -n access.log.2 && mv access.log access.log.1")
        try append(Self.lines(600..<690), to: log)
        #expect(try summaryTotal(state, logs) == Self.failures(600..<690))

        // An archive read to its end is not decompressed again while its size and time are
        // unchanged: damage it in place (same size, same mtime) and the next runs do not notice.
        let archive = logs.appendingPathComponent("access.log.2.gz")
        let attributes = try FileManager.default.attributesOfItem(atPath: archive.path)
        var bytes = [UInt8](try Data(contentsOf: archive))
        for index in (bytes.count / 3)..<(bytes.count / 3 + 16) { bytes[index] ^= 0xFF }
        let handle = try FileHandle(forWritingTo: archive)
        try handle.write(contentsOf: Data(bytes))
        try handle.close()
        try FileManager.default.setAttributes([.modificationDate: attributes[.modificationDate]!], ofItemAtPath: archive.path)

        // Run 5: copytruncate: the log is copied to .1 (after two more lines) and truncated.
        try append(Self.lines(690..<692), to: log)
        try shell("cd '\(logs.path)' && rm access.log.1 && cp access.log access.log.1 && : > access.log")
        try append(Self.lines(692..<750), to: log)
        #expect(try summaryTotal(state, logs) == Self.failures(690..<750))

        // Run 6: nothing new.
        #expect(try summaryTotal(state, logs) == 0)
    }

    @Test func aKilledRunChangesNothingAndTheNextRunReportsTheSame() throws {
        let (root, logs) = try sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let state = root.appendingPathComponent("state.json")
        let log = logs.appendingPathComponent("access.log")
        try append(Self.lines(0..<100), to: log)
        _ = try summaryTotal(state, logs)
        let savedState = try Data(contentsOf: state)

        // Enough new lines that the run takes a while, then SIGKILL it mid-way.
        let block = Self.lines(100..<20_100)
        for _ in 0..<40 { try append(block, to: log) }
        let expected = Self.failures(100..<20_100) * 40
        let process = Process()
        process.executableURL = CommandLineTests.executable
        process.arguments = ["summary", "--state", state.path, "--output", "json", "-j", "1", logs.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(150_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the run finished before it could be killed")
        #expect(try Data(contentsOf: state) == savedState)
        #expect(try summaryTotal(state, logs) == expected)
    }

    @Test func htmlIsOneWellFormedPageWithChartsAndNoLogMarkup() throws {
        let (root, _) = try sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let log = root.appendingPathComponent("access.log")
        var text = Self.lines(0..<500)
        text += "203.0.113.66 - <b>x</b> [20/Nov/2026:06:00:00 +0000] \"GET /<script>alert(1)</script> HTTP/1.1\" 401 1 \"-\" \"-\"\n"
        text += "203.0.113.67 - - [20/Nov/2026:07:00:00 +0000] \"GET /x\\\"><img src=x onerror=alert(1)> HTTP/1.1\" 403 1 \"-\" \"-\"\n"
        try append(text, to: log)
        let page = root.appendingPathComponent("report.html")
        let result = try cli.run(["summary", "--output", "html", "--output-file", page.path, log.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>"))
        #expect(html.contains("/&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.components(separatedBy: "<svg").count - 1 >= 3, "timeline, clients and paths charts")
        #expect(!html.contains("http://") && !html.contains("https://"), "nothing loaded from elsewhere")
        // Strictly well-formed: parse the page as XML (the DOCTYPE aside).
        let body = Data(html.replacingOccurrences(of: "<!DOCTYPE html>", with: "").utf8)
        let parser = XMLParser(data: body)
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "") at line \(parser.lineNumber)")
    }

    /// Findings are in every summary output, and their log text is escaped for each.
    @Test func findingsAppearInEveryOutputEscaped() throws {
        let (root, _) = try sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let log = root.appendingPathComponent("nginx-access.log")
        let guesses = (0..<25).map { index in
            "192.0.2.10 - <b>x</b> [21/Nov/2026:01:00:\(String(format: "%02d", index)) +0000] \"GET /admin/ HTTP/1.1\" 401 179 \"-\" \"Hydra\"\n"
        }.joined()
        try append(guesses, to: log)
        let text = try cli.run(["summary", "--output", "text", log.path])
        #expect(text.stdout.contains("brute-force") && text.stdout.contains("192.0.2.10"), "\(text.stdout)")
        let markdown = try cli.run(["summary", "--output", "markdown", log.path])
        #expect(markdown.stdout.contains("## Findings") && markdown.stdout.contains("**brute-force**"))
        #expect(!markdown.stdout.contains("<b>"), "log text is escaped in Markdown")
        let json = try cli.run(["summary", "--output", "json", log.path])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let findings = try #require(document["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["kind"] as? String == "brute-force" && $0["key"] as? String == "192.0.2.10" })
        let page = root.appendingPathComponent("report.html")
        #expect(try cli.run(["summary", "--output", "html", "--output-file", page.path, log.path]).status == 0)
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.contains("<h2>Findings</h2>") && html.contains("brute-force"))
        #expect(html.contains("&lt;b&gt;x&lt;/b&gt;") && !html.contains("<b>x"))
        let parser = XMLParser(data: Data(html.replacingOccurrences(of: "<!DOCTYPE html>", with: "").utf8))
        #expect(parser.parse())
    }

    @Test func failOnExitsThreeAndQuietIfEmptyPrintsNothing() throws {
        let (root, _) = try sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let log = root.appendingPathComponent("access.log")
        try append(Self.lines(0..<300), to: log)
        let crossed = try cli.run(["summary", "--fail-on", "total>=50", log.path])
        #expect(crossed.status == 3)
        #expect(crossed.stderr.contains("threshold reached: total 100 (total>=50)"))
        #expect(!crossed.stdout.isEmpty)
        #expect(try cli.run(["summary", "--fail-on", "ip>=2", log.path]).status == 0)  // one failure per client
        #expect(try cli.run(["summary", "--fail-on", "bogus>=1", log.path]).status == 2)
        let empty = try cli.run(["summary", "--quiet-if-empty", "--since", "2030-01-01", log.path])
        #expect(empty.status == 0)
        #expect(empty.stdout.isEmpty)
        let window = try cli.run(["summary", "--output", "json", "--since", "2026-11-20T00:01:00", "--until", "2026-11-20T00:02:00", log.path])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(window.stdout.utf8)) as? [String: Any])
        #expect((document["events"] as? [String: Any])?["total"] as? Int == Self.failures(60..<120))
        #expect((document["window"] as? [String: Any])?["start"] as? String == "2026-11-20T00:01:00Z")
    }

    @Test func corruptStateIsReportedAndEverythingIsRead() throws {
        let (root, _) = try sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let log = root.appendingPathComponent("access.log")
        try append(Self.lines(0..<90), to: log)
        let state = root.appendingPathComponent("state.json")
        try "{ not json".write(to: state, atomically: true, encoding: .utf8)
        let result = try cli.run(["summary", "--state", state.path, "--output", "json", log.path])
        #expect(result.status == 0)
        #expect(result.stderr.contains("state.json: not a valid state file"))
        #expect(result.stdout.contains("\"total\": 30"))
        #expect(try String(contentsOf: state, encoding: .utf8).contains("authlog.state/1"))
    }
}
