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
    /// bytes appended since are left for the next run. Returns the file's size when it was
    /// found shorter than planned (truncated meanwhile, e.g. by copytruncate), else nil.
    ///
    /// Every search is bounded, so a chunk costs its own bytes plus at most one line limit
    /// whatever the file holds: a file that is one huge line is read in linear time.
    @discardableResult
    static func withChunk(descriptor: Int32, range: Range<Int>, fileSize: Int, maxLineLength: Int,
                          buffer: WorkerBuffer, _ body: (Outcome) -> Void) throws(InputError) -> Int? {
        try withChunk(file: DescriptorFile(descriptor: descriptor), range: range, fileSize: fileSize,
                      maxLineLength: maxLineLength, buffer: buffer, body)
    }

    @discardableResult
    static func withChunk(file: some PositionalFile, range: Range<Int>, fileSize: Int, maxLineLength: Int,
                          buffer: WorkerBuffer, _ body: (Outcome) -> Void) throws(InputError) -> Int? {
        var firstLine = range.lowerBound
        if firstLine > 0 {
            // A line starting in this chunk follows a newline in [lower - 1, upper - 1): one
            // found later starts a line of the next chunk, so the search stops there.
            switch try firstNewline(file, from: firstLine - 1, limit: min(range.upperBound - 1, fileSize)) {
            case .found(let newline): firstLine = newline + 1
            case .absent:
                body(.empty)
                return nil
            case .fileEnded:
                body(.empty)
                return file.currentSize
            }
        }
        guard firstLine < range.upperBound, firstLine < fileSize else {
            body(.empty)
            return nil
        }
        // The chunk's last line ends at the first newline at or after its last byte. Past the
        // line limit it is overlong whether a newline follows or not: no need to look further.
        let allowance = min(maxLineLength, Int.max / 2) + 1
        let searchLimit = range.upperBound + min(fileSize - range.upperBound, allowance)
        var regionEnd = fileSize
        var overlongTail = false
        var shrank = false
        switch try firstNewline(file, from: range.upperBound - 1, limit: searchLimit) {
        case .found(let newline): regionEnd = newline + 1
        case .absent:
            if searchLimit < fileSize {
                // That last line is longer than the limit: read up to the chunk's end only, and
                // cut the block after the last newline in it.
                overlongTail = true
                regionEnd = range.upperBound
            }
        case .fileEnded(let position):
            shrank = true
            regionEnd = max(firstLine, position)
        }

        let want = regionEnd - firstLine
        let base = buffer.reserve(want)
        var got = 0
        while got < want {
            let count = try file.read(into: base + got, count: want - got, at: firstLine + got)
            if count == 0 {  // truncated meanwhile: what is there is what we read
                shrank = true
                break
            }
            got += count
        }
        var block = UnsafeRawBufferPointer(start: base, count: got)
        if overlongTail {
            let cut = (ByteSearch.last(0x0A, in: block.baseAddress!, from: 0, to: block.count) ?? -1) + 1
            block = UnsafeRawBufferPointer(rebasing: block[..<cut])
        }
        body(.lines(block, overlongTail: overlongTail))
        return shrank ? min(file.currentSize, firstLine + got) : nil
    }

    enum NewlineSearch: Equatable {
        case found(Int)
        /// None in the bytes searched, all of which are there.
        case absent
        /// The file ends before the limit (it was truncated): none up to `position`.
        case fileEnded(at: Int)
    }

    /// The first `\n` in `[offset, limit)`, reading with pread(2) in small pieces (the answer
    /// is normally within the first line).
    static func firstNewline(_ file: some PositionalFile, from offset: Int, limit: Int) throws(InputError) -> NewlineSearch {
        var capacity = 4096
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var position = offset
        while position < limit {
            let want = min(capacity, limit - position)
            let got = try file.read(into: buffer, count: want, at: position)
            if got == 0 { return .fileEnded(at: position) }
            if let index = ByteSearch.first(0x0A, in: buffer, from: 0, to: got) { return .found(position + index) }
            position += got
            if capacity < 1 << 20 {
                capacity *= 4
                buffer.deallocate()
                buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
            }
        }
        return .absent
    }
}

/// A file read at offsets: the real one through pread(2), or a stand-in in tests.
protocol PositionalFile {
    /// Up to `count` bytes at `offset`; 0 at (or past) the end of the file.
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws(InputError) -> Int
    /// The file's size now (it may have shrunk since it was planned).
    var currentSize: Int { get }
}

/// pread(2) on a descriptor the caller owns.
struct DescriptorFile: PositionalFile {
    let descriptor: Int32

    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws(InputError) -> Int {
        while true {
            let got = pread(descriptor, buffer, count, off_t(offset))
            if got >= 0 { return got }
            if errno != EINTR { throw .system(errno) }
        }
    }

    var currentSize: Int {
        var info = stat()
        return fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
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
