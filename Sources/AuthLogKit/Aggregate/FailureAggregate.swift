/// Everything a report needs, accumulated event by event.
///
/// Mergeable: workers each fill their own and the results are merged. Totals and per-cause
/// counts are always exact; the per-key tables are exact up to `maxKeys` distinct keys per
/// dimension and bounded beyond (see `BoundedTable`). While exact, merging is
/// order-independent, so the report does not depend on how the work was split.
public struct FailureAggregate: Sendable {
    public static let defaultMaxKeys = 1_000_000

    public var total = 0
    public var byCause = CauseCounts()
    /// Events per format, in order of first appearance (few formats: a list beats hashing).
    public private(set) var byFormat: [(format: String, count: Int)] = []
    public var byIP: BoundedTable<ClientTally>
    public var byPath: BoundedTable<FailureTally>
    public var byUser: BoundedTable<FailureTally>
    public var firstSeen: Int64?
    public var lastSeen: Int64?
    /// Failures per hour (UTC hours since the epoch) and cause, for charts. Bounded: a log
    /// whose timestamps span more than `maxHours` hours keeps the first ones seen.
    public private(set) var byHour: [Int64: CauseCounts] = [:]
    static let maxHours = 24 * 366 * 5

    public init(maxKeys: Int = FailureAggregate.defaultMaxKeys) {
        byIP = BoundedTable(maxKeys: maxKeys)
        byPath = BoundedTable(maxKeys: maxKeys)
        byUser = BoundedTable(maxKeys: maxKeys)
    }

    public mutating func add(_ event: AuthEvent) {
        total += 1
        byCause.increment(event.cause)
        countFormat(event.format, 1)
        if let time = event.time {
            if firstSeen == nil || time < firstSeen! { firstSeen = time }
            if lastSeen == nil || time > lastSeen! { lastSeen = time }
            let hour = CivilTime.floorDivide(time, 3600).0
            if byHour[hour] != nil || byHour.count < Self.maxHours { byHour[hour, default: CauseCounts()].increment(event.cause) }
        }
        if let ip = event.ip {
            byIP.add(ip, cause: event.cause, time: event.time, user: event.user)
            if let peer = event.peer { byIP.notePeer(peer, of: ip) }
        }
        if let path = event.path { byPath.add(path, cause: event.cause, time: event.time) }
        if let user = event.user { byUser.add(user, cause: event.cause, time: event.time) }
    }

    /// Counts one failure in the totals only (cause, format, time); the caller adds the keyed
    /// tallies with `add(_:tally:)` of the tables, once per key.
    mutating func countTotals(cause: Cause, format: String, time: Int64?) {
        total += 1
        byCause.increment(cause)
        countFormat(format, 1)
        if let time {
            if firstSeen == nil || time < firstSeen! { firstSeen = time }
            if lastSeen == nil || time > lastSeen! { lastSeen = time }
            let hour = CivilTime.floorDivide(time, 3600).0
            if byHour[hour] != nil || byHour.count < Self.maxHours { byHour[hour, default: CauseCounts()].increment(cause) }
        }
    }

    public mutating func merge(_ other: FailureAggregate) {
        total += other.total
        byCause.merge(other.byCause)
        for (format, count) in other.byFormat { countFormat(format, count) }
        byIP.merge(other.byIP)
        byPath.merge(other.byPath)
        byUser.merge(other.byUser)
        if let time = other.firstSeen, firstSeen == nil || time < firstSeen! { firstSeen = time }
        if let time = other.lastSeen, lastSeen == nil || time > lastSeen! { lastSeen = time }
        for (hour, counts) in other.byHour where byHour[hour] != nil || byHour.count < Self.maxHours {
            byHour[hour, default: CauseCounts()].merge(counts)
        }
    }

    public func events(forFormat format: String) -> Int {
        byFormat.first { $0.format == format }?.count ?? 0
    }

    @inline(__always)
    private mutating func countFormat(_ format: String, _ count: Int) {
        for index in byFormat.indices where byFormat[index].format == format {
            byFormat[index].count += count
            return
        }
        byFormat.append((format, count))
    }

    public func topIPs(_ limit: Int) -> [(key: String, value: ClientTally, error: Int)] { byIP.top(limit) }
    public func topPaths(_ limit: Int) -> [(key: String, value: FailureTally, error: Int)] { byPath.top(limit) }
    public func topUsers(_ limit: Int) -> [(key: String, value: FailureTally, error: Int)] { byUser.top(limit) }
}
