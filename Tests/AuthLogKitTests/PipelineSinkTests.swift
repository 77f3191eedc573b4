import Foundation
import Testing
@testable import AuthLogKit

/// The line pipeline with sinks other than the scan's: what it hands a sink is exactly what
/// the scan reports, and new-failure's second read needs no scan of its own.
@Suite struct PipelineSinkTests {
    /// Keeps everything it is handed.
    struct RecordingSink: EventSink {
        var events: [AuthEvent] = []
        var attempts: [RequestAttempt] = []
        var endedAfter: Int?
        mutating func record(_ event: AuthEvent) { events.append(event) }
        var wantsAttempts: Bool { true }
        mutating func attempt(_ attempt: RequestAttempt) { attempts.append(attempt) }
        mutating func taskEnded(lines: Int) { endedAfter = lines }
    }

    final class Finished: @unchecked Sendable {
        let lock = NSLock()
        var sinks: [Int: RecordingSink] = [:]
        func add(_ sink: RecordingSink, task: Int) {
            lock.lock()
            sinks[task] = sink
            lock.unlock()
        }
    }

    /// An access log of `count` lines: every third a failure, every fifth a WordPress
    /// login that worked (302, kept by a `cause = none` rule; a 200 is a failure now,
    /// login-failed), the rest served.
    func accessLog(lines count: Int) -> String {
        (1...count).map { index -> String in
            let ip = "198.51.100.\(index % 250)"
            if index % 3 == 0 {
                return "\(ip) - user\(index % 7) [20/Nov/2026:06:\(index % 60 < 10 ? "0" : "")\(index % 60):14 +0000] \"GET /admin/ HTTP/1.1\" 401 179 \"-\" \"curl/8\"\n"
            }
            if index % 5 == 0 {
                return "\(ip) - - [20/Nov/2026:06:30:09 +0000] \"POST /wp-login.php HTTP/1.1\" 302 0 \"-\" \"Mozilla/5.0\"\n"
            }
            return "\(ip) - - [20/Nov/2026:06:30:10 +0000] \"GET /index.html HTTP/1.1\" 200 512 \"-\" \"Mozilla/5.0\"\n"
        }.joined()
    }

    func options() -> ScanOptions {
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        options.now = SampleVerifier.sampleNow
        options.threads = 2
        options.chunkSize = 4096
        return options
    }

    @Test func aCustomSinkReceivesExactlyTheScansEventsInOrder() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = directory.appendingPathComponent("access.log")
        let second = directory.appendingPathComponent("other.log")
        try Data(accessLog(lines: 3000).utf8).write(to: first)
        try Data(accessLog(lines: 700).utf8).write(to: second)
        let inputs = [first, second].map { LogInput(path: $0.path, isExplicit: true) }

        var scanned: [AuthEvent] = []
        let report = ScanSession(patterns: builtinPatterns, options: options(), diagnostics: nil)
            .run(inputs: inputs) { scanned.append($0) }
        #expect(scanned.count == 1000 + 233)
        #expect(report.files.map(\.lines) == [3000, 700])

        let plan = ScanPlan(inputs, planner: ScanPlanner(patterns: builtinPatterns, options: options()))
        #expect(plan.tasks.count > 10)  // chunks of both files, run on two workers
        let finished = Finished()
        let positions = LinePositions(tasks: plan.tasks)
        TaskRunner(patterns: builtinPatterns, options: options()).run(plan, makeSink: { _ in RecordingSink() },
                                                                        taskEnded: { task, outcome, sink in
            positions.finish(task: task, lines: outcome.stats?.lines ?? 0)
            finished.add(sink, task: task)
        })
        var received: [AuthEvent] = []
        var attempts = 0
        for task in plan.tasks.indices {
            let sink = try #require(finished.sinks[task])
            #expect(sink.endedAfter != nil)
            attempts += sink.attempts.count
            received += sink.events.map { event in
                var event = event
                event.line = positions.absolute(event.line, task: task)
                return event
            }
        }
        #expect(received == scanned)
        #expect(attempts == 3000 / 5 - 3000 / 15 + 700 / 5 - 700 / 15)
    }

    @Test func linePositionsAreKnownOnceEveryEarlierChunkOfTheInputHasEnded() {
        // Tasks 0–2 are chunks of input 0, task 3 is input 1.
        let positions = LinePositions(inputOfTask: [0, 0, 0, 1])
        #expect(positions.offset(of: 0) == 0)
        #expect(positions.offset(of: 3) == 0)
        positions.finish(task: 1, lines: 20)
        #expect(positions.offset(of: 2) == nil)  // task 0's lines are not known yet
        positions.finish(task: 0, lines: 10)
        #expect(positions.offset(of: 1) == 10)
        #expect(positions.offset(of: 2) == 30)
        #expect(positions.absolute(5, task: 2) == 35)
    }

    @Test func newFailuresSecondReadFindsServedTimesThroughThePipelineAlone() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("access.log")
        var text = accessLog(lines: 400)
        // Served twice, and once only named in a referer (which does not count).
        text += "203.0.113.5 - - [21/Nov/2026:08:00:00 +0000] \"GET /intranet/ HTTP/1.1\" 200 512 \"-\" \"Mozilla/5.0\"\n"
        text += "203.0.113.5 - - [21/Nov/2026:08:00:00 +0000] \"GET /index.html HTTP/1.1\" 200 512 \"https://x/intranet/\" \"M\"\n"
        text += accessLog(lines: 400)
        text += "203.0.113.6 - - [21/Nov/2026:09:00:00 +0000] \"GET /intranet/ HTTP/1.1\" 304 0 \"-\" \"Mozilla/5.0\"\n"
        text += "203.0.113.6 - - [21/Nov/2026:09:00:01 +0000] \"GET /intranet/ HTTP/1.1\" 401 0 \"-\" \"Mozilla/5.0\"\n"
        try Data(text.utf8).write(to: log)
        var strings = StringInterner()
        let intranet = strings.id("/intranet/")
        var stats = FileStats(path: log.path, format: "nginx-access")
        stats.lines = 804
        let served = SuccessReader(patterns: builtinPatterns, options: options())
            .read(paths: [intranet], strings: strings, files: [stats], inputs: [LogInput(path: log.path, isExplicit: true)])
        let base = Int64(1_795_248_000)  // 2026-11-21T08:00:00Z
        #expect(served[intranet]?.sorted() == [base, base + 3600])
    }
}
