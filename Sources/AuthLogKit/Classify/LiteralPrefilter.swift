import CByteSearch

/// Finds the lines of a block that can possibly match, the way ripgrep searches for a
/// literal before it runs a regex: each rule names byte strings its lines must contain
/// (`" 401 "`, `was not found in`…), and only lines holding one reach PCRE2. On a typical
/// access log ~95 % of the bytes are never looked at by PCRE2.
///
/// Literals of equal length that share their first byte (`" 401 "` and `" 403 "`) are
/// searched together in one SIMD pass (`authlog_find_any`), which checks the first byte and
/// a second "probe" byte the literals agree on, chosen as rare in logs as possible (the `4`
/// of `" 40`, not the space that follows every status code). On a CPU with AVX2 all the
/// literals are searched in one pass instead (`MultiLiteralSearch`), which finds the same
/// positions.
struct LiteralPrefilter {
    /// Literals grouped for one pass each, stored back to back.
    /// Empty when `allAtOnce` searches for every literal.
    private let groups: [(bytes: [UInt8], count: Int, length: Int, probe: Int)]
    /// Set on a CPU with AVX2: one pass for all literals, in the slot after the groups'.
    private let allAtOnce: MultiLiteralSearch?
    /// Offset of the next occurrence of each group at or after the search position, or
    /// `Int.max` when there is none left in the block; `-1` when not yet searched.
    private var nextHit: [Int]

    /// Also a candidate: a line that names a user (see `authlog_find_named_user`).
    private let namedUsers: Bool

    init(literals: [[UInt8]], namedUsers: Bool = false, searchAllAtOnce: Bool = true) {
        self.namedUsers = namedUsers
        let literals = literals.filter { !$0.isEmpty }
        self.allAtOnce = searchAllAtOnce ? MultiLiteralSearch.make(literals: literals) : nil
        var grouped: [(bytes: [UInt8], count: Int, length: Int)] = []
        for literal in literals where allAtOnce == nil {
            // One pass checks the first byte and a probe byte every literal of the group has:
            // a literal that shares no position with the group gets a pass of its own
            // (`"status":401` and `"method":"POST"` are of one length and first byte).
            if let index = grouped.firstIndex(where: { group in
                group.length == literal.count && group.bytes.first == literal.first
                    && Self.sharesProbe(group.bytes, count: group.count, with: literal)
            }) {
                grouped[index].bytes += literal
                grouped[index].count += 1
            } else {
                grouped.append((literal, 1, literal.count))
            }
        }
        self.groups = grouped.map { group in
            (group.bytes, group.count, group.length, Self.probe(group.bytes, count: group.count, length: group.length))
        }
        self.nextHit = [Int](repeating: -1, count: groups.count + 2)
    }

    /// True when some position other than 0 holds the same byte in every literal of the group
    /// and in `literal` (a literal of one byte needs none).
    private static func sharesProbe(_ bytes: [UInt8], count: Int, with literal: [UInt8]) -> Bool {
        let length = literal.count
        guard length > 1 else { return true }
        return (1..<length).contains { position in
            (0..<count).allSatisfy { bytes[$0 * length + position] == literal[position] }
        }
    }

    /// Bytes from most to least common in web logs, roughly: the probe should be rare.
    private static let commonness: [UInt8] = Array(
        " eaotisrnlhcdupm/.-0:1g2fbwy\"3v5486k7x9=jqz,;&?_()[]{}<>'@#$%^*+!|~`".utf8)

    /// The position (other than 0) whose byte every literal of the group shares and that is
    /// least common in logs; the last byte when they share none.
    private static func probe(_ bytes: [UInt8], count: Int, length: Int) -> Int {
        guard length > 1 else { return 0 }
        var best = length - 1
        var bestRank = -1
        for position in 1..<length {
            let byte = bytes[position]
            guard (0..<count).allSatisfy({ bytes[$0 * length + position] == byte }) else { continue }
            let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            let rank = commonness.firstIndex(of: lower).map { $0 + (lower != byte ? 20 : 0) } ?? commonness.count + 10
            if rank > bestRank {
                best = position
                bestRank = rank
            }
        }
        return best
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
                    authlog_find_any(bytes + from, to - from, needles.baseAddress, group.count, group.length, group.probe)
                }
                nextHit[index] = offset == to - from ? Int.max : from + offset
            }
            earliest = min(earliest, nextHit[index])
        }
        if let allAtOnce {
            let slot = groups.count
            if nextHit[slot] != Int.max, nextHit[slot] < from {
                let offset = allAtOnce.firstOccurrence(in: bytes + from, count: to - from)
                nextHit[slot] = offset == to - from ? Int.max : from + offset
            }
            earliest = min(earliest, nextHit[slot])
        }
        if namedUsers {
            let slot = groups.count + 1
            if nextHit[slot] != Int.max, nextHit[slot] < from {
                let offset = authlog_find_named_user(bytes + from, to - from)
                nextHit[slot] = offset == to - from ? Int.max : from + offset
            }
            earliest = min(earliest, nextHit[slot])
        }
        guard earliest != Int.max else { return nil }
        let lineStart = (ByteSearch.last(0x0A, in: base, from: from, to: earliest) ?? (from - 1)) + 1
        let lineEnd = ByteSearch.first(0x0A, in: base, from: earliest, to: to) ?? to
        return lineStart..<lineEnd
    }
}
