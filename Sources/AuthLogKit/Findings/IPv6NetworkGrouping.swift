/// One attacker owns a whole IPv6 network (a /64 is what a customer gets): its addresses are
/// one client to the findings when several of them fail (`--ipv6-prefix N`, default 64).
///
/// Done once on the failed requests before any rule runs, by giving each such address the id
/// of its network's text (`2001:db8:1:2::/64`): every rule keyed by address then counts the
/// network as one client, and a finding's key is the network, which is what the ban lists
/// (built from the findings' keys) block. A network of which one address failed stays that
/// address: nothing is widened on the word of one address.
struct IPv6NetworkGrouping {
    /// The requests with the addresses of each grouped network replaced by the network.
    var requests: [FailedRequest]
    /// Per network key (its text), how many distinct addresses it stands for.
    var addressesByNetwork: [String: Int]

    init(_ requests: [FailedRequest], strings: inout StringInterner, prefix: Int) {
        self.requests = requests
        self.addressesByNetwork = [:]
        guard prefix < 128 else { return }
        var networkOf: [UInt32: IPNetwork] = [:]
        var addresses: [IPNetwork: Int] = [:]
        // Each address is parsed once, whatever its family: ids are dense, so a flag per id
        // (an IPv4 client failing 10,000 times must not be parsed 10,000 times).
        var parsed = [Bool](repeating: false, count: strings.strings.count)
        for request in requests where request.ip != 0 && !parsed[Int(request.ip)] {
            parsed[Int(request.ip)] = true
            guard let text = strings[request.ip], text.utf8.contains(UInt8(ascii: ":")),
                  let address = IPAddress(text), !address.isIPv4 else { continue }
            let network = IPNetwork(address, prefix: prefix)
            networkOf[request.ip] = network
            addresses[network, default: 0] += 1
        }
        var replacement: [UInt32: UInt32] = [:]
        for (ip, network) in networkOf {
            guard let count = addresses[network], count >= 2 else { continue }
            let key = network.description
            replacement[ip] = strings.id(key)
            addressesByNetwork[key] = count
        }
        guard !replacement.isEmpty else { return }
        for index in self.requests.indices {
            if let network = replacement[self.requests[index].ip] { self.requests[index].ip = network }
        }
    }

    /// Each finding keyed by a grouped network says how many addresses it holds.
    func annotate(_ findings: [Finding]) -> [Finding] {
        guard !addressesByNetwork.isEmpty else { return findings }
        return findings.map { finding in
            guard finding.keyDimension == .ip, let count = addressesByNetwork[finding.key] else { return finding }
            var annotated = finding
            annotated.figures.append(("addresses", .int(count)))
            return annotated
        }
    }
}
