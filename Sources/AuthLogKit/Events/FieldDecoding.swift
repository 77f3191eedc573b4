/// Turns captured bytes into a `String` without losing information or trusting the input.
///
/// Valid UTF-8 is kept as is (outputs escape it for their medium later). Each byte that is
/// not part of valid UTF-8 becomes the four characters `\xNN`, the way nginx writes such
/// bytes itself: two different byte strings never decode to the same key, and the result
/// is always valid Unicode, so JSON stays valid whatever the log contains.
enum FieldDecoding {
    static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        var allASCII = true
        for byte in bytes where byte >= 0x80 {
            allASCII = false
            break
        }
        if allASCII { return String(decoding: bytes, as: UTF8.self) }

        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 8)
        var index = 0
        while index < bytes.count {
            let length = validSequenceLength(bytes, at: index)
            if length > 0 {
                output.append(contentsOf: bytes[index..<(index + length)])
                index += length
            } else {
                appendHexEscape(bytes[index], to: &output)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A field as nginx and Apache access logs write it (`\xHH` in either case, `\"`, `\\`;
    /// Apache also `\n`, `\t` …; nginx's `escape=json` `\u001b`), decoded to the bytes the
    /// client sent and then read like
    /// `string`. An ESC sent as a user name is the same key whether the log held the raw
    /// byte (nginx error log), `\x1B` (nginx access log) or `\x1b` (Apache).
    static func unescapedString(_ bytes: UnsafeRawBufferPointer) -> String {
        guard bytes.contains(UInt8(ascii: "\\")) else { return string(bytes) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < bytes.count else {
                decoded.append(byte)
                index += 1
                continue
            }
            let next = bytes[index + 1]
            if next == UInt8(ascii: "x") || next == UInt8(ascii: "X"), index + 3 < bytes.count,
               let high = hexValue(bytes[index + 2]), let low = hexValue(bytes[index + 3]) {
                decoded.append(high << 4 | low)
                index += 4
                continue
            }
            // `escape=json` writes control bytes as \u00HH. Neither server's default escaping
            // can produce a "\u" (both escape the backslash), so no other field changes.
            if next == UInt8(ascii: "u"), let escaped = jsonEscapedScalar(bytes, at: index) {
                decoded.append(contentsOf: Array(String(escaped.scalar).utf8))
                index += escaped.length
                continue
            }
            switch next {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): decoded.append(next)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            default:
                // Not an escape the servers write: kept as it stands.
                decoded.append(byte)
                index += 1
                continue
            }
            index += 2
        }
        return decoded.withUnsafeBytes { string($0) }
    }

    /// `%XX` decoded, as a server decodes a URL before routing it or mapping it to a file;
    /// a `%` without two hex digits after it stays as it is.
    static func percentDecoded(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        return decoded
    }

    /// The scalar of `\uHHHH` (or of a `\uD8xx\uDCxx` surrogate pair) at `index`, and how many
    /// bytes it spans; nil for a lone surrogate or too few hex digits, which stay as written.
    private static func jsonEscapedScalar(_ bytes: UnsafeRawBufferPointer, at index: Int) -> (scalar: Unicode.Scalar, length: Int)? {
        func unit(at start: Int) -> UInt32? {
            guard start + 6 <= bytes.count, bytes[start] == UInt8(ascii: "\\"), bytes[start + 1] == UInt8(ascii: "u") else { return nil }
            var value: UInt32 = 0
            for offset in 2..<6 {
                guard let digit = hexValue(bytes[start + offset]) else { return nil }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        guard let first = unit(at: index) else { return nil }
        if (0xD800..<0xDC00).contains(first) {
            guard let second = unit(at: index + 6), (0xDC00..<0xE000).contains(second),
                  let scalar = Unicode.Scalar(0x10000 + (first - 0xD800) << 10 + (second - 0xDC00)) else { return nil }
            return (scalar, 12)
        }
        return Unicode.Scalar(first).map { ($0, 6) }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func appendHexEscape(_ byte: UInt8, to output: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "x"), digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }

    /// Length of the well-formed UTF-8 sequence starting at `index` (RFC 3629: no overlong
    /// forms, no surrogates, nothing above U+10FFFF), or 0 if the byte there starts none.
    static func validSequenceLength(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int {
        let lead = bytes[index]
        if lead < 0x80 { return 1 }
        func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            index + offset < bytes.count && bytes[index + offset] >= low && bytes[index + offset] <= high
        }
        switch lead {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : 0
        case 0xE0:
            return continuation(1, 0xA0, 0xBF) && continuation(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF:
            return continuation(1) && continuation(2) ? 3 : 0
        case 0xED:
            return continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : 0
        case 0xF0:
            return continuation(1, 0x90, 0xBF) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF1...0xF3:
            return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4:
            return continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : 0
        default:
            return 0
        }
    }
}
