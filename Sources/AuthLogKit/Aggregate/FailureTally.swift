/// Failures counted under one key (an IP, a path or a user), with what a report shows.
public struct FailureTally: Sendable {
    public var count = 0
    public var causes = CauseCounts()
    public var firstSeen: Int64?
    public var lastSeen: Int64?

    mutating func add(cause: Cause, time: Int64?) {
        count += 1
        causes[cause] += 1
        if let time {
            if firstSeen == nil || time < firstSeen! { firstSeen = time }
            if lastSeen == nil || time > lastSeen! { lastSeen = time }
        }
    }

    mutating func merge(_ other: FailureTally) {
        count += other.count
        causes.merge(other.causes)
        if let time = other.firstSeen, firstSeen == nil || time < firstSeen! { firstSeen = time }
        if let time = other.lastSeen, lastSeen == nil || time > lastSeen! { lastSeen = time }
    }
}

/// An IP's tally plus the distinct user names it tried (credential stuffing shows as one
/// address trying thousands of names).
public struct ClientTally: Sendable {
    public var failures = FailureTally()
    public var users: Set<String> = []

    mutating func merge(_ other: ClientTally) {
        failures.merge(other.failures)
        users.formUnion(other.users)
    }
}
