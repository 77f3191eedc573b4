/// Turns failed requests into findings. The order matters and is deliberate:
///
/// 1. users who got in after a few failures (user-typo) are set aside first, so that nobody
///    is told to block a colleague;
/// 2. clients failing at a steady interval (misconfigured-client) next: a monitor with a
///    stale password fails hundreds of times but is no attacker;
/// 3. then attacks from one address (brute-force, credential-stuffing, probe, login pressure),
///    then attacks spread over many (distributed-attack), counting only addresses that are
///    neither of the above;
/// 4. and what to fix in the setup (missing Authorization header, expiring credentials);
/// 5. last, paths that started failing, among the failures nothing above explains; they
///    need the successes of those paths, which `SuccessReader` reads for the candidates.
struct FindingDetector {
    let context: FindingContext
    private(set) var state: DetectionState

    init(context: FindingContext) {
        self.context = context
        self.state = DetectionState(count: context.requests.count)
    }

    /// Every finding but new-failure.
    mutating func run() -> [Finding] {
        var findings: [Finding] = []
        findings += userTypos(&state)
        findings += misconfiguredClients(&state)
        findings += singleSourceAttacks(&state)
        findings += probes(&state)
        findings += loginPressure(state)
        findings += distributedAttacks(&state)
        findings += missingAuthorizationHeader()
        findings += expiredCredentials()
        return findings
    }

    /// Kind order, then weight, then key: the order of every output.
    static func sorted(_ findings: [Finding]) -> [Finding] {
        let order = Finding.Kind.allCases
        return findings.sorted {
            let a = order.firstIndex(of: $0.kind)!, b = order.firstIndex(of: $1.kind)!
            return a != b ? a < b : $0.weight != $1.weight ? $0.weight > $1.weight : $0.key < $1.key
        }
    }
}

/// What earlier detectors concluded, for the later ones.
struct DetectionState {
    /// Requests explained as a colleague's typo or a misconfigured client.
    var explained: [Bool]
    /// Addresses already reported as attacking on their own.
    var attackers: Set<UInt32> = []
    /// Addresses already reported as misconfigured clients.
    var misconfigured: Set<UInt32> = []

    init(count: Int) { explained = [Bool](repeating: false, count: count) }
}

extension FindingDetector {
    /// Calls `body` with each group of requests sharing a string id (address, path, user),
    /// in time order, groups in id order. One sorted array of packed (id, index) integers
    /// and slices of it: a flood of a million addresses with one request each costs no
    /// allocation per address.
    func forEachGroup(_ include: (FailedRequest) -> Bool, by key: (FailedRequest) -> UInt32,
                      minimum: Int = 1, _ body: (UInt32, ArraySlice<Int>) -> Void) {
        var packed: [UInt64] = []
        for (index, request) in context.requests.enumerated() where include(request) {
            packed.append(UInt64(key(request)) << 32 | UInt64(index))
        }
        packed.sort()
        let indices = packed.map { Int($0 & 0xFFFF_FFFF) }
        var start = 0
        while start < packed.count {
            let id = packed[start] >> 32
            var end = start + 1
            while end < packed.count, packed[end] >> 32 == id { end += 1 }
            if end - start >= minimum { body(UInt32(id), indices[start..<end]) }
            start = end
        }
    }

    /// Request indices grouped by (address, path), each group in time order.
    func groupByClientAndPath(_ include: (FailedRequest) -> Bool) -> [(key: ClientPath, indices: [Int])] {
        var keyed: [(key: UInt64, index: Int)] = []
        for (index, request) in context.requests.enumerated() where include(request) {
            keyed.append((UInt64(request.ip) << 32 | UInt64(request.path), index))
        }
        keyed.sort { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
        var groups: [(key: ClientPath, indices: [Int])] = []
        var start = 0
        while start < keyed.count {
            var end = start
            while end < keyed.count, keyed[end].key == keyed[start].key { end += 1 }
            groups.append((ClientPath(ip: UInt32(keyed[start].key >> 32), path: UInt32(keyed[start].key & 0xFFFF_FFFF)),
                           keyed[start..<end].map(\.index)))
            start = end
        }
        return groups
    }

    func span(_ indices: [Int]) -> [(name: String, value: Finding.Value)] {
        let times = indices.map { context.requests[$0].time }.filter { $0 != Int64.min }
        guard let first = times.min(), let last = times.max() else { return [] }
        return [("first_seen", .time(first)), ("last_seen", .time(last))]
    }

    func distinct(_ indices: [Int], _ field: (FailedRequest) -> UInt32) -> Int {
        Set(indices.map { field(context.requests[$0]) }.filter { $0 != 0 }).count
    }

    /// The most frequent non-empty value of a field, as text.
    func mostCommon(_ indices: [Int], _ field: (FailedRequest) -> UInt32) -> String? {
        var counts: [UInt32: Int] = [:]
        for index in indices where field(context.requests[index]) != 0 { counts[field(context.requests[index]), default: 0] += 1 }
        return counts.max { $0.value != $1.value ? $0.value < $1.value : (context.text($0.key) ?? "") > (context.text($1.key) ?? "") }
            .flatMap { context.text($0.key) }
    }
}
