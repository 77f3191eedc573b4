#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one chunk of a large regular file for a worker, so that both cores can share one
/// big log. The file is cut into fixed byte ranges; a line belongs to the chunk its first
/// byte lies in, so every line is read exactly once whatever the chunk size.
///
/// A chunk is read with pread(2) into the worker's reused buffer. Mapping the file measured
/// no faster here once the buffer's pages are warm, and a mapping is dangerous: logrotate's
/// copytruncate may truncate a live log at any moment, and touching a mapping past the new
/// end kills the process with SIGBUS. A file that shrank meanwhile is simply read as far as
/// it goes. Resident memory is one chunk per worker.
enum ChunkReader {
    enum Outcome {
        /// The chunk's lines, as one block for the scanner; `overlongTail` when its last line
        /// runs past the line limit and was not read.
        case lines(UnsafeRawBufferPointer, overlongTail: Bool)
        /// No line starts in this chunk (it lies inside one long line).
        case empty
    }

    /// Calls `body` with the chunk's lines. `fileSize` is the size when the scan was planned:
    /// bytes appended since are left for the next run.
    static func withChunk(descriptor: Int32, range: Range<Int>, fileSize: Int, maxLineLength: Int,
                          buffer: WorkerBuffer, _ body: (Outcome) -> Void) throws(InputError) {
        var firstLine = range.lowerBound
        if firstLine > 0 {
            guard let newline = try firstNewline(descriptor, from: firstLine - 1, limit: fileSize) else {
                body(.empty)
                return
            }
            firstLine = newline + 1
        }
        guard firstLine < range.upperBound, firstLine < fileSize else {
            body(.empty)
            return
        }
        // The chunk's last line ends at the first newline at or after its last byte.
        var regionEnd = fileSize
        if let newline = try firstNewline(descriptor, from: range.upperBound - 1, limit: fileSize) {
            regionEnd = newline + 1
        }
        var overlongTail = false
        if regionEnd - range.upperBound > maxLineLength + 1 {
            // That last line is longer than the limit: read up to the chunk's end only, and
            // cut the block after the last newline in it.
            overlongTail = true
            regionEnd = range.upperBound
        }

        let want = regionEnd - firstLine
        let base = buffer.reserve(want)
        var got = 0
        while got < want {
            let count = pread(descriptor, base + got, want - got, off_t(firstLine + got))
            if count < 0 {
                if errno == EINTR { continue }
                throw .system(errno)
            }
            if count == 0 { break }  // truncated meanwhile: what is there is what we read
            got += count
        }
        var block = UnsafeRawBufferPointer(start: base, count: got)
        if overlongTail {
            let cut = (ByteSearch.last(0x0A, in: block.baseAddress!, from: 0, to: block.count) ?? -1) + 1
            block = UnsafeRawBufferPointer(rebasing: block[..<cut])
        }
        body(.lines(block, overlongTail: overlongTail))
    }

    /// Offset of the first `\n` at or after `offset`, reading with pread(2) in small pieces
    /// (the answer is normally within the first line), or nil if there is none before `limit`.
    static func firstNewline(_ descriptor: Int32, from offset: Int, limit: Int) throws(InputError) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var position = offset
        while position < limit {
            let want = min(buffer.count, limit - position)
            let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, want, off_t(position)) }
            if got < 0 {
                if errno == EINTR { continue }
                throw .system(errno)
            }
            if got == 0 { return nil }
            if let index = buffer[0..<got].firstIndex(of: 0x0A) { return position + index }
            position += got
            if buffer.count < 1 << 20 { buffer = [UInt8](repeating: 0, count: buffer.count * 4) }
        }
        return nil
    }
}

/// A worker's reusable read buffer for chunks read with pread.
final class WorkerBuffer {
    private var base: UnsafeMutableRawPointer?
    private var capacity = 0

    deinit { base?.deallocate() }

    /// A buffer of at least `count` bytes, valid until the next call.
    func reserve(_ count: Int) -> UnsafeMutableRawPointer {
        if count > capacity || base == nil {
            base?.deallocate()
            // Round up so that chunk-sized requests (which vary by the length of the last
            // line) do not reallocate each time.
            capacity = max(count, 1) + (1 << 20)
            base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        }
        return base!
    }
}
