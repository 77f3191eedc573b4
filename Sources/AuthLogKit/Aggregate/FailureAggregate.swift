/// Everything a report needs, accumulated event by event.
///
/// Mergeable: workers each fill their own and the results are merged, and merging is
/// order-independent, so the report does not depend on how the work was split.
public struct FailureAggregate: Sendable {
    public var total = 0
    public var byCause = CauseCounts()
    public var byFormat: [String: Int] = [:]
    public var byIP: [String: ClientTally] = [:]
    public var byPath: [String: FailureTally] = [:]
    public var byUser: [String: FailureTally] = [:]
    public var firstSeen: Int64?
    public var lastSeen: Int64?

    public init() {}

    public mutating func add(_ event: AuthEvent) {
        total += 1
        byCause[event.cause] += 1
        byFormat[event.format, default: 0] += 1
        if let time = event.time {
            if firstSeen == nil || time < firstSeen! { firstSeen = time }
            if lastSeen == nil || time > lastSeen! { lastSeen = time }
        }
        if let ip = event.ip {
            byIP[ip, default: ClientTally()].failures.add(cause: event.cause, time: event.time)
            if let user = event.user { byIP[ip]!.users.insert(user) }
        }
        if let path = event.path {
            byPath[path, default: FailureTally()].add(cause: event.cause, time: event.time)
        }
        if let user = event.user {
            byUser[user, default: FailureTally()].add(cause: event.cause, time: event.time)
        }
    }

    public mutating func merge(_ other: FailureAggregate) {
        total += other.total
        byCause.merge(other.byCause)
        byFormat.merge(other.byFormat, uniquingKeysWith: +)
        for (key, tally) in other.byIP { byIP[key, default: ClientTally()].merge(tally) }
        for (key, tally) in other.byPath { byPath[key, default: FailureTally()].merge(tally) }
        for (key, tally) in other.byUser { byUser[key, default: FailureTally()].merge(tally) }
        if let time = other.firstSeen, firstSeen == nil || time < firstSeen! { firstSeen = time }
        if let time = other.lastSeen, lastSeen == nil || time > lastSeen! { lastSeen = time }
    }

    /// The `limit` largest entries, by count descending then key ascending (byte order), the
    /// order every output uses.
    public static func top<Value>(_ table: [String: Value], limit: Int, count: (Value) -> Int) -> [(key: String, value: Value)] {
        let sorted = table.sorted { lhs, rhs in
            let (left, right) = (count(lhs.value), count(rhs.value))
            if left != right { return left > right }
            return lhs.key.utf8.lexicographicallyPrecedes(rhs.key.utf8)
        }
        return Array(sorted.prefix(max(0, limit))).map { (key: $0.key, value: $0.value) }
    }

    public func topIPs(_ limit: Int) -> [(key: String, value: ClientTally)] {
        Self.top(byIP, limit: limit) { $0.failures.count }
    }

    public func topPaths(_ limit: Int) -> [(key: String, value: FailureTally)] {
        Self.top(byPath, limit: limit) { $0.count }
    }

    public func topUsers(_ limit: Int) -> [(key: String, value: FailureTally)] {
        Self.top(byUser, limit: limit) { $0.count }
    }
}
