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

    /// Offset of the first occurrence of `needle` in `base[from..<to]`, or nil.
    @inline(__always)
    static func first(_ needle: UnsafeRawBufferPointer, in base: UnsafeRawPointer, from: Int, to: Int) -> Int? {
        guard to - from >= needle.count, let needleBase = needle.baseAddress,
              let hit = authlog_memmem(base + from, to - from, needleBase, needle.count) else { return nil }
        return base.distance(to: UnsafeRawPointer(hit))
    }

    /// Number of `\n` bytes in `base[from..<to]`.
    ///
    /// Eight bytes at a time with the classic "find a zero byte" bit trick, exact (no false
    /// positives): lines are counted for every byte of input, so this must run near memory
    /// speed, not at a byte per iteration.
    static func countNewlines(in base: UnsafeRawPointer, from: Int, to: Int) -> Int {
        var count = 0
        var index = from
        while index < to, (Int(bitPattern: base + index) & 7) != 0 {
            if base.load(fromByteOffset: index, as: UInt8.self) == 0x0A { count += 1 }
            index += 1
        }
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let newlines: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
        while index + 8 <= to {
            let word = base.load(fromByteOffset: index, as: UInt64.self) ^ newlines
            // High bit of each byte set iff that byte of `word` is zero (i.e. was '\n').
            let zeroBytes = ~(((word & low7) &+ low7) | word | low7)
            count += zeroBytes.nonzeroBitCount
            index += 8
        }
        while index < to {
            if base.load(fromByteOffset: index, as: UInt8.self) == 0x0A { count += 1 }
            index += 1
        }
        return count
    }
}
