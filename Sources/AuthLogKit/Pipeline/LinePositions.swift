import Foundation

/// Makes line numbers absolute, in one place. A chunk of a large file is scanned while the
/// chunks before it are still being counted, so its scanner numbers lines from the chunk's
/// first line; once every earlier task of the same input has finished, the lines they held
/// are the chunk's offset. The ordered event stream asks for a task's offset when the task
/// reaches the head of the order (its predecessors are done by then), the request collector
/// when the scan has ended.
// SAFETY (@unchecked Sendable): workers call `finish` and `offset` concurrently; every
// access to the mutable arrays holds `lock`.
final class LinePositions: @unchecked Sendable {
    private let lock = NSLock()
    private let inputOfTask: [Int]
    /// Lines each finished task held.
    private var lines: [Int?]
    /// Lines of the same input before each task, once known.
    private var offsets: [Int?]

    init(inputOfTask: [Int]) {
        self.inputOfTask = inputOfTask
        lines = Array(repeating: nil, count: inputOfTask.count)
        offsets = inputOfTask.indices.map { task in
            task == 0 || inputOfTask[task - 1] != inputOfTask[task] ? 0 : nil
        }
    }

    convenience init(tasks: [ScanTask]) { self.init(inputOfTask: tasks.map(\.input)) }

    /// `task` has ended after `lines` lines (0 for a task that read nothing).
    func finish(task: Int, lines count: Int) {
        lock.lock()
        defer { lock.unlock() }
        lines[task] = count
        // Each newly known offset may make the next task's known too.
        var task = task
        while task + 1 < inputOfTask.count, inputOfTask[task + 1] == inputOfTask[task], offsets[task + 1] == nil,
              let offset = offsets[task], let held = lines[task] {
            offsets[task + 1] = offset + held
            task += 1
        }
    }

    /// Lines of its input before `task`'s first line; nil while an earlier task of the same
    /// input is unfinished.
    func offset(of task: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        return offsets[task]
    }

    /// `line` of `task`, counted from its input's start.
    func absolute(_ line: Int, task: Int) -> Int { line + (offset(of: task) ?? 0) }
}
