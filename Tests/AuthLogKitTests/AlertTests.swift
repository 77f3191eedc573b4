import Testing
@testable import AuthLogKit

@Suite struct AlertTests {
    func event(_ time: Int64, ip: String = "203.0.113.9", user: String? = nil) -> AuthEvent {
        AuthEvent(time: time, file: "f", line: 1, format: "nginx-access", ip: ip, method: "GET", path: "/admin/",
                  status: 401, user: user, cause: .http401, rule: "r")
    }

    @Test func rulesParse() throws {
        let rule = try AlertRule(parsing: "ip>=20/5m")
        #expect(rule.key == .ip && rule.threshold == 20 && rule.windowSeconds == 300)
        #expect(try AlertRule(parsing: "user >= 10 / 10m").windowSeconds == 600)
        #expect(try AlertRule(parsing: "cause>=3/1h").key == .cause)
        #expect(throws: AlertRule.Invalid.self) { try AlertRule(parsing: "ip>20/5m") }
        #expect(throws: AlertRule.Invalid.self) { try AlertRule(parsing: "host>=1/5m") }
        #expect(throws: AlertRule.Invalid.self) { try AlertRule(parsing: "ip>=0/5m") }
        #expect(throws: AlertRule.Invalid.self) { try AlertRule(parsing: "ip>=3/5y") }
    }

    /// Alert keys are the shared `Dimension`s: every one parses, and a rule counts by its
    /// dimension's value (here the user, across several clients).
    @Test func everyDimensionIsAnAlertKeyAndCountsByItsValue() throws {
        for dimension in Dimension.allCases {
            #expect(try AlertRule(parsing: "\(dimension.rawValue)>=2/1m").key == dimension)
        }
        #expect(AlertRule.Invalid(text: "x").description
            == "cannot read --alert 'x': use KEY>=N/DURATION, e.g. ip>=20/5m (KEY: ip, user, path, cause; DURATION: 30s, 5m, 1h, 1d)")
        var alerts = SlidingAlerts(rules: [try AlertRule(parsing: "user>=3/60s")])
        var fired: [Alert] = []
        fired += alerts.add(event(0, ip: "203.0.113.1", user: "admin"), now: 0)
        fired += alerts.add(event(1, ip: "203.0.113.2", user: nil), now: 0)
        fired += alerts.add(event(2, ip: "203.0.113.3", user: "admin"), now: 0)
        #expect(fired.isEmpty, "a line without a user does not count for one")
        fired += alerts.add(event(3, ip: "203.0.113.4", user: "admin"), now: 0)
        #expect(fired.map(\.key) == ["admin"] && fired.first?.count == 3)
    }

    @Test func firesOnceThenAgainOnlyAfterFallingBelow() throws {
        var alerts = SlidingAlerts(rules: [try AlertRule(parsing: "ip>=3/60s")])
        var fired: [Int64] = []
        for time: Int64 in [0, 10, 20, 30, 40, 50] { fired += alerts.add(event(time), now: 0).map(\.time) }
        #expect(fired == [20])  // crossed at the third, not again while above
        for time: Int64 in [200, 210, 220] { fired += alerts.add(event(time), now: 0).map(\.time) }
        #expect(fired == [20, 220])  // fell below (old events expired), crossed again
    }

    @Test func windowUsesLogTimeAndToleratesSmallDisorder() throws {
        var alerts = SlidingAlerts(rules: [try AlertRule(parsing: "ip>=3/10s")])
        #expect(alerts.add(event(100), now: 0).isEmpty)
        #expect(alerts.add(event(98), now: 0).isEmpty)   // slightly out of order, still inside
        #expect(alerts.add(event(105), now: 0).count == 1)
        // Spread over more than the window: no alert.
        var spread = SlidingAlerts(rules: [try AlertRule(parsing: "ip>=3/10s")])
        for time: Int64 in [0, 20, 40, 60] { #expect(spread.add(event(time), now: 0).isEmpty) }
    }

    /// follow had no --ipv6-prefix: an attacker rotating through its /64 stayed below every
    /// ip alert, one address at a time.
    @Test func ipv6AddressesOfOneNetworkCountTogetherAndNameTheNetwork() throws {
        let rule = try AlertRule(parsing: "ip>=4/60s")
        var network = SlidingAlerts(rules: [rule], ipv6Prefix: 64)
        var fired: [Alert] = []
        for (time, host) in [(0, "1"), (5, "2"), (10, "3"), (15, "4")] as [(Int64, String)] {
            fired += network.add(event(time, ip: "2001:db8:1:2::\(host)"), now: 0)
        }
        #expect(fired.map(\.key) == ["2001:db8:1:2::/64"] && fired.first?.count == 4)
        // One address alone is named as itself, not widened to its network.
        var alone = SlidingAlerts(rules: [rule], ipv6Prefix: 64)
        fired = []
        for time: Int64 in [0, 5, 10, 15] { fired += alone.add(event(time, ip: "2001:db8:1:3::9"), now: 0) }
        #expect(fired.map(\.key) == ["2001:db8:1:3::9"])
        // 128: each address on its own, none reaches the threshold; IPv4 is never grouped.
        var each = SlidingAlerts(rules: [rule], ipv6Prefix: 128)
        for (time, host) in [(0, "1"), (5, "2"), (10, "3"), (15, "4")] as [(Int64, String)] {
            #expect(each.add(event(time, ip: "2001:db8:1:2::\(host)"), now: 0).isEmpty)
        }
        var v4 = SlidingAlerts(rules: [rule], ipv6Prefix: 64)
        for (time, host) in [(0, "1"), (5, "2"), (10, "3"), (15, "4")] as [(Int64, String)] {
            #expect(v4.add(event(time, ip: "203.0.113.\(host)"), now: 0).isEmpty)
        }
    }

    @Test func keysAreForgottenSoMemoryStaysBounded() throws {
        var alerts = SlidingAlerts(rules: [try AlertRule(parsing: "ip>=1000/60s"), try AlertRule(parsing: "user>=1000/60s")])
        for index in 0..<100_000 {
            _ = alerts.add(event(Int64(index), ip: "10.0.\(index / 256 % 256).\(index % 256)", user: "u\(index)"), now: 0)
        }
        alerts.sweep()
        #expect(alerts.trackedKeys <= 2 * 61)
    }
}
