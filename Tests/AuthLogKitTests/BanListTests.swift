@testable import AuthLogKit
import Testing

/// The ban list of issue 15 item 6: who is on it, who never is, and that no finding key or
/// figure (log text, attacker-controlled) can write anything but an address into a config.
struct BanListTests {
    static func finding(_ kind: Finding.Kind, _ key: String, failures: Int = 30,
                        text: String = "/wp-login.php", addresses: [String] = []) -> Finding {
        Finding(kind: kind, key: key,
                figures: [("failures", .int(failures)), ("surface", .text(text)), ("first_seen", .time(1_763_686_800))],
                evidence: [], advice: "", weight: failures, addresses: addresses)
    }

    @Test func attackAddressesOnceEachSortedIPv4FirstWithEveryKindThatNamesThem() {
        let list = BanList([
            Self.finding(.bruteForce, "2001:db8:1:2::/64"),
            Self.finding(.bruteForce, "203.0.113.7"),
            Self.finding(.credentialStuffing, "203.0.113.7", failures: 12),
            Self.finding(.probe, "198.51.100.9", failures: 5),
        ])
        #expect(list.render(.plain) == "198.51.100.9\n203.0.113.7\n2001:db8:1:2::/64\n")
        #expect(list.entries[1].reasons == [
            "brute-force failures=30 surface=/wp-login.php first_seen=2025-11-21T01:00:00Z",
            "credential-stuffing failures=12 surface=/wp-login.php first_seen=2025-11-21T01:00:00Z",
        ])
    }

    @Test func neverAnAddressOfAColleaguesTypoOrAMisconfiguredClientNorOfAnyNonAttackKind() {
        let list = BanList([
            Self.finding(.bruteForce, "203.0.113.7"),
            Self.finding(.bruteForce, "198.51.100.20"),
            Self.finding(.bruteForce, "198.51.100.30"),
            Self.finding(.userTypo, "alice", failures: 2, addresses: ["198.51.100.20"]),
            Self.finding(.misconfiguredClient, "198.51.100.30"),
            Self.finding(.newFailure, "/api/"),
        ])
        #expect(list.render(.plain) == "203.0.113.7\n")
        #expect(list.withheld.map(\.why) == ["also a non-attack finding", "also a non-attack finding"])
    }

    @Test func neverBanTrustedProxiesAndChallengeOnlyClientsAreWithheldAndSaidSo() {
        let policy = BanPolicy(neverBan: [IPNetwork("192.0.2.0/24")!, IPNetwork("2001:db8:1:2::5")!],
                               trustedProxies: [IPNetwork("10.0.0.0/8")!],
                               challengeOnlyClients: [IPAddress("198.51.100.40")!])
        let list = BanList([
            Self.finding(.bruteForce, "192.0.2.33"),
            Self.finding(.bruteForce, "10.1.2.3"),
            Self.finding(.bruteForce, "198.51.100.40"),
            // The server's own address is in this /64: banning the network bans the server.
            Self.finding(.bruteForce, "2001:db8:1:2::/64"),
            Self.finding(.bruteForce, "203.0.113.7"),
        ], policy: policy)
        #expect(list.render(.plain) == "203.0.113.7\n")
        #expect(list.withheld.map(\.why) == ["trusted proxy", "never-ban", "challenge-only client", "never-ban"])
        #expect(list.render(.nginx).contains("# not banned: 2001:db8:1:2::/64 (brute-force): never-ban\n"))
    }

    @Test func defaultNeverBanHoldsLoopbackAndThisMachinesAddresses() {
        let networks = BanPolicy.defaultNeverBan()
        #expect(networks.contains { $0.contains(IPAddress("127.0.0.1")!) })
        #expect(networks.contains { $0.contains(IPAddress("::1")!) })
        for address in BanPolicy.machineAddresses() {
            #expect(BanPolicy(neverBan: networks).protection(of: IPNetwork(address, prefix: address.bitWidth)) == "never-ban")
        }
    }

    @Test func aHostInsideABannedNetworkIsCoveredByIt() {
        let list = BanList([Self.finding(.bruteForce, "2001:db8:1:2::9"), Self.finding(.probe, "2001:db8:1:2::/64")])
        #expect(list.render(.plain) == "2001:db8:1:2::/64\n")
        #expect(list.entries[0].reasons.count == 2)
    }

    // A finding key is log text: a forged "address" must not become a second directive.
    @Test func forgedFindingKeysAreNeverWritten() {
        let forged = ["1.2.3.4; include /etc/passwd", "1.2.3.4\ninclude /etc/passwd", "1.2.3.4 }", "", "::1:::",
                      "203.0.113.7/24", "203.0.113.0/24\u{0}x"]
        let list = BanList(forged.map { Self.finding(.bruteForce, $0) })
        #expect(list.entries.isEmpty && list.withheld.isEmpty)
        for format in BanFormat.allCases {
            #expect(!list.render(format).contains("passwd"), "\(format)")
        }
    }

    // A figure is log text too: a newline in a path must not end the comment it is in.
    @Test func logTextInFiguresCannotEndTheComment() {
        let list = BanList([Self.finding(.bruteForce, "203.0.113.7", text: "/x\ndeny all;\r\u{2028}é")])
        let nginx = list.render(.nginx)
        #expect(nginx.split(separator: "\n").filter { !$0.hasPrefix("#") }
                == ["deny 203.0.113.7;  # brute-force failures=30 surface=/x?deny?all;??? first_seen=2025-11-21T01:00:00Z"])
    }

    @Test func fail2banAndCrowdsecExactText() {
        let list = BanList([Self.finding(.bruteForce, "203.0.113.7", text: "/a\"b"), Self.finding(.probe, "2001:db8:1:2::/64", failures: 5)],
                           name: "wp-login")
        #expect(list.render(.fail2ban) == """
            #!/bin/sh
            # authlog ban list: 2 entries from the attack findings
            fail2ban-client set wp-login banip 203.0.113.7  # brute-force failures=30 surface=/a"b first_seen=2025-11-21T01:00:00Z
            fail2ban-client set wp-login banip 2001:db8:1:2::/64  # probe failures=5 surface=/wp-login.php first_seen=2025-11-21T01:00:00Z

            """)
        #expect(list.render(.crowdsec) == """
            [
              {"duration": "24h", "reason": "authlog brute-force failures=30 surface=/a\\"b first_seen=2025-11-21T01:00:00Z", \
            "scope": "ip", "type": "ban", "value": "203.0.113.7"},
              {"duration": "24h", "reason": "authlog probe failures=5 surface=/wp-login.php first_seen=2025-11-21T01:00:00Z", \
            "scope": "range", "type": "ban", "value": "2001:db8:1:2::/64"}
            ]

            """)
        #expect(BanList([]).render(.crowdsec) == "[]\n")
    }

    @Test func namesThatEveryFormatAcceptsAsTheyAre() {
        #expect(BanList.isValidName("authlog") && BanList.isValidName("wp-login_2"))
        for bad in ["", "1jail", "a;b", "a b", "a\nb", "jail.local", String(repeating: "a", count: 25), "é"] {
            #expect(!BanList.isValidName(bad), "\(bad)")
        }
    }
}
