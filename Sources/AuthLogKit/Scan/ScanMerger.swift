import Foundation

/// What one task found.
struct TaskOutcome: Sendable {
    var stats: FileStats?
    var aggregate: FailureAggregate?
    /// The input could not be scanned at all (open error, unknown format).
    var failure: UnscannedInput?
    /// Reading stopped early (truncated archive, I/O error); lines before were counted.
    var readError: String?
    /// The file was found this short while it was read (truncated meanwhile).
    var shrankTo: Int?
    /// The journal's last entry read (`--journal`).
    var journalCursor: String?
}

/// Results of the tasks, written by the workers, read after they are done. A task's
/// aggregate is merged into the total as soon as the task ends and then dropped, so memory
/// holds one total plus one partial per worker, however many chunks there are. (While the
/// tables are exact, merging in any order gives the same result.)
final class OutcomeStore: @unchecked Sendable {
    // SAFETY: every access holds the lock.
    private let lock = NSLock()
    private var outcomes: [TaskOutcome?]
    private var total: FailureAggregate

    init(count: Int, maxKeys: Int) {
        outcomes = Array(repeating: nil, count: count)
        total = FailureAggregate(maxKeys: maxKeys)
    }

    func set(_ index: Int, _ outcome: TaskOutcome) {
        var outcome = outcome
        let partial = outcome.aggregate
        outcome.aggregate = nil
        lock.lock()
        if let partial { total.merge(partial) }
        outcomes[index] = outcome
        lock.unlock()
    }

    /// Merges a partial aggregate into the total now.
    func absorb(_ partial: FailureAggregate) {
        lock.lock()
        total.merge(partial)
        lock.unlock()
    }

    func takeAggregate() -> FailureAggregate {
        lock.lock()
        defer { lock.unlock() }
        let taken = total
        total = FailureAggregate(maxKeys: 1)
        return taken
    }

    var all: [TaskOutcome?] {
        lock.lock()
        defer { lock.unlock() }
        return outcomes
    }
}

/// Merging: the tasks' outcomes, in task order, become one `FileStats` per input and the
/// diagnostics about it (read errors, skipped lines).
struct ScanMerger {
    weak var diagnostics: ScanDiagnostics?

    func merge(inputs: [LogInput], tasks: [ScanTask], outcomes: [TaskOutcome?], failures: [Int: UnscannedInput],
               into report: inout ScanReport) {
        var tasksOfInput = [[Int]](repeating: [], count: inputs.count)
        for (index, task) in tasks.enumerated() { tasksOfInput[task.input].append(index) }

        for (index, input) in inputs.enumerated() {
            if let failure = failures[index] {
                fail(failure, into: &report)
                continue
            }
            var merged: FileStats? = nil
            var readError: String? = nil
            var shrankTo: Int? = nil
            for taskIndex in tasksOfInput[index] {
                guard let outcome = outcomes[taskIndex] else { continue }
                if let failure = outcome.failure {
                    fail(failure, into: &report)
                    break
                }
                if let error = outcome.readError, readError == nil { readError = error }
                if let size = outcome.shrankTo { shrankTo = min(shrankTo ?? size, size) }
                if let cursor = outcome.journalCursor { report.journalCursor = cursor }
                guard let part = outcome.stats else { continue }
                guard var total = merged else {
                    merged = part
                    continue
                }
                total.absorb(part)
                merged = total
            }
            guard let stats = merged else { continue }
            report.files.append(stats)
            if let readError {
                diagnostics?.error("\(input.path): \(readError); \(stats.lines) line(s) before it were scanned")
                report.unscanned.append(UnscannedInput(path: input.path, reason: readError, isError: true))
            }
            if let shrankTo {
                // copytruncate or a rewrite while the scan ran: what was there is counted, and
                // the report says it is short rather than passing it off as the whole file.
                diagnostics?.warning("\(input.path): the file was truncated while it was read (to \(shrankTo) bytes); "
                                     + "the \(stats.lines) line(s) read before that are counted")
            }
            if stats.skipped > 0 {
                let parts = SkipReason.describe(stats.skippedByReason, firstLines: stats.firstSkippedLine)
                diagnostics?.warning("\(input.path): skipped \(stats.skipped) line(s): \(parts)")
            }
        }
    }

    func fail(_ failure: UnscannedInput, into report: inout ScanReport) {
        report.unscanned.append(failure)
        if failure.isError { diagnostics?.error("\(failure.path): \(failure.reason)") }
    }
}
