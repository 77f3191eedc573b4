import Foundation

/// Hands events to the output in input order while workers scan chunks in parallel.
///
/// The task at the head of the order writes its events straight through; later tasks
/// buffer theirs until every task before them has finished. Their line numbers are made
/// absolute by `LinePositions` on the way out.
// SAFETY (@unchecked Sendable): workers call `emit` and `finish` concurrently; every field is
// read and written, and `write` is called, only while `lock` is held, so `write` sees one
// event at a time, in order, though not always on the same thread.
final class OrderedEventStream: @unchecked Sendable {
    private let lock = NSLock()
    private let positions: LinePositions
    private let taskCount: Int
    private let write: (AuthEvent) -> Void
    private var head = 0
    private var finished = Set<Int>()
    private var buffered: [Int: [AuthEvent]] = [:]

    init(positions: LinePositions, taskCount: Int, write: @escaping (AuthEvent) -> Void) {
        self.positions = positions
        self.taskCount = taskCount
        self.write = write
    }

    /// Hands over a batch of a task's events (tasks batch them so that the lock is taken
    /// once per batch, not once per event).
    func emit(_ events: [AuthEvent], task: Int) {
        guard !events.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        if task == head {
            write(events, of: task)
        } else {
            buffered[task, default: []].append(contentsOf: events)
        }
    }

    /// `task` is done (its lines are in `positions` already).
    func finish(task: Int) {
        lock.lock()
        defer { lock.unlock() }
        finished.insert(task)
        while finished.remove(head) != nil {
            head += 1
            if head < taskCount, let events = buffered.removeValue(forKey: head) { write(events, of: head) }
        }
    }

    private func write(_ events: [AuthEvent], of task: Int) {
        let offset = positions.offset(of: task) ?? 0
        for var event in events {
            event.line += offset
            write(event)
        }
    }
}

/// A task's end of the ordered stream: events are batched and handed over 4096 at a time.
struct OrderedStreamSink: EventSink {
    let stream: OrderedEventStream
    let task: Int
    private var pending: [AuthEvent] = []

    init(stream: OrderedEventStream, task: Int) {
        self.stream = stream
        self.task = task
    }

    mutating func record(_ event: AuthEvent) {
        pending.append(event)
        if pending.count >= 4096 {
            stream.emit(pending, task: task)
            pending.removeAll(keepingCapacity: true)
        }
    }

    mutating func taskEnded(lines: Int) {
        stream.emit(pending, task: task)
        pending.removeAll()
    }
}
