import ArgumentParser
import AuthLogKit

extension BanFormat: ExpressibleByArgument {}

/// How `--output bans` (and the HTML page's "block these" box) writes its list (scan, summary).
struct BanOptions: ParsableArguments {
    @Option(name: .customLong("ban-format"), help: ArgumentHelp(
        "Ban list format for --output bans: plain (one address a line), nginx (deny rules), nftables (nft -f), "
            + "ipset (ipset restore -!), fail2ban (fail2ban-client commands) or crowdsec (cscli decisions import JSON).",
        valueName: "format"))
    var banFormat: BanFormat = .plain

    @Option(name: .customLong("ban-jail"), help: ArgumentHelp(
        "fail2ban jail of the ban list, also the name of its nftables table and ipset sets (NAME4, NAME6).",
        valueName: "name"))
    var banJail: String = BanList.defaultName

    @Option(name: .customLong("never-ban"), help: ArgumentHelp(
        "Never put this address or network (CIDR) on a ban list; repeatable. Loopback and this machine's addresses are always spared.",
        valueName: "cidr"))
    var neverBan: [String] = []

    func validate() throws {
        guard BanList.isValidName(banJail) else {
            throw ValidationError("--ban-jail '\(banJail)' must be 1 to 24 letters, digits, '_' or '-', starting with a letter")
        }
        for text in neverBan where IPNetwork(text) == nil {
            throw ValidationError("--never-ban '\(text)' is not an address or a network (203.0.113.0/24, 2001:db8::/32)")
        }
    }

    /// The settings of the writers; `trustedProxies` are `--trusted-proxy`'s networks.
    func settings(trustedProxies: [IPNetwork] = []) -> BanSettings {
        let policy = BanPolicy(neverBan: BanPolicy.defaultNeverBan() + neverBan.compactMap { IPNetwork($0) },
                               trustedProxies: trustedProxies)
        return BanSettings(format: banFormat, policy: policy, name: banJail)
    }
}
