/// Counts failed requests into a `FailureAggregate` by string id first: a hundred thousand
/// requests of one address cost one hash of its text, not a hundred thousand.
struct RequestTallies {
    private var clients: [FailureTally?]
    private var usersOfClient: [Set<UInt32>]
    /// The user each client's last request named: a run of one user's failures (a guesser on
    /// one account, a stale password) is inserted into the set once.
    private var lastUserOfClient: [UInt32]
    private var paths: [FailureTally?]
    private var users: [FailureTally?]

    init(strings: Int) {
        clients = Array(repeating: nil, count: strings)
        usersOfClient = Array(repeating: [], count: strings)
        lastUserOfClient = Array(repeating: 0, count: strings)
        paths = Array(repeating: nil, count: strings)
        users = Array(repeating: nil, count: strings)
    }

    mutating func add(_ request: FailedRequest) {
        let time = request.hasTime ? request.time : nil
        if request.ip != 0 {
            clients[Int(request.ip), default: FailureTally()].add(cause: request.cause, time: time)
            if request.user != 0, lastUserOfClient[Int(request.ip)] != request.user {
                usersOfClient[Int(request.ip)].insert(request.user)
                lastUserOfClient[Int(request.ip)] = request.user
            }
        }
        if request.path != 0 { paths[Int(request.path), default: FailureTally()].add(cause: request.cause, time: time) }
        if request.user != 0 { users[Int(request.user), default: FailureTally()].add(cause: request.cause, time: time) }
    }

    /// Moves the tallies into the aggregate's tables, keyed by text.
    func fill(_ aggregate: inout FailureAggregate, strings: StringInterner) {
        for (id, tally) in clients.enumerated() {
            guard let tally, let key = strings[UInt32(id)] else { continue }
            var client = ClientTally()
            client.failures = tally
            for user in usersOfClient[id] { if let name = strings[user] { client.users.insert(name) } }
            aggregate.byIP.add(key, tally: client)
        }
        for (id, tally) in paths.enumerated() {
            if let tally, let key = strings[UInt32(id)] { aggregate.byPath.add(key, tally: tally) }
        }
        for (id, tally) in users.enumerated() {
            if let tally, let key = strings[UInt32(id)] { aggregate.byUser.add(key, tally: tally) }
        }
    }
}

private extension Array where Element == FailureTally? {
    subscript(index: Int, default value: FailureTally) -> FailureTally {
        get { self[index] ?? value }
        set { self[index] = newValue }
    }
}
