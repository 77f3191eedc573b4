/// The top-level values of a one-line JSON object that a wrapper needs (`log`, `stream`;
/// `MESSAGE`, `__REALTIME_TIMESTAMP`…), found by one walk over the line and given as byte
/// ranges of the line: a string's escaped content between its quotes, an array or any other
/// value as written. Nothing is decoded or allocated; a key not asked for is skipped with its
/// value, nested objects and arrays included.
struct JSONLineFields {
    enum Kind { case string, other }

    /// The keys looked for, as bytes (compared as written: the wrappers' keys need no escapes).
    let keys: [[UInt8]]

    init(_ keys: [String]) {
        self.keys = keys.map { Array($0.utf8) }
    }

    /// Fills `values[i]` with the value of `keys[i]` (nil when absent); false when the line is
    /// no JSON object (or is cut short before its end).
    func read(_ line: UnsafeRawBufferPointer, into values: inout [(range: Range<Int>, kind: Kind)?]) -> Bool {
        for index in values.indices { values[index] = nil }
        var index = skipSpace(line, 0)
        guard index < line.count, line[index] == UInt8(ascii: "{") else { return false }
        index += 1
        while true {
            index = skipSpace(line, index)
            guard index < line.count else { return false }
            if line[index] == UInt8(ascii: "}") { return true }
            guard line[index] == UInt8(ascii: "\""), let keyEnd = JSONString.closingQuote(in: line, from: index + 1) else { return false }
            let key = UnsafeRawBufferPointer(rebasing: line[(index + 1)..<keyEnd])
            index = skipSpace(line, keyEnd + 1)
            guard index < line.count, line[index] == UInt8(ascii: ":") else { return false }
            index = skipSpace(line, index + 1)
            guard index < line.count else { return false }
            let value: (range: Range<Int>, kind: Kind)
            if line[index] == UInt8(ascii: "\"") {
                guard let end = JSONString.closingQuote(in: line, from: index + 1) else { return false }
                value = ((index + 1)..<end, .string)
                index = end + 1
            } else {
                guard let end = endOfValue(line, from: index) else { return false }
                value = (index..<end, .other)
                index = end
            }
            if let slot = keys.firstIndex(where: { $0.elementsEqual(key) }), values[slot] == nil { values[slot] = value }
            index = skipSpace(line, index)
            guard index < line.count else { return false }
            if line[index] == UInt8(ascii: ",") {
                index += 1
            } else if line[index] != UInt8(ascii: "}") {
                return false
            }
        }
    }

    /// The end of a number, literal, array or object starting at `start`.
    private func endOfValue(_ line: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var depth = 0
        var index = start
        while index < line.count {
            switch line[index] {
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if depth == 0 { return index }
                depth -= 1
                if depth == 0 { return index + 1 }
            case UInt8(ascii: "\""):
                guard let end = JSONString.closingQuote(in: line, from: index + 1) else { return nil }
                index = end
            case UInt8(ascii: ","), UInt8(ascii: " "), UInt8(ascii: "\t"):
                if depth == 0 { return index }
            default:
                break
            }
            index += 1
        }
        return depth == 0 ? index : nil
    }

    private func skipSpace(_ line: UnsafeRawBufferPointer, _ start: Int) -> Int {
        var index = start
        while index < line.count, line[index] == 0x20 || line[index] == 0x09 || line[index] == 0x0D { index += 1 }
        return index
    }
}
