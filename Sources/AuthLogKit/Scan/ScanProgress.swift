import Synchronization

/// How far a scan has come, updated by the workers and read by whoever shows progress.
public final class ScanProgress: Sendable {
    private let done = Atomic<Int>(0)
    private let total = Atomic<Int>(0)
    private let filesDone = Atomic<Int>(0)
    private let filesTotal = Atomic<Int>(0)

    public init() {}

    /// Bytes scanned so far (stored bytes: compressed for archives) and the total planned.
    public var bytes: (done: Int, total: Int) { (done.load(ordering: .relaxed), total.load(ordering: .relaxed)) }
    public var files: (done: Int, total: Int) { (filesDone.load(ordering: .relaxed), filesTotal.load(ordering: .relaxed)) }

    func plan(bytes: Int, files: Int) {
        total.add(bytes, ordering: .relaxed)
        filesTotal.add(files, ordering: .relaxed)
    }

    func advance(bytes: Int) { done.add(bytes, ordering: .relaxed) }
    func finishFile() { filesDone.add(1, ordering: .relaxed) }
}
