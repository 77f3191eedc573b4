/// A small streaming JSON writer with a fixed key order, so that reports are stable byte
/// for byte and diff well. Strings are escaped per RFC 8259, and DEL and the C1 controls
/// too, so a report viewed raw in a terminal cannot carry escape sequences. The byte-level
/// escaper is shared with the NDJSON event renderer.
public struct JSONWriter {
    public private(set) var output: String = ""
    private let pretty: Bool
    private var depth = 0
    private var needsComma: [Bool] = [false]

    public init(pretty: Bool) {
        self.pretty = pretty
        output.reserveCapacity(4096)
    }

    public mutating func beginObject(_ key: String? = nil) { open(key, "{") }
    public mutating func endObject() { close("}") }
    public mutating func beginArray(_ key: String? = nil) { open(key, "[") }
    public mutating func endArray() { close("]") }

    public mutating func string(_ key: String?, _ value: String?) {
        prefix(key)
        if let value { Self.appendQuoted(value, to: &output) } else { output += "null" }
    }

    public mutating func int(_ key: String?, _ value: Int?) {
        prefix(key)
        output += value.map(String.init) ?? "null"
    }

    public mutating func bool(_ key: String?, _ value: Bool) {
        prefix(key)
        output += value ? "true" : "false"
    }

    private mutating func open(_ key: String?, _ bracket: String) {
        prefix(key)
        output += bracket
        depth += 1
        needsComma.append(false)
    }

    private mutating func close(_ bracket: String) {
        let hadMembers = needsComma.removeLast()
        depth -= 1
        if pretty && hadMembers { newline() }
        output += bracket
    }

    private mutating func prefix(_ key: String?) {
        if needsComma[needsComma.count - 1] { output += "," }
        needsComma[needsComma.count - 1] = true
        if pretty && depth > 0 { newline() }
        if let key {
            Self.appendQuoted(key, to: &output)
            output += pretty ? ": " : ":"
        }
    }

    private mutating func newline() {
        output += "\n"
        output += String(repeating: "  ", count: depth)
    }

    static func appendQuoted(_ value: String, to output: inout String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count + 2)
        appendQuoted(value, to: &bytes)
        output += String(decoding: bytes, as: UTF8.self)
    }

    /// A JSON string, escaped: quote, backslash, C0 and C1 controls, DEL, U+2028 and U+2029
    /// (the last ones so that a report viewed raw in a terminal carries no control codes).
    static func appendQuoted(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
                case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x00...0x1F, 0x7F:
                    unicodeEscape(UInt32(byte), &out)
                case 0xC2 where index + 1 < bytes.count && bytes[index + 1] >= 0x80 && bytes[index + 1] <= 0x9F:
                    unicodeEscape(UInt32(bytes[index + 1]), &out)  // C1 control U+0080…U+009F
                    index += 1
                case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80
                    && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                    unicodeEscape(bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029, &out)
                    index += 2
                default:
                    out.append(byte)
                }
                index += 1
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func unicodeEscape(_ value: UInt32, _ out: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        out.append(contentsOf: [0x5C, UInt8(ascii: "u"), digits[Int(value >> 12 & 15)], digits[Int(value >> 8 & 15)],
                                digits[Int(value >> 4 & 15)], digits[Int(value & 15)]])
    }
}
