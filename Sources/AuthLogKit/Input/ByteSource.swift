#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an input could not be read to its end.
public struct InputError: Error, Sendable, Equatable {
    public var message: String

    static func system(_ code: Int32) -> InputError {
        InputError(message: String(cString: strerror(code)))
    }
}

/// A stream of bytes: a file or pipe as it is, or a gzip archive decompressed on the fly.
/// The line reader sees only bytes, never where they came from (as in ripgrep, where
/// decompression is a reader of its own in front of the searcher).
protocol ByteSource: AnyObject {
    /// Reads up to `count` bytes into `buffer`; 0 at the end of the input.
    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(InputError) -> Int
    /// Bytes consumed from the underlying file so far (compressed bytes for an archive).
    var storedBytesRead: Int { get }
}

/// read(2) on a descriptor the caller owns.
final class DescriptorSource: ByteSource {
    private let descriptor: Int32
    private(set) var storedBytesRead = 0

    init(descriptor: Int32) { self.descriptor = descriptor }

    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(InputError) -> Int {
        while true {
            let result = Glibc.read(descriptor, buffer, count)
            if result >= 0 {
                storedBytesRead += result
                return result
            }
            if errno == EINTR { continue }
            throw .system(errno)
        }
    }
}

/// Only `range` of another source: the bytes before it are read and dropped (an archive
/// cannot seek), the stream ends at its upper bound.
final class RangeSource: ByteSource {
    private let source: ByteSource
    private var position = 0
    private let end: Int
    var storedBytesRead: Int { source.storedBytesRead }

    init(_ source: ByteSource, range: Range<Int>) throws(InputError) {
        self.source = source
        self.end = range.upperBound
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: 64 << 10, alignment: 16)
        defer { scratch.deallocate() }
        while position < range.lowerBound {
            let got = try source.read(into: scratch, count: min(64 << 10, range.lowerBound - position))
            if got == 0 { break }
            position += got
        }
    }

    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(InputError) -> Int {
        guard position < end else { return 0 }
        let got = try source.read(into: buffer, count: min(count, end - position))
        position += got
        return got
    }
}
