/// A worker's reusable read buffer: chunks are read through it one window at a time
/// (`ChunkReader`), so a worker holds a window, not a chunk.
final class WorkerBuffer {
    /// A single-threaded read-and-scan measured 1–4 MiB pieces ~15 % faster than 16 MiB ones
    /// (the scan's passes over a piece find it in L2/L3). On the 1 GB corpus 1, 2 and 4 MiB
    /// windows took the same time within noise; 1 MiB holds least (`--no-requests` peak
    /// 37 MB, against 38 and 43 MB).
    static let defaultWindowSize = 1 << 20

    /// Bytes read at once; a line longer than this grows the buffer until the chunk ends.
    let windowSize: Int
    private var base: UnsafeMutableRawPointer?
    private(set) var capacity = 0

    init(windowSize: Int = WorkerBuffer.defaultWindowSize) { self.windowSize = max(1, windowSize) }

    deinit { base?.deallocate() }

    /// A buffer of at least `count` bytes, valid until the next call; its contents are not kept.
    func reserve(_ count: Int) -> UnsafeMutableRawPointer {
        if count > capacity || base == nil {
            base?.deallocate()
            capacity = max(count, 1)
            base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        }
        return base!
    }

    /// Twice the room (but no more than `limit` bytes, the most that can still be read),
    /// the first `keeping` bytes kept: doubling keeps a long line's reading linear.
    func grow(keeping: Int, toAtMost limit: Int) -> UnsafeMutableRawPointer {
        let newCapacity = max(min(capacity * 2, limit), capacity + 1)
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 64)
        if let base {
            newBase.copyMemory(from: base, byteCount: keeping)
            base.deallocate()
        }
        base = newBase
        capacity = newCapacity
        return newBase
    }

    /// Back to one window after a chunk that needed more.
    func shrinkToWindow() {
        guard capacity > windowSize else { return }
        base?.deallocate()
        base = nil
        capacity = 0
    }
}
