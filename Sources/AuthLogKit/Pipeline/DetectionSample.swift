/// The bytes of an input's start that its format is detected from.
///
/// Usually the first 64 KiB. But a first line longer than that leaves a sample of one partial
/// line, in no format at all, and the whole input was refused: one long line written first
/// (a PHP error with a huge value in debug.log, a journal entry, a request after rotation)
/// blinded authlog to the rest of the file. So when the sample holds no line end, reading goes
/// on until a line ends (as far as the line limit allows) and the format is detected from the
/// 64 KiB after it; the long line itself is then read like any other (or skipped as too long).
struct DetectionSample {
    /// What was read, from the input's start: the lines are read from here, none skipped.
    private(set) var bytes: [UInt8] = []
    /// The bytes detection looks at.
    private(set) var window: [UInt8] = []

    /// Reads with `read(buffer, count, offset)` (bytes read, 0 at the end) at most
    /// `maxLineLength` plus two samples. A `seekable` input (a regular file) whose first line
    /// is longer even than that is searched on for the line's end, and the window read after
    /// it (the scan skips that line as too long); a stream is then detected as it stands.
    init<E: Error>(maxLineLength: Int, seekable: Bool = false,
                   read: (UnsafeMutableRawPointer, Int, Int) throws(E) -> Int) throws(E) {
        let size = FormatChoice.sampleSize
        let limit = maxLineLength + 2 * size
        var ended = false
        func more(_ count: Int) throws(E) {
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: count))
            var filled = 0
            defer { bytes.removeLast(count - filled) }
            while filled < count {
                var failure: E? = nil
                let got = bytes.withUnsafeMutableBytes { buffer -> Int in
                    do throws(E) {
                        return try read(buffer.baseAddress! + start + filled, count - filled, start + filled)
                    } catch {
                        failure = error
                        return 0
                    }
                }
                if let failure { throw failure }
                if got <= 0 { ended = true; return }
                filled += got
            }
        }
        try more(size)
        var searched = 0
        while !ended, bytes.count < limit, bytes[searched...].firstIndex(of: 0x0A) == nil {
            searched = bytes.count
            try more(size)
        }
        // A sample of no line end at all (one line longer than the line limit, or the whole
        // input) is detected as it stands, as before.
        var firstEnd = bytes.firstIndex(of: 0x0A)
        if firstEnd == nil, !ended, seekable {
            firstEnd = try Self.lineEnd(after: bytes.count, read: read)
        }
        guard let firstEnd, firstEnd >= size else {
            window = Array(bytes.prefix(size))
            return
        }
        // The first line is longer than a sample: detect from the lines after it.
        if firstEnd < bytes.count {
            if !ended, bytes.count - (firstEnd + 1) < size { try more(size - (bytes.count - (firstEnd + 1))) }
            window = Array(bytes[(firstEnd + 1)..<min(bytes.count, firstEnd + 1 + size)])
        } else {
            window = try Self.bytes(at: firstEnd + 1, count: size, read: read)
        }
        if window.isEmpty { window = Array(bytes.prefix(size)) }
    }

    /// The offset of the first line end at or after `offset`, reading a sample at a time.
    private static func lineEnd<E: Error>(after offset: Int,
                                          read: (UnsafeMutableRawPointer, Int, Int) throws(E) -> Int) throws(E) -> Int? {
        var position = offset
        while true {
            let chunk = try bytes(at: position, count: FormatChoice.sampleSize, read: read)
            if chunk.isEmpty { return nil }
            if let end = chunk.firstIndex(of: 0x0A) { return position + end }
            position += chunk.count
        }
    }

    private static func bytes<E: Error>(at offset: Int, count: Int,
                                        read: (UnsafeMutableRawPointer, Int, Int) throws(E) -> Int) throws(E) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            var failure: E? = nil
            let got = chunk.withUnsafeMutableBytes { buffer -> Int in
                do throws(E) { return try read(buffer.baseAddress! + filled, count - filled, offset + filled) } catch {
                    failure = error
                    return 0
                }
            }
            if let failure { throw failure }
            if got <= 0 { break }
            filled += got
        }
        return Array(chunk[..<filled])
    }
}
