import Foundation
import Testing
@testable import AuthLogKit

/// Hostile cardinality: the per-key tables stay bounded, the totals stay exact, and the
/// heavy hitters survive with honest error bounds.
@Suite struct BoundedMemoryTests {
    func event(ip: String, path: String = "/admin/", user: String? = nil, cause: Cause = .http401) -> AuthEvent {
        AuthEvent(time: 1_795_000_000, file: "f", line: 1, format: "nginx-access", ip: ip, method: "GET",
                  path: path, status: 401, user: user, cause: cause, rule: "r")
    }

    @Test func spaceSavingKeepsHeavyHittersWithinTheirErrorBounds() {
        var aggregate = FailureAggregate(maxKeys: 100)
        var truth: [String: Int] = [:]
        var generator = SplitMix(seed: 42)
        for index in 0..<50_000 {
            // Five attackers take 40 % of the traffic; the rest is a spray of 20,000 addresses.
            let ip = index % 5 < 2 ? "198.51.100.\(generator.next() % 5)" : "10.\(generator.next() % 20_000)"
            truth[ip, default: 0] += 1
            aggregate.add(event(ip: ip))
        }
        #expect(aggregate.total == 50_000)
        #expect(aggregate.byCause[.http401] == 50_000)
        #expect(aggregate.byIP.count <= 100 && aggregate.byIP.count >= 75)
        #expect(aggregate.byIP.isApproximate)
        let top = aggregate.topIPs(5)
        #expect(Set(top.map(\.key)) == Set((0..<5).map { "198.51.100.\($0)" }))
        for entry in aggregate.topIPs(100) {
            let actual = truth[entry.key]!
            #expect(entry.value.failures.count >= actual, "\(entry.key) undercounted")
            #expect(entry.value.failures.count - entry.error <= actual, "\(entry.key) error bound broken")
        }
        let json = JSONReport.render({ var r = ScanReport(); r.aggregate = aggregate; return r }(), top: 10, generator: "t")
        #expect(json.contains("\"ips\": true"))
        #expect(json.contains("\"approximate\": true"))
    }

    @Test func exactBelowTheLimitAndMergeOrderDoesNotMatter() {
        var left = FailureAggregate(maxKeys: 1000), right = FailureAggregate(maxKeys: 1000)
        for index in 0..<600 { left.add(event(ip: "203.0.113.\(index % 150)", user: "u\(index % 9)")) }
        for index in 0..<600 { right.add(event(ip: "203.0.113.\(index % 170)", path: "/p\(index % 40)")) }
        var forward = left, backward = right
        forward.merge(right)
        backward.merge(left)
        #expect(!forward.byIP.isApproximate)
        #expect(forward.topIPs(1000).map { "\($0.key)=\($0.value.failures.count)" } == backward.topIPs(1000).map { "\($0.key)=\($0.value.failures.count)" })
        #expect(forward.topPaths(50).map(\.key) == backward.topPaths(50).map(\.key))
        #expect(forward.topIPs(3).allSatisfy { $0.error == 0 })
    }

    @Test func quickselectFindsTheSmallest() {
        var generator = SplitMix(seed: 7)
        for size in [1, 2, 3, 10, 1000] {
            var items = (0..<size).map { (count: generator.next() % 50, slot: $0) }
            let expected = items.sorted { $0.count != $1.count ? $0.count < $1.count : $0.slot < $1.slot }
            for k in Set([1, max(1, size / 4), size]) {
                var copy = items
                BoundedTable<FailureTally>.selectSmallest(k, in: &copy)
                #expect(Set(copy.prefix(k).map(\.slot)) == Set(expected.prefix(k).map(\.slot)), "size \(size) k \(k)")
            }
            items.removeAll()
        }
    }

    @Test func approximateTablesMergeWithoutLosingTheBound() {
        var total = FailureAggregate(maxKeys: 50)
        var truth: [String: Int] = [:]
        for part in 0..<4 {
            var partial = FailureAggregate(maxKeys: 50)
            for index in 0..<2000 {
                let ip = index % 3 == 0 ? "198.51.100.\(index % 4)" : "10.\(part).\(index)"
                truth[ip, default: 0] += 1
                partial.add(event(ip: ip))
            }
            total.merge(partial)
        }
        #expect(total.total == 8000)
        #expect(Set(total.topIPs(4).map(\.key)) == Set((0..<4).map { "198.51.100.\($0)" }))
        for entry in total.topIPs(50) {
            #expect(entry.value.failures.count >= truth[entry.key]!)
            #expect(entry.value.failures.count - entry.error <= truth[entry.key]!)
        }
    }

    @Test func distinctUsersAreExactThenEstimated() {
        var counter = DistinctCounter()
        for index in 0..<1000 { counter.insert("user\(index)") }
        for index in 0..<1000 { counter.insert("user\(index)") }
        #expect(counter.count == 1000)
        #expect(!counter.isApproximate)
        for index in 1000..<100_000 { counter.insert("user\(index)") }
        #expect(counter.isApproximate)
        #expect(abs(counter.count - 100_000) < 10_000, "estimate \(counter.count)")
        var other = DistinctCounter()
        for index in 50_000..<150_000 { other.insert("user\(index)") }
        counter.merge(other)
        #expect(abs(counter.count - 150_000) < 15_000, "merged estimate \(counter.count)")
    }

    /// A deterministic generator, so the test is the same on every run.
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
        }
    }
}
