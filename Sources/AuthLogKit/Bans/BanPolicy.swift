#if canImport(Glibc)
import Glibc
#endif

/// Who must never be on a ban list, whatever the findings say: a ban of one of these locks
/// out the server itself, its proxy (and so every client behind it) or a person who only
/// followed an authentication challenge.
public struct BanPolicy: Sendable {
    /// `--never-ban`, with loopback and this machine's own addresses always added.
    public var neverBan: [IPNetwork]
    /// `--trusted-proxy`: the proxy's address is every client's connecting address.
    public var trustedProxies: [IPNetwork]
    /// Clients that only ever received challenges (a 401 followed by an authenticated request
    /// that succeeded): their 401s are no failures, so they are nobody to block.
    public var challengeOnlyClients: [IPAddress]

    public init(neverBan: [IPNetwork] = [], trustedProxies: [IPNetwork] = [], challengeOnlyClients: [IPAddress] = []) {
        self.neverBan = neverBan
        self.trustedProxies = trustedProxies
        self.challengeOnlyClients = challengeOnlyClients
    }

    /// Loopback (127.0.0.0/8, ::1) and the addresses of this machine's interfaces: added to
    /// every `--never-ban` list, not replaced by it, because banning them locks the server out
    /// of itself (a local monitor, a cron job, the admin's own tunnel).
    public static func defaultNeverBan() -> [IPNetwork] {
        var networks = [IPNetwork("127.0.0.0/8"), IPNetwork("::1")].compactMap { $0 }
        networks += machineAddresses().map { IPNetwork($0, prefix: $0.bitWidth) }
        return networks
    }

    /// The addresses of this machine's interfaces (getifaddrs), IPv4 and IPv6.
    static func machineAddresses() -> [IPAddress] {
        var first: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&first) == 0, let first else { return [] }
        defer { freeifaddrs(first) }
        var addresses: [IPAddress] = []
        var next: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = next {
            next = entry.pointee.ifa_next
            guard let socketAddress = entry.pointee.ifa_addr else { continue }
            switch Int32(socketAddress.pointee.sa_family) {
            case AF_INET:
                addresses.append(socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { IPAddress($0.pointee.sin_addr) })
            case AF_INET6:
                addresses.append(socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { IPAddress($0.pointee.sin6_addr) })
            default:
                continue
            }
        }
        return addresses
    }

    /// Why `network` must not be banned, if it must not: it overlaps a never-ban or trusted
    /// network (a ban of a /64 that holds the server's own address bans the server too), or
    /// holds a challenge-only client.
    func protection(of network: IPNetwork) -> String? {
        if neverBan.contains(where: { $0.overlaps(network) }) { return "never-ban" }
        if trustedProxies.contains(where: { $0.overlaps(network) }) { return "trusted proxy" }
        if challengeOnlyClients.contains(where: { network.contains($0) }) { return "challenge-only client" }
        return nil
    }
}

extension IPNetwork {
    /// Whether the two networks share an address (one holds the other's base).
    func overlaps(_ other: IPNetwork) -> Bool { contains(other.base) || other.contains(base) }
}
