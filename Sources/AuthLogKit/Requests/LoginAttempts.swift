/// The requests that held more than one login attempt, by line: an XML-RPC `system.multicall`
/// answered with faults (a rule's `attempts-from-size`). Few, so kept beside the 48-byte
/// records rather than widening every one of them; a line not here held one attempt.
struct LoginAttempts: Sendable {
    private var byLine: [UInt64: Int] = [:]

    init() {}

    private static func key(input: UInt32, line: UInt32) -> UInt64 { UInt64(input) << 32 | UInt64(line) }

    /// A line's count, once its line number is absolute (`RequestCollector.take`).
    mutating func set(_ attempts: Int, input: UInt32, line: UInt32) {
        guard attempts > 1 else { return }
        byLine[Self.key(input: input, line: line)] = attempts
    }

    /// The attempts the record's line held: 1 unless an estimate said more.
    subscript(_ record: RequestRecord) -> Int { byLine[Self.key(input: record.input, line: record.line)] ?? 1 }

    var isEmpty: Bool { byLine.isEmpty }
}
