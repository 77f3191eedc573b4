import Foundation

/// The proxies whose word about the client is believed (`--trusted-proxy CIDR`, repeatable;
/// `cloudflare` for Cloudflare's published ranges, `patterns/proxies/cloudflare.txt`).
///
/// A line's connecting address (the peer) is the client unless the peer is one of these and
/// the format carries the client's address in a header (`X-Forwarded-For`, `X-Real-IP`,
/// `CF-Connecting-IP`: the `forwarded` field). Every client can send such a header, so it is
/// read only from a trusted peer, and only its rightmost hop that is not a trusted proxy
/// itself: the hops left of that one were written by whoever sent the request.
public struct TrustedProxies: Sendable, Equatable {
    public let networks: [IPNetwork]

    public init(_ networks: [IPNetwork]) {
        self.networks = networks
    }

    public var isEmpty: Bool { networks.isEmpty }

    /// The names `--trusted-proxy` accepts beside a CIDR, each a list kept as data.
    public static let namedLists = ["cloudflare"]

    /// Parses the option's values: CIDRs, bare addresses or a named list. The error is the
    /// one-line message for the command line.
    public static func parse(_ values: [String]) throws(TrustedProxyError) -> TrustedProxies {
        var networks: [IPNetwork] = []
        for value in values {
            if namedLists.contains(value.lowercased()) {
                networks += namedList(value.lowercased())
            } else if let network = IPNetwork(value) {
                networks.append(network)
            } else {
                throw TrustedProxyError(value: value)
            }
        }
        return TrustedProxies(networks)
    }

    /// The networks of a list in `patterns/proxies/NAME.txt` (one CIDR a line, `#` comments).
    static func namedList(_ name: String) -> [IPNetwork] {
        guard let file = BuiltinPatternFiles.files.first(where: { $0.name == "proxies/\(name).txt" }) else { return [] }
        return file.text.split(whereSeparator: \.isNewline).compactMap { line in
            let text = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? nil : IPNetwork(text)
        }
    }

    public func contains(_ address: IPAddress) -> Bool {
        networks.contains { $0.contains(address) }
    }

    /// The client of a line whose connecting address is `peer` and whose header says
    /// `forwarded`: the rightmost hop that is not trusted, or nil when the peer is untrusted,
    /// the header is absent (`-`) or any hop read from the right is no address (`unknown`,
    /// garbage, an obfuscated `_hidden` name): a hop that cannot be checked ends the trust
    /// there, and the peer stays the client.
    public func client(peer: String, forwarded: some StringProtocol) -> String? {
        guard !networks.isEmpty, let peerAddress = IPAddress(peer), contains(peerAddress) else { return nil }
        // A real chain has a few hops; a header of thousands is a client's noise and is not
        // walked further than this.
        var hopsRead = 0
        for hop in forwarded.split(separator: ",", omittingEmptySubsequences: false).reversed() {
            hopsRead += 1
            guard hopsRead <= 32 else { return nil }
            let text = hop.trimmingCharacters(in: .whitespaces)
            guard let address = Self.address(ofHop: text) else { return nil }
            if !contains(address) { return address.description }
        }
        return nil
    }

    /// A hop as proxies write it: an address, `[v6]`, `[v6]:port` or `v4:port`.
    static func address(ofHop text: String) -> IPAddress? {
        if let address = IPAddress(text) { return address }
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            return IPAddress(text[text.index(after: text.startIndex)..<close])
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2, !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) {
            return IPAddress(parts[0]).flatMap { $0.isIPv4 ? $0 : nil }
        }
        return nil
    }
}

public struct TrustedProxyError: Error, Sendable, CustomStringConvertible {
    public let value: String
    public var description: String {
        "--trusted-proxy: '\(value)' is no CIDR (ADDRESS/PREFIX with the host bits zero), address or list (cloudflare)"
    }
}
