/// The body of a JSON string (the bytes between its quotes) and how to read it: where it ends
/// and what it says once its escapes are undone. Shared by every reader of JSON lines (access
/// logs, container and journal envelopes), none of which builds a Foundation object per line.
///
/// Besides JSON's own escapes (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\uXXXX` with
/// surrogate pairs) it reads `\xHH`, which nginx writes for `"`, `\` and bytes outside
/// printable ASCII when a `log_format` has no `escape=json`: not valid JSON, but what such a
/// server's log holds.
enum JSONString {
    /// The index of the quote that closes a string whose body starts at `start` (just after
    /// its opening quote), or nil when the line ends first (a truncated line).
    @inline(__always)
    static func closingQuote(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = start
        let end = bytes.count
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { return index }
            // An escape covers the byte after the backslash; longer escapes (\u, \x) hold no
            // quote or backslash of their own, so skipping one byte is enough to stay in step.
            index += byte == UInt8(ascii: "\\") ? 2 : 1
        }
        return nil
    }

    /// Writes the unescaped `body` to `output` from `offset` and returns where it ends, or nil
    /// when an escape is malformed (an unknown letter, bad hex digits, cut short). The result
    /// is never longer than `body`, so an output as large as the input always suffices; a
    /// smaller one that would overflow gives nil too. A lone surrogate becomes U+FFFD.
    static func unescape(_ body: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                         at offset: Int) -> Int? {
        var out = offset
        var index = 0
        let count = body.count
        @inline(__always) func put(_ byte: UInt8) -> Bool {
            guard out < output.count else { return false }
            output[out] = byte
            out += 1
            return true
        }
        while index < count {
            let byte = body[index]
            guard byte == UInt8(ascii: "\\") else {
                guard put(byte) else { return nil }
                index += 1
                continue
            }
            guard index + 1 < count else { return nil }
            let letter = body[index + 1]
            index += 2
            let simple: UInt8?
            switch letter {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): simple = letter
            case UInt8(ascii: "b"): simple = 0x08
            case UInt8(ascii: "f"): simple = 0x0C
            case UInt8(ascii: "n"): simple = 0x0A
            case UInt8(ascii: "r"): simple = 0x0D
            case UInt8(ascii: "t"): simple = 0x09
            case UInt8(ascii: "x"):
                guard let value = hex(body, at: index, digits: 2) else { return nil }
                index += 2
                simple = UInt8(value)
            case UInt8(ascii: "u"):
                guard var scalar = hex(body, at: index, digits: 4) else { return nil }
                index += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate: the low one must follow as \uDC00…\uDFFF.
                    if index + 6 <= count, body[index] == UInt8(ascii: "\\"), body[index + 1] == UInt8(ascii: "u"),
                       let low = hex(body, at: index + 2, digits: 4), (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00..<0xE000).contains(scalar) {
                    scalar = 0xFFFD
                }
                guard writeUTF8(scalar, put: put) else { return nil }
                simple = nil
            default:
                return nil
            }
            if let simple, !put(simple) { return nil }
        }
        return out
    }
    /// The same for the container and journal envelopes, which read a log rather than
    /// validate it: a string whose escapes are malformed is kept as the encoder wrote it.
    /// Writes from `output`'s start and returns the count written.
    static func unescapeLeniently(_ body: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        if let end = unescape(body, into: output, at: 0) { return end }
        let count = min(body.count, output.count)
        if count > 0 { output.baseAddress!.copyMemory(from: body.baseAddress!, byteCount: count) }
        return count
    }


    /// True when `body` holds an escape, so that reading it needs `unescape`.
    @inline(__always)
    static func hasEscape(_ body: UnsafeRawBufferPointer) -> Bool {
        body.contains(UInt8(ascii: "\\"))
    }

    @inline(__always)
    private static func hex(_ bytes: UnsafeRawBufferPointer, at start: Int, digits: Int) -> UInt32? {
        guard start + digits <= bytes.count else { return nil }
        var value: UInt32 = 0
        for index in start..<(start + digits) {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    @inline(__always)
    private static func writeUTF8(_ scalar: UInt32, put: (UInt8) -> Bool) -> Bool {
        switch scalar {
        case 0..<0x80:
            return put(UInt8(scalar))
        case 0x80..<0x800:
            return put(UInt8(0xC0 | scalar >> 6)) && put(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            return put(UInt8(0xE0 | scalar >> 12)) && put(UInt8(0x80 | scalar >> 6 & 0x3F))
                && put(UInt8(0x80 | scalar & 0x3F))
        default:
            return put(UInt8(0xF0 | scalar >> 18)) && put(UInt8(0x80 | scalar >> 12 & 0x3F))
                && put(UInt8(0x80 | scalar >> 6 & 0x3F)) && put(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
