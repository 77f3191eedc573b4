import Foundation

/// Hands events to the output in input order while workers scan chunks in parallel.
///
/// The task at the head of the order writes its events straight through; later tasks
/// buffer theirs until every task before them has finished. A chunk's line numbers are
/// relative to its first line; the stream adds the lines of the earlier chunks of the same
/// file, which are known by then.
final class OrderedEventStream: @unchecked Sendable {
    // SAFETY: every field is read and written only while `lock` is held.
    private let lock = NSLock()
    private let inputOfTask: [Int]
    private let write: (AuthEvent) -> Void
    private var head = 0
    private var finishedLines: [Int: Int] = [:]
    private var buffered: [Int: [AuthEvent]] = [:]
    private var linesEmitted: [Int: Int] = [:]  // per input

    init(inputOfTask: [Int], write: @escaping (AuthEvent) -> Void) {
        self.inputOfTask = inputOfTask
        self.write = write
    }

    /// Hands over a batch of a task's events (tasks batch them so that the lock is taken
    /// once per batch, not once per event).
    func emit(_ events: [AuthEvent], task: Int) {
        guard !events.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        if task == head {
            for event in events { write(shifted(event, task: task)) }
        } else {
            buffered[task, default: []].append(contentsOf: events)
        }
    }

    /// `task` is done and held `lines` lines.
    func finish(task: Int, lines: Int) {
        lock.lock()
        defer { lock.unlock() }
        finishedLines[task] = lines
        while let lines = finishedLines[head] {
            finishedLines[head] = nil
            linesEmitted[inputOfTask[head], default: 0] += lines
            head += 1
            if head < inputOfTask.count, let events = buffered.removeValue(forKey: head) {
                for event in events { write(shifted(event, task: head)) }
            }
        }
    }

    private func shifted(_ event: AuthEvent, task: Int) -> AuthEvent {
        var event = event
        event.line += linesEmitted[inputOfTask[task]] ?? 0
        return event
    }
}
