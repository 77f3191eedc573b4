/// Failures counted under one key (an IP, a path or a user), with what a report shows.
public struct FailureTally: Sendable {
    public var count = 0
    public var causes = CauseCounts()
    private var first = Int64.max
    private var last = Int64.min

    public init() {}

    public var firstSeen: Int64? { first == .max ? nil : first }
    public var lastSeen: Int64? { last == .min ? nil : last }

    @inline(__always)
    mutating func add(cause: Cause, time: Int64?) {
        count += 1
        causes.increment(cause)
        if let time {
            if time < first { first = time }
            if time > last { last = time }
        }
    }

    public mutating func merge(_ other: FailureTally) {
        count += other.count
        causes.merge(other.causes)
        first = min(first, other.first)
        last = max(last, other.last)
    }
}

/// An IP's tally plus the distinct user names it tried (credential stuffing shows as one
/// address trying thousands of names).
public struct ClientTally: Sendable {
    public var failures = FailureTally()
    public var users = DistinctCounter()
    /// The connecting addresses (`--trusted-proxy`) the client's failures came through, where a
    /// proxy's header named the client: at most `maxPeers`, the smallest in byte order, so that
    /// the report does not depend on how the work was split. Empty: the client connected itself.
    public private(set) var peers: [String] = []
    static let maxPeers = 4

    public init() {}

    public mutating func merge(_ other: ClientTally) {
        failures.merge(other.failures)
        users.merge(other.users)
        for peer in other.peers { notePeer(peer) }
    }

    mutating func notePeer(_ peer: String) {
        guard !peers.contains(peer) else { return }
        if peers.count == Self.maxPeers {
            guard peer < peers[peers.count - 1] else { return }
            peers.removeLast()
        }
        peers.append(peer)
        peers.sort()
    }
}

/// What a bounded table needs of its values.
public protocol Tally: Sendable {
    init()
    var count: Int { get }
    mutating func merge(_ other: Self)
    /// Makes this value's count `count` (Space-Saving's takeover of an evicted key's count).
    mutating func setCount(_ count: Int)
    /// Counts one failure.
    mutating func add(cause: Cause, time: Int64?, user: String?)
}

extension FailureTally: Tally {
    public mutating func setCount(_ count: Int) { self.count = count }
    @inline(__always)
    public mutating func add(cause: Cause, time: Int64?, user: String?) { add(cause: cause, time: time) }
}

extension ClientTally: Tally {
    public var count: Int { failures.count }
    public mutating func setCount(_ count: Int) { failures.count = count }
    @inline(__always)
    public mutating func add(cause: Cause, time: Int64?, user: String?) {
        failures.add(cause: cause, time: time)
        if let user { users.insert(user) }
    }
}
