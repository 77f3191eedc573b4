/// Turns failed requests into findings. The order matters and is deliberate:
///
/// 1. users who got in after a few failures (user-typo) are set aside first, so that nobody
///    is told to block a colleague;
/// 2. clients failing at a steady interval (misconfigured-client) next: a monitor with a
///    stale password fails hundreds of times but is no attacker;
/// 3. then attacks from one address (brute-force, credential-stuffing, probe, login pressure),
///    then attacks spread over many (distributed-attack), counting only addresses that are
///    neither of the above;
/// 4. and what to fix in the setup (missing Authorization header, expiring credentials, a
///    path that started failing).
struct FindingDetector {
    let context: FindingContext

    func run() -> [Finding] {
        var state = DetectionState(count: context.requests.count)
        var findings: [Finding] = []
        findings += userTypos(&state)
        findings += misconfiguredClients(&state)
        findings += singleSourceAttacks(&state)
        findings += probes()
        findings += loginPressure(state)
        findings += distributedAttacks(state)
        findings += missingAuthorizationHeader()
        findings += expiredCredentials()
        findings += newFailures()
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
    /// Request indices grouped by a key, each group in time order.
    func group<Key: Hashable>(_ include: (FailedRequest) -> Bool, by key: (FailedRequest) -> Key) -> [Key: [Int]] {
        var groups: [Key: [Int]] = [:]
        for (index, request) in context.requests.enumerated() where include(request) {
            groups[key(request), default: []].append(index)
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
