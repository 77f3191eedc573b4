import Foundation

/// A client address as the network sees it: IPv4 or IPv6, parsed by the C library's
/// `inet_pton` (a log field is attacker-controlled: anything it does not accept is no address,
/// never a guess). Kept as 128 bits, IPv4 in the low 32 with `isIPv4` set, so that the trusted
/// proxies, the never-ban list and the IPv6 networks of the findings compare one way.
public struct IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64
    public let isIPv4: Bool

    /// The number of bits of this address's family (32 or 128): a prefix longer is invalid.
    public var bitWidth: Int { isIPv4 ? 32 : 128 }

    init(high: UInt64, low: UInt64, isIPv4: Bool) {
        self.high = high
        self.low = low
        self.isIPv4 = isIPv4
    }

    /// Parses `203.0.113.7`, `2001:db8::1` and `[2001:db8::1]` (a bracketed IPv6 address, as
    /// some logs write it). An IPv4-mapped IPv6 address (`::ffff:203.0.113.7`, what a dual-stack
    /// socket logs) is the IPv4 address: the same client must not count twice.
    public init?(_ text: some StringProtocol) {
        var text = String(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        // inet_pton reads a C string: a NUL inside would cut the text short and accept a prefix.
        guard !text.isEmpty, text.utf8.count <= 45, !text.utf8.contains(0) else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.init(v4)
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        self.init(v6)
    }

    /// An address as the socket API holds it (`inet_pton`, `getifaddrs`).
    init(_ v4: in_addr) {
        self.init(high: 0, low: UInt64(UInt32(bigEndian: v4.s_addr)), isIPv4: true)
    }

    init(_ v6: in6_addr) {
        var v6 = v6
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        let high = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let low = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        if high == 0, low >> 32 == 0xFFFF {
            self.init(high: 0, low: low & 0xFFFF_FFFF, isIPv4: true)
        } else {
            self.init(high: high, low: low, isIPv4: false)
        }
    }

    /// The address with every bit past the first `prefix` cleared (the network it is in).
    public func masked(prefix: Int) -> IPAddress {
        let bits = max(0, min(prefix, bitWidth))
        if isIPv4 {
            let mask: UInt64 = bits == 0 ? 0 : (0xFFFF_FFFF << UInt64(32 - bits)) & 0xFFFF_FFFF
            return IPAddress(high: 0, low: low & mask, isIPv4: true)
        }
        let highMask: UInt64 = bits >= 64 ? .max : (bits == 0 ? 0 : .max << UInt64(64 - bits))
        let lowMask: UInt64 = bits <= 64 ? 0 : (bits == 128 ? .max : .max << UInt64(128 - bits))
        return IPAddress(high: high & highMask, low: low & lowMask, isIPv4: false)
    }

    /// The canonical text (`inet_ntop`: lower case, the longest run of zero groups as `::`).
    public var description: String {
        if isIPv4 {
            return [24, 16, 8, 0].map { String((low >> UInt64($0)) & 0xFF) }.joined(separator: ".")
        }
        var v6 = in6_addr()
        withUnsafeMutableBytes(of: &v6) { raw in
            for index in 0..<8 {
                raw[index] = UInt8((high >> UInt64(56 - 8 * index)) & 0xFF)
                raw[8 + index] = UInt8((low >> UInt64(56 - 8 * index)) & 0xFF)
            }
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil else { return "::" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// IPv4 before IPv6, then by value: ban lists and reports list addresses in this order.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.isIPv4 != rhs.isIPv4 { return lhs.isIPv4 }
        return (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

/// A network in CIDR notation (`203.0.113.0/24`, `2001:db8::/32`; a bare address is the
/// network of that one host). What `--trusted-proxy`, `--never-ban` and the IPv6 grouping of
/// the findings speak in.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    /// The first address of the network (its host bits are zero).
    public let base: IPAddress
    public let prefix: Int

    public init(_ address: IPAddress, prefix: Int) {
        self.prefix = max(0, min(prefix, address.bitWidth))
        self.base = address.masked(prefix: self.prefix)
    }

    /// Parses `ADDRESS/PREFIX` or a bare address. A prefix outside the family's width, or host
    /// bits set (`203.0.113.7/24`), is refused: a typo in a trust or ban list must not widen it
    /// silently.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        guard parts.count == 2 else {
            self.init(address, prefix: address.bitWidth)
            return
        }
        guard let prefix = Int(parts[1]), parts[1].allSatisfy(\.isASCII), (0...address.bitWidth).contains(prefix),
              address.masked(prefix: prefix) == address else { return nil }
        self.init(address, prefix: prefix)
    }

    public func contains(_ address: IPAddress) -> Bool {
        address.isIPv4 == base.isIPv4 && address.masked(prefix: prefix) == base
    }

    /// Whether this is one host (a /32 or /128), written as the bare address.
    public var isHost: Bool { prefix == base.bitWidth }

    public var description: String { isHost ? base.description : "\(base)/\(prefix)" }
}
