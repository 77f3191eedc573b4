/// Reads a file descriptor in large blocks that always end at a line boundary, like
/// ripgrep's line buffer: the unfinished last line is rolled to the front of the buffer and
/// completed by the next read. Memory stays bounded by the buffer size plus the longest
/// line allowed; a longer line is skipped without ever being held whole.
final class LineBlockReader {
    enum Chunk {
        /// Whole lines, each ending in `\n` except possibly the last line of the input.
        /// Valid until the next call to `next()`.
        case lines(UnsafeRawBufferPointer)
        /// One line longer than the limit was read past and dropped.
        case overlongLine
    }

    private let source: ByteSource
    private let maxLineLength: Int
    private let initialCapacity: Int
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var reachedEOF = false
    private var discardingOverlongLine = false
    /// Bytes of input seen so far (after decompression), dropped overlong lines included.
    private(set) var bytesRead = 0

    /// - Parameters:
    ///   - maxLineLength: longest line kept, in bytes without its newline.
    ///   - bufferSize: bytes asked of each read(2); larger blocks mean fewer system calls.
    init(source: ByteSource, maxLineLength: Int = 1 << 20, bufferSize: Int = 256 << 10) {
        self.source = source
        self.maxLineLength = maxLineLength
        self.initialCapacity = max(bufferSize, 64)
        self.capacity = initialCapacity
        self.buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    /// A reader that is handed bytes already read (format detection reads the first block
    /// before the format, and so the scanner, is known) and then continues on the source.
    convenience init(source: ByteSource, prefix: UnsafeRawBufferPointer, maxLineLength: Int = 1 << 20,
                     bufferSize: Int = 256 << 10) {
        self.init(source: source, maxLineLength: maxLineLength, bufferSize: max(bufferSize, prefix.count))
        if let base = prefix.baseAddress, prefix.count > 0 {
            buffer.copyMemory(from: base, byteCount: prefix.count)
            end = prefix.count
            bytesRead = prefix.count
        }
    }

    deinit { buffer.deallocate() }

    func next() throws(InputError) -> Chunk? {
        while true {
            if discardingOverlongLine {
                if let newline = ByteSearch.first(0x0A, in: buffer, from: start, to: end) {
                    start = newline + 1
                    discardingOverlongLine = false
                    return .overlongLine
                }
                start = 0
                end = 0
                if reachedEOF {
                    discardingOverlongLine = false
                    return .overlongLine
                }
                try fill()
                continue
            }
            if let lastNewline = ByteSearch.last(0x0A, in: buffer, from: start, to: end) {
                let block = UnsafeRawBufferPointer(start: buffer + start, count: lastNewline + 1 - start)
                start = lastNewline + 1
                return .lines(block)
            }
            // No complete line is buffered.
            if end - start > maxLineLength {
                discardingOverlongLine = true
                continue
            }
            if reachedEOF {
                guard end > start else { return nil }
                let block = UnsafeRawBufferPointer(start: buffer + start, count: end - start)
                start = end
                return .lines(block)
            }
            if start > 0 {
                buffer.copyMemory(from: buffer + start, byteCount: end - start)
                end -= start
                start = 0
            }
            if end == capacity { grow() }
            try fill()
        }
    }

    private func grow() {
        // Enough for the longest allowed line plus its newline, never more.
        let newCapacity = min(max(capacity * 2, initialCapacity), maxLineLength + 2)
        guard newCapacity > capacity else { return }
        let newBuffer = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        newBuffer.copyMemory(from: buffer + start, byteCount: end - start)
        buffer.deallocate()
        buffer = newBuffer
        end -= start
        start = 0
        capacity = newCapacity
    }

    private func fill() throws(InputError) {
        let count = try source.read(into: buffer + end, count: capacity - end)
        if count == 0 { reachedEOF = true }
        end += count
        bytesRead += count
    }
}
