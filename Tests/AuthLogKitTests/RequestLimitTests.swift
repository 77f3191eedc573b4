import Foundation
import Testing
@testable import AuthLogKit

/// What the request collector keeps past `--max-requests`: the first lines, and a count of
/// the rest. Workers now make the records themselves and stop making them once the collector
/// is full; the count and the lines kept must be what they were when every line was handed over.
extension RequestPairingTests {
    @Test func linesPastTheRequestLimitAreCountedNotKept() throws {
        var first = "", second = ""
        for second_ in 0..<3 { first += access("192.0.2.10", "10:00:0\(second_)", "GET /admin/ HTTP/1.1", 401) }
        for second_ in 0..<4 { second += access("198.51.100.\(second_ + 1)", "11:00:0\(second_)", "GET /wp-login.php HTTP/1.1", 403) }
        let files = ["a/access.log": first, "b/access.log": second]
        let full = try requests(files) { $0.threads = 1 }
        #expect(full.linesNotAnalysed == 0 && full.aggregate.total == 7)
        let limited = try requests(files) {
            $0.threads = 1
            $0.requestAnalysis?.maxRequests = 2
        }
        // Two lines of a/access.log are kept; its third and all of b/access.log's are counted.
        #expect(limited.linesNotAnalysed == 5)
        // Past the limit requests count as lines: the totals stay the events'.
        #expect(limited.aggregate.total == 7)
    }

    @Test func aTaskStartedAfterTheCollectorFilledUpOnlyCountsItsLines() {
        let collector = RequestCollector(limit: 3)
        func sink(_ task: Int) -> RequestSink {
            RequestSink(collector: collector, input: task, task: task, inputName: "in\(task)", detailFormats: [])
        }
        func attempt(_ line: Int, _ ip: String) -> RequestAttempt {
            RequestAttempt(time: 1_700_000_000 + Int64(line), file: "f", line: line, format: "nginx", ip: ip, method: "POST",
                           path: "/wp-login.php", route: nil, status: 200, user: nil, rule: "nginx/login")
        }
        var early = sink(0)
        for line in 1...5 { early.attempt(attempt(line, "192.0.2.\(line)")) }
        early.taskEnded(lines: 5)
        var late = sink(1)
        for line in 1...4 { late.attempt(attempt(line, "203.0.113.\(line)")) }
        late.taskEnded(lines: 4)
        let positions = LinePositions(inputOfTask: [0, 1])
        positions.finish(task: 0, lines: 5)
        positions.finish(task: 1, lines: 4)
        let taken = collector.take(positions: positions)
        #expect(taken.records.count == 3 && taken.dropped == 6)
        #expect(taken.records.map(\.line) == [1, 2, 3])
        // Strings are interned for kept lines only: none of the late task's addresses.
        #expect(taken.strings.existingID("192.0.2.3") != nil && taken.strings.existingID("192.0.2.4") == nil)
        #expect(taken.strings.existingID("203.0.113.1") == nil)
        #expect(taken.inputNames == [0: "in0", 1: "in1"])
    }
}
