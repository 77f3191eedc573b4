/// A gzip archive (logrotate's `.gz`) decompressed as it is read: the one place that chooses
/// the inflater. ISA-L reads it (`IsalGzipSource`); a first header ISA-L refuses or reads
/// more leniently than zlib is restarted, before any byte was delivered, with zlib
/// (`ZlibGzipSource`), whose verdict on such headers is the one authlog always gave.
///
/// Both keep the same contract: concatenated members are one stream, bytes after the last
/// member that are not another member are ignored, the trailer's CRC32 and length are
/// checked, and a stream that ends early or holds corrupt data throws after every byte
/// before the damage was delivered, so the lines before it are counted.
final class GzipSource: ByteSource {
    private var isal: IsalGzipSource?
    private var zlib: ZlibGzipSource?
    private let input: ByteSource

    var storedBytesRead: Int { input.storedBytesRead }
    /// True once zlib reads this archive (for tests and diagnostics).
    var readsWithZlib: Bool { zlib != nil }

    init(wrapping input: ByteSource) throws(InputError) {
        self.input = input
        isal = IsalGzipSource(wrapping: input)
    }

    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(InputError) -> Int {
        if let zlib { return try zlib.read(into: buffer, count: count) }
        guard let isal else { return 0 }
        switch try isal.read(into: buffer, count: count) {
        case .delivered(let got):
            return got
        case .headerRefused(let whole):
            self.isal = nil
            let zlib = try ZlibGzipSource(wrapping: whole)
            self.zlib = zlib
            return try zlib.read(into: buffer, count: count)
        }
    }
}
