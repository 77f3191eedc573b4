import Foundation
import Testing

/// Each ban list format checked by the tool that applies it (issue 15 item 6): the lists of
/// samples/ plus an IPv6 copy of the brute-force scene, so that both families are written.
struct BanFormatToolTests {
    let cli = CommandLineTests()

    /// samples/ and the brute-force scene again from 2001:db8:1:2::10.
    func banList(_ format: String, extra: [String] = []) throws -> String {
        let directory = try ExternalTool.temporaryDirectory("bans-v6")
        defer { try? FileManager.default.removeItem(at: directory) }
        let scene = CommandLineTests.repositoryRoot.appendingPathComponent("samples/findings/brute-force")
        for name in ["nginx-access.log", "nginx-error.log"] {
            let text = try String(contentsOf: scene.appendingPathComponent(name), encoding: .utf8)
            try text.replacingOccurrences(of: "192.0.2.10", with: "2001:db8:1:2::10")
                .write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let run = try cli.run(["scan", "-q", "-o", "bans", "--ban-format", format] + extra + ["samples/", directory.path])
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout
    }

    @Test func plainListsTheSamplesAttackersAndNoOneElse() throws {
        // 10.0.0.5 is the balancer of the behind-proxy scene: without --trusted-proxy it is the
        // brute-forcer; 2001:db8::/64 the probe scene's scanner, whose addresses share a /64;
        // 198.51.100.90 the challenge scene's guesser (its WebDAV users are on no list);
        // 198.51.100.224 the botnet member that got in as 'reports' (compromised, keyed by the
        // user), not the owner's address 198.51.100.230 nor the other spraying addresses.
        #expect(try banList("plain") == "10.0.0.5\n192.0.2.10\n192.0.2.20\n192.0.2.40\n192.0.2.50\n198.51.100.66\n198.51.100.70\n"
                + "198.51.100.90\n198.51.100.224\n203.0.113.50\n2001:db8::/64\n2001:db8:1:2::10\n")
        #expect(try banList("plain", extra: ["--never-ban", "192.0.2.0/28", "--never-ban", "2001:db8::/32"])
                == "10.0.0.5\n192.0.2.20\n192.0.2.40\n192.0.2.50\n198.51.100.66\n198.51.100.70\n198.51.100.90\n198.51.100.224\n203.0.113.50\n")
        // The balancer is never banned once it is trusted.
        #expect(try banList("plain", extra: ["--trusted-proxy", "10.0.0.0/8"]).contains("10.0.0.5") == false)
    }

    @Test func nginxAcceptsTheIncludeFile() throws {
        #expect(ExternalTool.exists("/usr/sbin/nginx"), "nginx missing: apt-get install nginx-light")
        let directory = try ExternalTool.temporaryDirectory("bans-nginx")
        defer { try? FileManager.default.removeItem(at: directory) }
        let list = try banList("nginx")
        #expect(list.contains("deny 192.0.2.10;  # brute-force failures=25") && list.contains("deny 2001:db8:1:2::10;"))
        try list.write(to: directory.appendingPathComponent("authlog-bans.conf"), atomically: true, encoding: .utf8)
        try """
            pid nginx.pid;
            error_log stderr;
            events {}
            http { access_log off; server { listen 127.0.0.1:8; include authlog-bans.conf; } }

            """.write(to: directory.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
        let check = try ExternalTool.run("/usr/sbin/nginx", ["-t", "-p", directory.path, "-c", directory.appendingPathComponent("nginx.conf").path,
                                                             "-e", "stderr"])
        #expect(check.status == 0, "\(check.stderr)")
    }

    @Test func nftablesChecksTheRuleset() throws {
        #expect(ExternalTool.exists("/usr/sbin/nft"), "nft missing: apt-get install nftables")
        let directory = try ExternalTool.temporaryDirectory("bans-nft")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("authlog.nft")
        try banList("nftables").write(to: file, atomically: true, encoding: .utf8)
        // -c: parsed and checked by the kernel's rules, nothing applied.
        let check = try ExternalTool.run("/usr/sbin/nft", ["-c", "-f", file.path])
        #expect(check.status == 0, "\(check.stderr)")
    }

    /// ipset has no check-only mode: the sets are restored under a name of this test's own,
    /// read back, and destroyed, so the host keeps no set.
    @Test func ipsetRestoresBothFamiliesUnderItsOwnName() throws {
        #expect(ExternalTool.exists("/usr/sbin/ipset"), "ipset missing: apt-get install ipset")
        let name = "authlogt\(UInt32.random(in: 0...UInt32.max))"
        let directory = try ExternalTool.temporaryDirectory("bans-ipset")
        defer {
            try? FileManager.default.removeItem(at: directory)
            for set in [name + "4", name + "6", name + "4-new", name + "6-new"] {
                _ = try? ExternalTool.run("/usr/sbin/ipset", ["-!", "destroy", set])
            }
        }
        let file = directory.appendingPathComponent("bans.ipset")
        try banList("ipset", extra: ["--ban-jail", name]).write(to: file, atomically: true, encoding: .utf8)
        // Twice: the second run replaces the sets of the first (a cron job runs it every hour).
        for _ in 0..<2 {
            let restore = try ExternalTool.run("/bin/sh", ["-c", "/usr/sbin/ipset restore -! < \"$0\"", file.path])
            #expect(restore.status == 0, "\(restore.stderr)")
        }
        let v4 = try ExternalTool.run("/usr/sbin/ipset", ["list", name + "4"]).stdout
        let v6 = try ExternalTool.run("/usr/sbin/ipset", ["list", name + "6"]).stdout
        #expect(v4.contains("Number of entries: 10") && v4.contains("\n192.0.2.50\n"), "\(v4)")
        #expect(v6.contains("Number of entries: 2") && v6.contains("\n2001:db8:1:2::10\n"), "\(v6)")
    }

    @Test func unusableBanOptionsAreOneLineErrors() throws {
        let jail = try cli.run(["scan", "-o", "bans", "--ban-jail", "x; rm -rf /", "samples/"])
        #expect(jail.status == 64 || jail.status == 2)
        #expect(jail.stderr.hasPrefix("Error: --ban-jail 'x; rm -rf /' must be"))
        let never = try cli.run(["summary", "-o", "bans", "--never-ban", "203.0.113.7/24", "samples/"])
        #expect(never.stderr.hasPrefix("Error: --never-ban '203.0.113.7/24' is not an address or a network"))
    }
}
