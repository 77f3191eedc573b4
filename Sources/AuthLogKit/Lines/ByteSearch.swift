import CByteSearch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level searching on raw buffers: the hot path of a scan never looks at a line as
/// anything but bytes, and these are the only loops that touch every byte.
enum ByteSearch {
    /// Offset of the first `byte` in `base[from..<to]`, or nil.
    @inline(__always)
    static func first(_ byte: UInt8, in base: UnsafeRawPointer, from: Int, to: Int) -> Int? {
        guard to > from, let hit = memchr(base + from, Int32(byte), to - from) else { return nil }
        return base.distance(to: UnsafeRawPointer(hit))
    }

    /// Offset of the last `byte` in `base[from..<to]`, or nil.
    @inline(__always)
    static func last(_ byte: UInt8, in base: UnsafeRawPointer, from: Int, to: Int) -> Int? {
        guard to > from, let hit = authlog_memrchr(base + from, Int32(byte), to - from) else { return nil }
        return base.distance(to: UnsafeRawPointer(hit))
    }

    /// Number of `\n` bytes in `base[from..<to]` (SIMD, in CByteSearch).
    static func countNewlines(in base: UnsafeRawPointer, from: Int, to: Int) -> Int {
        guard to > from else { return 0 }
        return authlog_count_newlines(base.assumingMemoryBound(to: UInt8.self) + from, to - from)
    }
}
