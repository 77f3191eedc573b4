import Foundation

/// The sink of new-failure's second read (`SuccessReader`): when each path was served. Its
/// one rule keeps the 2xx/3xx answers as requests (no cause), so they arrive as attempts.
struct ServedTimesSink: EventSink {
    /// Request path and time of each served line with a readable time, in line order.
    private(set) var served: [(path: String, time: Int64)] = []

    mutating func record(_ event: AuthEvent) { keep(path: event.path, time: event.time) }

    var wantsAttempts: Bool { true }

    mutating func attempt(_ attempt: RequestAttempt) { keep(path: attempt.path, time: attempt.time) }

    private mutating func keep(path: String?, time: Int64?) {
        guard let path, let time else { return }
        served.append((path, time))
    }
}

/// The tasks' served times, gathered from the workers. Past `limit` lines (the request
/// collector's), the rest is dropped: memory stays bounded on a path served millions of times.
// SAFETY (@unchecked Sendable): every access to `byTask` and `kept` holds `lock`.
final class ServedTimes: @unchecked Sendable {
    private let lock = NSLock()
    private var byTask: [Int: [(path: String, time: Int64)]] = [:]
    private var kept = 0
    private let limit: Int

    init(limit: Int = RequestCollector.defaultLimit) { self.limit = limit }

    func add(_ served: [(path: String, time: Int64)], task: Int) {
        lock.lock()
        defer { lock.unlock() }
        let room = max(0, limit - kept)
        guard room > 0, !served.isEmpty else { return }
        byTask[task] = Array(served.prefix(room))
        kept += min(room, served.count)
    }

    /// Everything, in task order (input order, chunks in file order).
    var all: [(path: String, time: Int64)] {
        lock.lock()
        defer { lock.unlock() }
        return byTask.keys.sorted().flatMap { byTask[$0]! }
    }
}
