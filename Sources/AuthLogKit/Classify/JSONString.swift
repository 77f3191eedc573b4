/// The two things a JSON log reader needs of a JSON string, on bytes and without Foundation:
/// where an escaped string ends, and its unescaped bytes. Written for the container and
/// journal wrappers (`EnvelopeReader`); a line holds the string as the encoder wrote it.
enum JSONString {
    /// The index of the closing quote of the string whose first byte (after the opening quote)
    /// is at `start`, or nil when the line ends first (a line cut short).
    static func end(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""): return index
            case UInt8(ascii: "\\"): index += 2
            default: index += 1
            }
        }
        return nil
    }

    /// Writes the unescaped bytes of `escaped` (a string's content, without its quotes) to
    /// `output` and returns their count: `\n \t \" \\ \/ \b \f \r`, `\uXXXX` with surrogate
    /// pairs as UTF-8. A lone surrogate becomes U+FFFD, as encoders that replace invalid UTF-8
    /// write it; an escape that is no JSON escape is kept as it stands (a log is read, not
    /// validated). Unescaping never lengthens: `output` needs `escaped.count` bytes at most.
    static func unescape(_ escaped: UnsafeRawBufferPointer, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var output = Output(buffer: buffer)
        var index = 0
        let count = escaped.count
        while index < count {
            let byte = escaped[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < count else {
                output.append(byte)
                index += 1
                continue
            }
            let kind = escaped[index + 1]
            index += 2
            switch kind {
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "u"):
                guard let unit = hex4(escaped, at: index) else {
                    output.append(UInt8(ascii: "\\"))
                    output.append(kind)
                    continue
                }
                index += 4
                var scalar = unit
                if (0xD800..<0xDC00).contains(unit) {
                    if index + 6 <= count, escaped[index] == UInt8(ascii: "\\"), escaped[index + 1] == UInt8(ascii: "u"),
                       let low = hex4(escaped, at: index + 2), (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00..<0xE000).contains(unit) {
                    scalar = 0xFFFD
                }
                appendUTF8(scalar, to: &output)
            default:
                // `\"`, `\\`, `\/` stand for themselves; so, leniently, does anything else.
                output.append(kind)
            }
        }
        return output.count
    }

    /// Bytes written into a buffer sized by the caller.
    private struct Output {
        let buffer: UnsafeMutableRawBufferPointer
        var count = 0

        @inline(__always)
        mutating func append(_ byte: UInt8) {
            buffer[count] = byte
            count += 1
        }
    }

    private static func hex4(_ bytes: UnsafeRawBufferPointer, at start: Int) -> UInt32? {
        guard start + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[start..<(start + 4)] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private static func appendUTF8(_ scalar: UInt32, to output: inout Output) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        default:
            output.append(UInt8(0xF0 | scalar >> 18))
            output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
