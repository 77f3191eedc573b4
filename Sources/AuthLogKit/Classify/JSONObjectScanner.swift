/// One walk over a JSON object line that notes where the values of a `JSONKeyMap`'s keys are,
/// without building anything: linear in the line, no allocation, no recursion into objects no
/// mapped path enters (those are skipped by counting brackets).
///
/// The walk checks the object's syntax as far as it reads it: a line cut short, a missing
/// colon or comma, trailing bytes after the object make it no record. Skipped containers
/// are only checked for balance. Strings are kept raw (their escapes undone later, only for
/// the values that are used).
final class JSONObjectScanner {
    /// The best value seen so far for one target: its raw bytes' range in the line (a
    /// string's without its quotes) and the rank of the key path that gave it.
    struct Found {
        var start = 0
        var end = 0
        /// -1: none yet.
        var rank = -1
        var hasEscape = false
    }

    private let nodes: UnsafeMutableBufferPointer<JSONKeyMap.Flat.Node>
    private let keyBytes: UnsafeMutableBufferPointer<UInt8>
    private let children: UnsafeMutableBufferPointer<Int>
    private let slots: UnsafeMutableBufferPointer<JSONKeyMap.Flat.Slot>
    /// Per target (`JSONKeyMap.Target.rawValue`), reset before each line.
    let found: UnsafeMutableBufferPointer<Found>

    init(_ map: JSONKeyMap) {
        let flat = map.flat
        func copy<T>(_ values: [T]) -> UnsafeMutableBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(values.count, 1))
            _ = buffer.initialize(from: values)
            return buffer
        }
        nodes = copy(flat.nodes)
        keyBytes = copy(flat.keyBytes)
        children = copy(flat.children)
        slots = copy(flat.slots)
        found = .allocate(capacity: JSONKeyMap.Target.allCases.count)
        found.initialize(repeating: Found())
    }

    deinit {
        nodes.deallocate()
        keyBytes.deallocate()
        children.deallocate()
        slots.deallocate()
        found.deallocate()
    }

    /// Reads `line` as one JSON object (a UTF-8 byte order mark and surrounding spaces
    /// allowed); false when it is none.
    func scan(_ line: UnsafeRawBufferPointer) -> Bool {
        for index in found.indices { found[index] = Found() }
        var index = 0
        if line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF { index = 3 }
        index = Self.skipSpace(line, from: index)
        guard index < line.count, line[index] == UInt8(ascii: "{"),
              let end = object(line, at: index, node: 0) else { return false }
        return Self.skipSpace(line, from: end) == line.count
    }

    /// Reads the object whose `{` is at `start`, at key-tree node `node`; returns the index
    /// after its `}`.
    private func object(_ bytes: UnsafeRawBufferPointer, at start: Int, node: Int) -> Int? {
        var index = Self.skipSpace(bytes, from: start + 1)
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "}") { return index + 1 }
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""),
                  let keyEnd = JSONString.closingQuote(in: bytes, from: index + 1) else { return nil }
            let child = self.child(of: node, named: bytes, from: index + 1, to: keyEnd)
            index = Self.skipSpace(bytes, from: keyEnd + 1)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index = Self.skipSpace(bytes, from: index + 1)
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                guard let close = JSONString.closingQuote(in: bytes, from: index + 1) else { return nil }
                if child >= 0 { record(child, bytes, from: index + 1, to: close) }
                index = close + 1
            case UInt8(ascii: "{"):
                let end = child >= 0 && nodes[child].childCount > 0
                    ? object(bytes, at: index, node: child) : Self.skipContainer(bytes, at: index)
                guard let end else { return nil }
                if child >= 0 { recordContainer(child, from: index, to: end) }
                index = end
            case UInt8(ascii: "["):
                guard let end = Self.skipContainer(bytes, at: index) else { return nil }
                if child >= 0 { recordContainer(child, from: index, to: end) }
                index = end
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                // true, false and null give no value: null is an absent one, and no field of
                // an access log is a boolean.
                guard let end = Self.skipWord(bytes, at: index) else { return nil }
                index = end
            default:
                var end = index
                while end < bytes.count, Self.isNumberByte(bytes[end]) { end += 1 }
                guard end > index else { return nil }
                if child >= 0 { record(child, bytes, from: index, to: end) }
                index = end
            }
            index = Self.skipSpace(bytes, from: index)
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ",") {
                index = Self.skipSpace(bytes, from: index + 1)
                continue
            }
            return bytes[index] == UInt8(ascii: "}") ? index + 1 : nil
        }
    }

    /// The child of `node` whose key is `bytes[from..<to]` (compared as written), or -1.
    @inline(__always)
    private func child(of node: Int, named bytes: UnsafeRawBufferPointer, from: Int, to: Int) -> Int {
        let parent = nodes[node]
        let length = to - from
        for position in parent.childStart..<(parent.childStart + parent.childCount) {
            let candidate = children[position]
            let key = nodes[candidate]
            guard key.keyCount == length else { continue }
            var offset = 0
            while offset < length, keyBytes[key.keyStart + offset] == bytes[from + offset] { offset += 1 }
            if offset == length { return candidate }
        }
        return -1
    }

    /// Notes a value for the node's targets. `-` and the empty string are how logs write an
    /// absent value: they give none, so a later alternative can. Of one rank (the same key
    /// twice) the last wins, as in most JSON readers.
    @inline(__always)
    private func record(_ node: Int, _ bytes: UnsafeRawBufferPointer, from: Int, to: Int) {
        let entry = nodes[node]
        guard entry.slotCount > 0, to > from, !(to - from == 1 && bytes[from] == UInt8(ascii: "-")) else { return }
        for position in entry.slotStart..<(entry.slotStart + entry.slotCount) {
            let slot = slots[position]
            let current = found[slot.target]
            guard current.rank < 0 || slot.rank <= current.rank else { continue }
            let value = UnsafeRawBufferPointer(rebasing: bytes[from..<to])
            found[slot.target] = Found(start: from, end: to, rank: slot.rank, hasEscape: JSONString.hasEscape(value))
        }
    }

    /// Notes an object or array as its JSON text, for the message only: a field (a client, a
    /// user) is a string or a number, and a container where one is expected is no value.
    @inline(__always)
    private func recordContainer(_ node: Int, from: Int, to: Int) {
        let entry = nodes[node]
        guard entry.slotCount > 0 else { return }
        for position in entry.slotStart..<(entry.slotStart + entry.slotCount) {
            let slot = slots[position]
            guard slot.target == JSONKeyMap.Target.message.rawValue else { continue }
            let current = found[slot.target]
            guard current.rank < 0 || slot.rank <= current.rank else { continue }
            // Kept as written: its quotes and escapes are the JSON's, which a regex reads.
            found[slot.target] = Found(start: from, end: to, rank: slot.rank, hasEscape: false)
        }
    }

    /// Skips the object or array at `start`, strings included; returns the index after it.
    private static func skipContainer(_ bytes: UnsafeRawBufferPointer, at start: Int) -> Int? {
        var depth = 0
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                guard let close = JSONString.closingQuote(in: bytes, from: index + 1) else { return nil }
                index = close
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return index + 1 }
            default:
                break
            }
            index += 1
        }
        return nil
    }

    private static func skipWord(_ bytes: UnsafeRawBufferPointer, at start: Int) -> Int? {
        let length = bytes[start] == UInt8(ascii: "f") ? 5 : 4
        guard start + length <= bytes.count else { return nil }
        let word: StaticString = bytes[start] == UInt8(ascii: "t") ? "true" : bytes[start] == UInt8(ascii: "f") ? "false" : "null"
        for offset in 0..<length where bytes[start + offset] != word.utf8Start[offset] { return nil }
        return start + length
    }

    @inline(__always)
    private static func skipSpace(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A else { break }
            index += 1
        }
        return index
    }

    @inline(__always)
    private static func isNumberByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    }
}
