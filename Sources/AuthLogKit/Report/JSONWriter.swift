/// A small streaming JSON writer with a fixed key order, so that reports are stable byte
/// for byte and diff well. Strings are escaped per RFC 8259, and DEL and the C1 controls
/// too, so a report viewed raw in a terminal cannot carry escape sequences.
public struct JSONWriter {
    private(set) var output: String = ""
    private let pretty: Bool
    private var depth = 0
    private var needsComma: [Bool] = [false]

    init(pretty: Bool) {
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
        output += "\""
        var plainStart = value.unicodeScalars.startIndex
        var index = plainStart
        let scalars = value.unicodeScalars
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let escape: String?
            switch scalar {
            case "\"": escape = "\\\""
            case "\\": escape = "\\\\"
            case "\n": escape = "\\n"
            case "\r": escape = "\\r"
            case "\t": escape = "\\t"
            case "\u{00}"..."\u{1F}", "\u{7F}"..."\u{9F}", "\u{2028}", "\u{2029}":
                escape = "\\u" + hex4(scalar.value)
            default: escape = nil
            }
            if let escape {
                output.unicodeScalars.append(contentsOf: scalars[plainStart..<index])
                output += escape
                plainStart = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        output.unicodeScalars.append(contentsOf: scalars[plainStart..<scalars.endIndex])
        output += "\""
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
