/// `--ban-format`: how a ban list is written, for the tool that applies it.
public enum BanFormat: String, Sendable, CaseIterable {
    /// One address or network a line, nothing else (for scripts; no comment syntax to assume).
    case plain
    /// `deny ADDR;` lines for an `include` in nginx's http or server block.
    case nginx
    /// A table with one set per family and a chain dropping them, for `nft -f`.
    case nftables
    /// `ipset restore -!` input: one `hash:net` set per family, swapped in whole.
    case ipset
    /// `fail2ban-client set JAIL banip ADDR` commands, a shell script.
    case fail2ban
    /// `cscli decisions import -i FILE.json` input.
    case crowdsec
}

extension BanList {
    public func render(_ format: BanFormat) -> String {
        switch format {
        case .plain: entries.map { "\($0.network)\n" }.joined()
        case .nginx: nginx()
        case .nftables: nftables()
        case .ipset: ipset()
        case .fail2ban: fail2ban()
        case .crowdsec: crowdsec()
        }
    }

    /// The `#` lines every commented format starts with: what the list is, and what was left off.
    private var header: String {
        var text = "# authlog ban list: \(entries.count) \(entries.count == 1 ? "entry" : "entries") from the attack findings\n"
        for item in withheld {
            text += "# not banned: \(item.network) (\(item.kinds.joined(separator: ", "))): \(item.why)\n"
        }
        return text
    }

    private func comment(_ entry: Entry) -> String { entry.reasons.joined(separator: "; ") }

    private func nginx() -> String {
        header + entries.map { "deny \($0.network);  # \(comment($0))\n" }.joined()
    }

    private func nftables() -> String {
        // The empty table then its deletion: `nft -f` replaces the table whether it exists or
        // not, in one transaction (no moment without the bans).
        var text = header + "table inet \(name)\ndelete table inet \(name)\ntable inet \(name) {\n"
        for (setName, type, v4) in [("ipv4", "ipv4_addr", true), ("ipv6", "ipv6_addr", false)] {
            text += "\tset \(setName) {\n\t\ttype \(type); flags interval\n"
            let members = entries.filter { $0.network.base.isIPv4 == v4 }
            // nft refuses `elements = { }`: an empty set has no elements line.
            if !members.isEmpty {
                text += "\t\telements = {\n"
                text += members.map { "\t\t\t\($0.network),  # \(comment($0))\n" }.joined()
                text += "\t\t}\n"
            }
            text += "\t}\n"
        }
        return text + """
            \tchain input {
            \t\ttype filter hook input priority filter - 1; policy accept;
            \t\tip saddr @ipv4 drop
            \t\tip6 saddr @ipv6 drop
            \t}
            }

            """
    }

    private func ipset() -> String {
        var text = header
        for (suffix, family, v4) in [("4", "inet", true), ("6", "inet6", false)] {
            let set = name + suffix, fresh = name + suffix + "-new"
            // Filled aside and swapped in: the live set is never empty or half full.
            text += "create \(set) hash:net family \(family)\ncreate \(fresh) hash:net family \(family)\nflush \(fresh)\n"
            for entry in entries where entry.network.base.isIPv4 == v4 {
                text += "# \(comment(entry))\nadd \(fresh) \(entry.network)\n"
            }
            text += "swap \(fresh) \(set)\ndestroy \(fresh)\n"
        }
        return text
    }

    private func fail2ban() -> String {
        "#!/bin/sh\n" + header
            + entries.map { "fail2ban-client set \(name) banip \($0.network)  # \(comment($0))\n" }.joined()
    }

    private func crowdsec() -> String {
        // JSON has no comments: the kind and figures are the decision's reason.
        let decisions = entries.map { entry -> String in
            var text = "{\"duration\": \"24h\", \"reason\": "
            JSONWriter.appendQuoted("authlog " + comment(entry), to: &text)
            text += ", \"scope\": \"\(entry.network.isHost ? "ip" : "range")\", \"type\": \"ban\", \"value\": \"\(entry.network)\"}"
            return text
        }
        return decisions.isEmpty ? "[]\n" : "[\n  " + decisions.joined(separator: ",\n  ") + "\n]\n"
    }
}
