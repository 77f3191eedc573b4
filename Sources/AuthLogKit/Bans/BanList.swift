/// What to block, from a report's findings (`--output bans`, the HTML page's "block these"
/// box): the addresses and networks of the attack findings, each once, with the findings
/// that name it, less everyone the policy protects and everyone a non-attack finding is about
/// (a colleague's typo, a misconfigured client: people to talk to, not to block).
///
/// A finding's key is log text, so attacker-controlled: only a key that parses as an address
/// or a CIDR network is used, and what is written is that parsed value's own text, never the
/// key, so that no key can carry a `;`, a newline or a second directive into a config file.
public struct BanList: Sendable {
    public struct Entry: Sendable, Equatable {
        public var network: IPNetwork
        /// One line per finding: its kind and figures, made safe for a comment.
        public var reasons: [String]
    }

    /// An attack address left off the list, and why (the comment formats say so).
    public struct Withheld: Sendable, Equatable {
        public var network: IPNetwork
        public var kinds: [String]
        public var why: String
    }

    /// Sorted IPv4 before IPv6, then by address: the same findings give the same file.
    public let entries: [Entry]
    public let withheld: [Withheld]
    /// `--ban-jail`: the fail2ban jail, and the name of the nftables table and the ipset sets.
    public let name: String

    /// The default `--ban-jail`.
    public static let defaultName = "authlog"

    public init(_ findings: [Finding], policy: BanPolicy = BanPolicy(), name: String = BanList.defaultName) {
        precondition(Self.isValidName(name), "ban list name '\(name)' must be checked by the caller")
        self.name = name
        // Addresses a non-attack finding is about: spared, even where an attack rule also
        // named them (a misconfigured client retrying is not someone to lock out).
        var spared: [IPNetwork] = []
        for finding in findings where finding.kind.category != .attack {
            let keys = (finding.keyDimension == .ip ? [finding.key] : []) + finding.addresses
            spared += keys.compactMap { IPNetwork($0) }
        }

        var reasons: [IPNetwork: [String]] = [:]
        var order: [IPNetwork] = []
        for finding in findings where finding.kind.category == .attack {
            // The key when it is an address, and what a finding keyed otherwise asks to block
            // (the address a botnet got in from, on a `compromised` keyed by the user).
            let keys = (finding.keyDimension == .ip ? [finding.key] : []) + finding.blocks
            for network in keys.compactMap({ IPNetwork($0) }) {
                if reasons[network] == nil { order.append(network) }
                reasons[network, default: []].append(Self.reason(finding))
            }
        }

        var entries: [Entry] = []
        var withheld: [Withheld] = []
        for network in order {
            let kinds = reasons[network]!.map { String($0.prefix { $0 != " " }) }
            if let why = policy.protection(of: network) {
                withheld.append(Withheld(network: network, kinds: kinds, why: why))
            } else if spared.contains(where: { $0.overlaps(network) }) {
                withheld.append(Withheld(network: network, kinds: kinds, why: "also a non-attack finding"))
            } else {
                entries.append(Entry(network: network, reasons: reasons[network]!))
            }
        }
        // A host inside a listed network is covered by it (and nftables refuses overlapping
        // intervals): the network's line takes the host's reasons.
        var merged: [Entry] = []
        for entry in entries.sorted(by: { $0.network.prefix < $1.network.prefix }) {
            if let index = merged.firstIndex(where: { $0.network.contains(entry.network.base) }) {
                merged[index].reasons += entry.reasons
            } else {
                merged.append(entry)
            }
        }
        self.entries = merged.sorted { $0.network.base < $1.network.base }
        self.withheld = withheld.sorted { $0.network.base < $1.network.base }
    }

    /// A name every format accepts as it is (an nftables table, an ipset set of at most 31
    /// bytes with a `-new` suffix, a fail2ban jail, a shell word): letters, digits, `_`, `-`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, (1...24).contains(name.utf8.count),
              ("a"..."z").contains(first) || ("A"..."Z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
    }

    /// `brute-force failures=25 surface=/wp-login.php …`: log text in a figure (a path, a user
    /// name) keeps only visible ASCII, cut short, so that it cannot end the comment.
    static func reason(_ finding: Finding) -> String {
        let figures = finding.figures.map { name, value -> String in
            switch value {
            case .int(let number): "\(name)=\(number)"
            case .time(let seconds): "\(name)=\(CivilTime.iso8601(seconds))"
            case .text(let text): "\(name)=\(commentSafe(text))"
            }
        }
        return ([finding.kind.rawValue] + figures).joined(separator: " ")
    }

    static func commentSafe(_ text: String) -> String {
        let visible = text.unicodeScalars.prefix(64).map { (0x21...0x7E).contains($0.value) ? Character($0) : "?" }
        return visible.isEmpty ? "-" : String(visible)
    }
}
