import AuthLogKit
import Foundation

/// The input is a `--state` file. It is read as `authlog summary --state FILE LOGS…` reads
/// it, and everything the summary does with what it read runs too: the saved offsets choose
/// where the logs are read from, the previous run's figures are compared with this run's in
/// every output format, and the next state is written.
///
/// The logs are fixed (`StateLogs`): the script seeds the corpus with a state that
/// `authlog summary --state` wrote for the same content, so that its fingerprints match and
/// its offsets are used.
final class SummaryStateTarget: FuzzTarget {
    let patterns: CompiledPatterns
    let directory: String
    let logs: [String]
    let diagnostics = DiscardedDiagnostics()
    var options = ScanOptions()

    init(patterns: CompiledPatterns) {
        self.patterns = patterns
        var template = Array((NSTemporaryDirectory() + "/authlog-fuzz-state.XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { fatalError("cannot make a temporary directory") }
        directory = String(cString: made)
        do {
            logs = try StateLogs.write(into: directory)
        } catch {
            fatalError("cannot write the logs: \(error)")
        }
        options.threads = 1
        options.timeZone = FuzzLineScan.timeZone
        options.now = FuzzLineScan.now
    }

    func run(_ data: UnsafeRawBufferPointer) {
        let statePath = directory + "/state.json"
        guard FileManager.default.createFile(atPath: statePath, contents: Data(data)) else {
            fatalError("cannot write \(statePath)")
        }
        let saved: SummaryState
        switch SummaryState.load(statePath) {
        case .loaded(let loaded): saved = loaded
        case .missing: fatalError("\(statePath) vanished")
        case .unusable(let why):
            precondition(!why.isEmpty)
            return
        }
        let nowSeconds = Int64(FuzzLineScan.now.timeIntervalSince1970)
        let session = ScanSession(patterns: patterns, options: options, diagnostics: diagnostics)
        let plan = IncrementalPlanner.plan(arguments: logs, filter: options.pathFilter, state: saved)
        let report = session.run(inputs: plan.inputs, unscanned: plan.unscanned)
        // As SummaryCommand: the window starts at the previous run's time.
        let windowStart = try? TimeExpression.parse(saved.generatedAt, now: FuzzLineScan.now, zone: FuzzLineScan.timeZone)
        let document = SummaryDocument(
            report: report, windowStart: windowStart, windowEnd: nowSeconds,
            windowDescription: "new since the previous run at \(saved.generatedAt)",
            previous: saved.previous, top: 10, generatedAt: nowSeconds)
        _ = SummaryText.render(document, flavor: .text)
        _ = SummaryText.render(document, flavor: .markdown)
        _ = SummaryHTML.render(document)
        _ = SummaryJSON.render(document, generator: "authlog-fuzz")
        let next = SummaryState(generatedAt: CivilTime.iso8601(nowSeconds),
                                checkpoints: IncrementalPlanner.checkpoints(after: plan, report: report),
                                previous: document.asPrevious)
        do {
            try next.save(to: directory + "/next.json")
        } catch {
            fatalError("cannot save the next state: \(error.message)")
        }
    }
}

final class DiscardedDiagnostics: ScanDiagnostics {
    func warning(_ message: String) {}
    func error(_ message: String) {}
}

/// The logs the summary-state target reads: an nginx access log and its error log, with
/// refused requests, their explanations and a success.
enum StateLogs {
    static let files: [(name: String, text: String)] = [
        ("access.log", """
            203.0.113.7 - admin [20/Nov/2026:06:25:14 +0000] "GET /admin/ HTTP/1.1" 401 179 "-" "curl/8.5.0"
            203.0.113.8 - - [20/Nov/2026:06:25:15 +0000] "GET /status/ HTTP/1.1" 401 581 "-" "Mozilla/5.0"
            198.51.100.23 - healthcheck [20/Nov/2026:06:26:00 +0000] "GET /status/health?full=1 HTTP/1.1" 401 179 "-" "Prometheus/2.53.0"
            203.0.113.9 - - [20/Nov/2026:06:28:00 +0000] "GET /.env HTTP/1.1" 403 153 "-" "Mozilla/5.0 zgrab/0.x"
            203.0.113.7 - admin [20/Nov/2026:06:29:14 +0000] "GET /admin/ HTTP/1.1" 200 912 "-" "curl/8.5.0"

            """),
        ("error.log", """
            2026/11/20 06:25:14 [error] 1198#1198: *230183 user "admin" was not found in "/etc/nginx/.htpasswd", client: 203.0.113.7, server: example.com, request: "GET /admin/ HTTP/1.1", host: "example.com"
            2026/11/20 06:26:00 [error] 1199#1199: *230201 user "healthcheck": password mismatch, client: 198.51.100.23, server: example.com, request: "GET /status/health?full=1 HTTP/1.1", host: "example.com"
            2026/11/20 06:28:00 [error] 1199#1199: *230220 access forbidden by rule, client: 203.0.113.9, server: example.com, request: "GET /.env HTTP/1.1", host: "example.com"

            """),
    ]

    /// Writes the logs into `directory`; returns their paths.
    static func write(into directory: String) throws -> [String] {
        try files.map { file in
            let path = directory + "/" + file.name
            try Data(file.text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
    }
}
