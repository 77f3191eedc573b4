import Foundation

/// Runs numbered tasks on a fixed number of threads, never more than `window` tasks ahead
/// of the oldest unfinished one, so that buffered results stay bounded.
enum WorkerPool {
    static func run(tasks count: Int, workers: Int, window: Int, _ body: @Sendable (_ task: Int, _ worker: Int) -> Void) {
        guard count > 0 else { return }
        let state = PoolState(window: max(window, workers))
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, count))) { worker in
            while let task = state.claim(limit: count) {
                body(task, worker)
                state.finish(task)
            }
        }
    }
}

private final class PoolState: @unchecked Sendable {
    // SAFETY: all fields are guarded by `condition`.
    private let condition = NSCondition()
    private let window: Int
    private var next = 0
    private var oldestUnfinished = 0
    private var finished = Set<Int>()

    init(window: Int) { self.window = window }

    func claim(limit: Int) -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            guard next < limit else { return nil }
            if next < oldestUnfinished + window {
                next += 1
                return next - 1
            }
            condition.wait()
        }
    }

    func finish(_ task: Int) {
        condition.lock()
        finished.insert(task)
        while finished.remove(oldestUnfinished) != nil { oldestUnfinished += 1 }
        condition.broadcast()
        condition.unlock()
    }
}
