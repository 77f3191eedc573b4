#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one chunk of a large regular file for a worker, so that both cores can share one
/// big log. The file is cut into fixed byte ranges; a line belongs to the chunk its first
/// byte lies in, so every line is read exactly once whatever the chunk size.
///
/// The chunk is mapped read-only (no copy through read(2), which costs more than the whole
/// scan of a mapped page) and unmapped when done, so the resident memory is one chunk per
/// worker however large the file.
enum ChunkReader {
    enum Outcome {
        /// The chunk's lines, as one block for the scanner; `overlongTail` when its last line
        /// runs past the line limit and was not mapped.
        case lines(UnsafeRawBufferPointer, overlongTail: Bool)
        /// No line starts in this chunk (it lies inside one long line).
        case empty
    }

    /// Calls `body` with the chunk's lines. `fileSize` is the size when the scan was planned:
    /// bytes appended since are left for the next run.
    static func withChunk(descriptor: Int32, range: Range<Int>, fileSize: Int, maxLineLength: Int,
                          _ body: (Outcome) -> Void) throws(InputError) {
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
            // That last line is longer than the limit: map up to the chunk's end only, and
            // cut the block after the last newline in it.
            overlongTail = true
            regionEnd = range.upperBound
        }

        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let mapStart = firstLine / page * page
        let mapLength = regionEnd - mapStart
        guard let mapping = mmap(nil, mapLength, PROT_READ, MAP_PRIVATE | MAP_POPULATE, descriptor, off_t(mapStart)),
              mapping != MAP_FAILED else {
            throw .system(errno)
        }
        defer { munmap(mapping, mapLength) }
        var block = UnsafeRawBufferPointer(start: mapping + (firstLine - mapStart), count: regionEnd - firstLine)
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
