import CByteSearch

/// Finds the lines of a block that can possibly match, the way ripgrep searches for a
/// literal before it runs a regex: each rule names byte strings its lines must contain
/// (`" 401 "`, `was not found in`…), and only lines holding one reach PCRE2. On a typical
/// access log ~95 % of the bytes are never looked at by PCRE2.
///
/// Literals of equal length that share their first and last byte (`" 401 "` and `" 403 "`)
/// are searched together in one SIMD pass (`authlog_find_any`).
struct LiteralPrefilter {
    /// Literals grouped for one pass each, stored back to back.
    private let groups: [(bytes: [UInt8], count: Int, length: Int)]
    /// Offset of the next occurrence of each group at or after the search position, or
    /// `Int.max` when there is none left in the block; `-1` when not yet searched.
    private var nextHit: [Int]

    init(literals: [[UInt8]]) {
        var groups: [(bytes: [UInt8], count: Int, length: Int)] = []
        for literal in literals where !literal.isEmpty {
            if let index = groups.firstIndex(where: {
                $0.length == literal.count && $0.bytes.first == literal.first && $0.bytes[$0.length - 1] == literal.last
            }) {
                groups[index].bytes += literal
                groups[index].count += 1
            } else {
                groups.append((literal, 1, literal.count))
            }
        }
        self.groups = groups
        self.nextHit = [Int](repeating: -1, count: groups.count)
    }

    /// Forget the previous block's positions.
    mutating func startBlock() {
        for index in nextHit.indices { nextHit[index] = -1 }
    }

    /// The first line in `base[from..<to]` that contains any literal, as the range of the
    /// line without its newline. `from` must be the start of a line.
    mutating func nextCandidateLine(in base: UnsafeRawPointer, from: Int, to: Int) -> Range<Int>? {
        var earliest = Int.max
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        for index in groups.indices {
            if nextHit[index] != Int.max, nextHit[index] < from {
                let group = groups[index]
                let offset = group.bytes.withUnsafeBufferPointer { needles in
                    authlog_find_any(bytes + from, to - from, needles.baseAddress, group.count, group.length)
                }
                nextHit[index] = offset == to - from ? Int.max : from + offset
            }
            earliest = min(earliest, nextHit[index])
        }
        guard earliest != Int.max else { return nil }
        let lineStart = (ByteSearch.last(0x0A, in: base, from: from, to: earliest) ?? (from - 1)) + 1
        let lineEnd = ByteSearch.first(0x0A, in: base, from: earliest, to: to) ?? to
        return lineStart..<lineEnd
    }
}
