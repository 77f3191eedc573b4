import Foundation
import Testing
@testable import AuthLogKit

/// `--trusted-proxy` and `--ipv6-prefix` on the `samples/findings/behind-proxy` scene (an
/// nginx behind 10.0.0.5 logging "main", a /64 attacker behind it, a direct client forging
/// X-Forwarded-For), and the header's reading on hostile values.
@Suite struct TrustedProxyTests {
    static let scene = repositoryRoot.appendingPathComponent("samples/findings/behind-proxy").path

    static func findings(trusting proxies: [String], ipv6Prefix: Int = 64) throws -> [Finding] {
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        options.now = SampleVerifier.sampleNow
        options.trustedProxies = try TrustedProxies.parse(proxies)
        options.requestAnalysis?.ipv6Prefix = ipv6Prefix
        return ScanSession(patterns: builtinPatterns, options: options, diagnostics: nil)
            .run(arguments: [scene]).requests?.findings ?? []
    }

    static func keys(_ findings: [Finding], _ kind: Finding.Kind) -> Set<String> {
        Set(findings.filter { $0.kind == kind }.map(\.key))
    }

    @Test func withoutTrustTheBalancerIsTheClient() throws {
        let found = try Self.findings(trusting: [])
        #expect(Self.keys(found, .bruteForce) == ["10.0.0.5", "203.0.113.50"])
    }

    @Test func behindATrustedProxyTheSlash64IsTheAttacker() throws {
        let found = try Self.findings(trusting: ["10.0.0.0/8"])
        #expect(Self.keys(found, .bruteForce) == ["2001:db8:1:2::/64", "203.0.113.50"])
        let network = try #require(found.first { $0.key == "2001:db8:1:2::/64" })
        #expect(network.figure("addresses") == .int(4))
        #expect(network.figure("failures") == .int(24))
        // The forged header of an untrusted client names nobody; the colleague's one typo is no attack.
        #expect(!found.contains { $0.key == "192.0.2.99" || $0.key == "10.0.0.5" || $0.key == "198.51.100.7" })
    }

    @Test func ipv6Prefix128KeepsEveryAddressOnItsOwn() throws {
        // Six guesses per address: none alone is brute force.
        let found = try Self.findings(trusting: ["10.0.0.5"], ipv6Prefix: 128)
        #expect(Self.keys(found, .bruteForce) == ["203.0.113.50"])
    }

    /// JSON logs had no forwarded key: behind a proxy every client was the proxy, whatever
    /// --trusted-proxy said. nginx's escape=json layout, a generic JSON log and Traefik's.
    @Test func jsonLogsNameTheClientBehindATrustedProxy() throws {
        let lines = [
            #"{"time_local":"20/Nov/2026:06:25:14 +0000","remote_addr":"10.0.0.5","remote_user":"","request":"GET /admin/ HTTP/1.1","status":401,"body_bytes_sent":179,"http_x_forwarded_for":"192.0.2.1, 198.51.100.7, 10.0.0.9"}"#,
            #"{"time":"2026-11-20T06:25:14Z","client_ip":"10.0.0.5","method":"GET","path":"/admin/","status":401,"x_forwarded_for":"198.51.100.8"}"#,
            #"{"ClientHost":"10.0.0.5","ClientUsername":"-","DownstreamStatus":401,"RequestMethod":"GET","RequestPath":"/admin/","StartUTC":"2026-11-20T06:25:14Z","request_X-Forwarded-For":"198.51.100.9"}"#,
        ]
        for (line, client) in zip(lines, ["198.51.100.7", "198.51.100.8", "198.51.100.9"]) {
            let trusted = try scan(Array((line + "\n").utf8), name: "access.log") {
                $0.trustedProxies = try! TrustedProxies.parse(["10.0.0.0/8"])
            }
            let event = try #require(trusted.events.first, "\(line)")
            #expect(event.ip == client && event.peer == "10.0.0.5", "\(trusted.file.format ?? "-")")
            // Without trust the header is the client's word: the connecting address is the client.
            let untrusted = try #require(try scan(line + "\n", name: "access.log").events.first)
            #expect(untrusted.ip == "10.0.0.5" && untrusted.peer == nil)
        }
    }

    /// The JSON report had no peer (NDJSON had): its top clients now name the connecting
    /// addresses their failures came through, and a client that connected itself none.
    @Test func jsonReportKeepsThePeersOfItsClients() throws {
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        options.now = SampleVerifier.sampleNow
        options.trustedProxies = try TrustedProxies.parse(["10.0.0.0/8"])
        let report = ScanSession(patterns: builtinPatterns, options: options, diagnostics: nil).run(arguments: [Self.scene])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONReport.render(report, top: 50, generator: "t").utf8))
            as? [String: Any])
        let clients = try #require((json["events"] as? [String: Any])?["top_ips"] as? [[String: Any]])
        let behind = try #require(clients.first { $0["key"] as? String == "2001:db8:1:2::10" })
        #expect(behind["peers"] as? [String] == ["10.0.0.5"])
        let direct = try #require(clients.first { $0["key"] as? String == "203.0.113.50" })
        #expect(direct["peers"] == nil)
        // The requests' table is the events' here (no error log): the same peers.
        let requests = try #require((json["requests"] as? [String: Any])?["top_ips"] as? [[String: Any]])
        #expect(requests.first { $0["key"] as? String == "2001:db8:1:2::10" }?["peers"] as? [String] == ["10.0.0.5"])
    }

    @Test func peersAreTheSmallestFewWhateverTheMergeOrder() {
        var a = ClientTally(), b = ClientTally()
        for peer in ["10.0.0.9", "10.0.0.3", "10.0.0.7"] { a.notePeer(peer) }
        for peer in ["10.0.0.1", "10.0.0.8", "10.0.0.3"] { b.notePeer(peer) }
        var ab = a, ba = b
        ab.merge(b)
        ba.merge(a)
        #expect(ab.peers == ["10.0.0.1", "10.0.0.3", "10.0.0.7", "10.0.0.8"])
        #expect(ab.peers == ba.peers)
    }

    @Test func ndjsonKeepsThePeerBesideTheClient() throws {
        let event = AuthEvent(time: 0, file: "a", line: 1, format: "nginx-access", ip: "2001:db8:1:2::10",
                              method: "GET", path: "/", status: 401, user: nil, cause: .http401, rule: "r",
                              peer: "10.0.0.5")
        #expect(NDJSONEvent.render(event).contains(#""ip":"2001:db8:1:2::10","peer":"10.0.0.5""#))
        var direct = event
        direct.peer = nil
        #expect(!NDJSONEvent.render(direct).contains("peer"))
    }

    @Test func rightmostUntrustedHopIsTheClient() throws {
        let trusted = try TrustedProxies.parse(["10.0.0.0/8", "2001:db8:ffff::/48"])
        #expect(trusted.client(peer: "10.0.0.5", forwarded: "192.0.2.1, 198.51.100.7, 10.0.0.9") == "198.51.100.7")
        #expect(trusted.client(peer: "10.0.0.5", forwarded: "[2001:db8:1:2::10]:4711") == "2001:db8:1:2::10")
        #expect(trusted.client(peer: "10.0.0.5", forwarded: "198.51.100.7:443") == "198.51.100.7")
        #expect(trusted.client(peer: "10.0.0.5", forwarded: "::ffff:198.51.100.7") == "198.51.100.7")
        // An untrusted peer's header is never read.
        #expect(trusted.client(peer: "203.0.113.50", forwarded: "192.0.2.99") == nil)
        #expect(TrustedProxies([]).client(peer: "10.0.0.5", forwarded: "192.0.2.99") == nil)
    }

    @Test func malformedHeadersNameNobody() throws {
        let trusted = try TrustedProxies.parse(["10.0.0.0/8"])
        for header in ["-", "", "unknown", "_hidden", "192.0.2.1, unknown", "1.2.3.4.5", "\u{0}192.0.2.1",
                       "192.0.2.1\\x22", "192.0.2.1" + String(repeating: ", 10.0.0.1", count: 5_000),
                       "10.0.0.1, 10.0.0.2", "[::1", "300.1.1.1", "192.0.2.1:", "192.0.2.1:abc"] {
            #expect(trusted.client(peer: "10.0.0.5", forwarded: header) == nil, "\(header.prefix(40))")
        }
        // Past 32 trusted hops the chain is a client's noise, not walked to its end; the
        // rightmost hop of a long header is still read.
        #expect(trusted.client(peer: "10.0.0.5", forwarded: String(repeating: "10.0.0.1, ", count: 5_000) + "192.0.2.1") == "192.0.2.1")
        // Bytes that are no UTF-8 arrive as \xNN text from the decoder: no address either.
        #expect(trusted.client(peer: "10.0.0.5", forwarded: "\\xff\\xfe") == nil)
    }

    @Test func cloudflareIsAListKeptAsData() throws {
        let cloudflare = try TrustedProxies.parse(["cloudflare"])
        #expect(cloudflare.networks.count >= 20)
        #expect(cloudflare.contains(IPAddress("173.245.48.1")!))
        #expect(cloudflare.contains(IPAddress("2606:4700::1")!))
        #expect(!cloudflare.contains(IPAddress("192.0.2.1")!))
        #expect(throws: TrustedProxyError.self) { try TrustedProxies.parse(["10.0.0.1/8"]) }
        #expect(throws: TrustedProxyError.self) { try TrustedProxies.parse(["proxy.example"]) }
    }
}
