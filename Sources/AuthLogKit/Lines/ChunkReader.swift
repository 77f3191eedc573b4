#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one chunk of a large regular file for a worker, so that both cores can share one
/// big log. The file is cut into fixed byte ranges; a line belongs to the chunk its first
/// byte lies in, so every line is read exactly once whatever the chunk size.
///
/// A chunk is read with pread(2) through the worker's reused buffer, one window (1 MiB) at a
/// time: the scanner gets each window's whole lines and the unfinished last line is carried
/// to the front for the next window. Chunks stay large (fewer tasks to merge), but the bytes
/// the scan passes over several times (NUL search, newline count, prefilter) are still in
/// the cache, and resident memory is one window per worker, not one chunk. A line longer
/// than the window grows the buffer until it is whole, so the scanner sees exactly the
/// lines it would in one block (skips, counts and numbers are the block's).
///
/// Mapping the file measured no faster here once the buffer's pages are warm, and a mapping
/// is dangerous: logrotate's copytruncate may truncate a live log at any moment, and
/// touching a mapping past the new end kills the process with SIGBUS. A file that shrank
/// meanwhile is simply read as far as it goes.
enum ChunkReader {
    enum Outcome {
        /// Whole lines of the chunk, in order: one block per window. `overlongTail` is set on
        /// the last block alone, when the chunk's last line runs past the line limit and was
        /// not read (that block may then be empty).
        case lines(UnsafeRawBufferPointer, overlongTail: Bool)
        /// No line starts in this chunk (it lies inside one long line).
        case empty
    }

    /// Calls `body` with the chunk's lines. `fileSize` is the size when the scan was planned:
    /// bytes appended since are left for the next run. Returns the file's size when it was
    /// found shorter than planned (truncated meanwhile, e.g. by copytruncate), else nil.
    ///
    /// Every search is bounded, so a chunk costs its own bytes plus at most one line limit
    /// whatever the file holds (and an overlong last line's bytes once more, looked through
    /// for a newline rather than held): a file that is one huge line is read in linear time.
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

        // The scanner reads the first line's time from the lines starting in a file's first
        // 16 KiB, in its first block (`FileScanner.scan`): that block must hold them all.
        let firstBlockReaches = firstLine == 0 ? min(16 << 10, regionEnd) : 0
        let read = try readWindows(file, firstLine..<regionEnd, overlongTail: overlongTail,
                                   firstBlockReaches: firstBlockReaches, buffer: buffer, body)
        return shrank || read.truncated ? min(file.currentSize, read.end) : nil
    }

    /// Reads `region` (whole lines, or ending in the overlong tail) through the buffer's
    /// window and hands `body` each window's whole lines. Returns where reading stopped, and
    /// whether that was because the file ended early (truncated meanwhile).
    private static func readWindows(_ file: some PositionalFile, _ region: Range<Int>, overlongTail: Bool,
                                    firstBlockReaches: Int, buffer: WorkerBuffer,
                                    _ body: (Outcome) -> Void) throws(InputError) -> (end: Int, truncated: Bool) {
        defer { buffer.shrinkToWindow() }  // a long line's growth is not kept for every chunk
        var base = buffer.reserve(buffer.windowSize)
        var position = region.lowerBound  // the next byte to read
        var held = 0                      // bytes at `base`: the line carried over, then new ones
        var mustReach = firstBlockReaches // offset from `position - held` a first block must end at or after
        var probedTail = false            // the held line is known not to be the overlong tail
        var truncated = false
        while true {
            if held == buffer.capacity {
                // A line longer than the window. The overlong tail (the chunk's last line, past
                // the limit) is dropped whole, so it need not be held: look ahead for a newline.
                if overlongTail, !probedTail {
                    let search = try firstNewline(file, from: position, limit: region.upperBound)
                    if case .found = search {
                        probedTail = true
                    } else {
                        // Held are whole lines a first block had to wait for (see `mustReach`), if any, then the tail.
                        let wholeLines = (ByteSearch.last(0x0A, in: base, from: 0, to: held) ?? -1) + 1
                        body(.lines(UnsafeRawBufferPointer(start: base, count: wholeLines), overlongTail: true))
                        guard case .fileEnded(let end) = search else { return (region.upperBound, false) }
                        return (end, true)
                    }
                }
                base = buffer.grow(keeping: held, toAtMost: held + region.upperBound - position)
            }
            let room = min(buffer.capacity - held, region.upperBound - position)
            let searchFrom = held
            var got = 0
            while got < room {
                let count = try file.read(into: base + held + got, count: room - got, at: position + got)
                if count == 0 {  // truncated meanwhile: what is there is what we read
                    truncated = true
                    break
                }
                got += count
            }
            held += got
            position += got
            if truncated || position >= region.upperBound {
                var count = held
                if overlongTail { count = (ByteSearch.last(0x0A, in: base, from: 0, to: held) ?? -1) + 1 }
                body(.lines(UnsafeRawBufferPointer(start: base, count: count), overlongTail: overlongTail))
                return (position, truncated)
            }
            guard let newline = ByteSearch.last(0x0A, in: base, from: searchFrom, to: held),
                  newline + 1 >= mustReach else { continue }
            body(.lines(UnsafeRawBufferPointer(start: base, count: newline + 1), overlongTail: false))
            held -= newline + 1
            base.copyMemory(from: base + newline + 1, byteCount: held)  // memmove: the regions may overlap
            mustReach = 0
            probedTail = false
        }
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
