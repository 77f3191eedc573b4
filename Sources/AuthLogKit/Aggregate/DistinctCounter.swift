/// Counts distinct strings (the user names one address tried): exactly up to
/// `exactLimit`, then with a HyperLogLog of 1,024 registers (about 3 % error, 1 KiB), so
/// that an address trying millions of names cannot grow memory without bound.
public struct DistinctCounter: Sendable {
    static let exactLimit = 1024
    private static let precision = 10

    private var exact: Set<String> = []
    private var registers: [UInt8]? = nil

    public init() {}

    /// True once the count is an estimate.
    public var isApproximate: Bool { registers != nil }

    public var count: Int {
        guard let registers else { return exact.count }
        return Self.estimate(registers)
    }

    mutating func insert(_ value: String) {
        if registers == nil {
            exact.insert(value)
            if exact.count > Self.exactLimit { spill() }
        } else {
            Self.add(value, to: &registers!)
        }
    }

    mutating func merge(_ other: DistinctCounter) {
        if registers == nil, other.registers == nil {
            exact.formUnion(other.exact)
            if exact.count > Self.exactLimit { spill() }
            return
        }
        if registers == nil { spill() }
        if let theirs = other.registers {
            for index in theirs.indices where theirs[index] > registers![index] { registers![index] = theirs[index] }
        } else {
            for value in other.exact { Self.add(value, to: &registers!) }
        }
    }

    private mutating func spill() {
        var fresh = [UInt8](repeating: 0, count: 1 << Self.precision)
        for value in exact { Self.add(value, to: &fresh) }
        registers = fresh
        exact = []
    }

    private static func add(_ value: String, to registers: inout [UInt8]) {
        // A fixed hash (FNV-1a then a 64-bit finaliser), not Swift's per-process seeded
        // Hasher: estimates must not change from run to run.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in value.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        hash ^= hash >> 33; hash &*= 0xff51_afd7_ed55_8ccd; hash ^= hash >> 33
        hash &*= 0xc4ce_b9fe_1a85_ec53; hash ^= hash >> 33
        let index = Int(hash >> UInt64(64 - precision))
        let rank = UInt8(min(64 - precision, (hash << UInt64(precision)).leadingZeroBitCount) + 1)
        if rank > registers[index] { registers[index] = rank }
    }

    private static func estimate(_ registers: [UInt8]) -> Int {
        let m = Double(registers.count)
        var sum = 0.0
        var zeros = 0
        for register in registers {
            sum += 1.0 / Double(UInt64(1) << UInt64(register))
            if register == 0 { zeros += 1 }
        }
        let raw = 0.7213 / (1 + 1.079 / m) * m * m / sum
        if raw <= 2.5 * m, zeros > 0 {
            return Int((m * log(m / Double(zeros))).rounded())  // linear counting for small sets
        }
        return Int(raw.rounded())
    }
}

import Foundation
