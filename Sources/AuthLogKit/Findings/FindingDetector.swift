/// Turns failed requests into findings by running the registered rules in their stages (see
/// `DetectionStage` for why the order matters), then, given the successes of the paths they
/// name (counted during the scan, or read back), the rules that need them.
struct FindingDetector {
    let context: FindingContext
    private(set) var state: DetectionState

    init(context: FindingContext) {
        self.context = context
        self.state = DetectionState(count: context.requests.count)
    }

    /// Every finding that needs no successes read back.
    mutating func run() -> [Finding] {
        var findings: [Finding] = []
        for rule in FindingRegistry.detectionOrder {
            findings += rule.detect(in: context, state: &state)
        }
        return findings
    }

    private var successReadingRules: [any SuccessReadingRule] {
        FindingRegistry.detectionOrder.compactMap { $0 as? any SuccessReadingRule }
    }

    /// The paths whose successes the rules that need them want read, at most `limit`, after
    /// `run()`.
    func successCandidates(logStarts: [Int: Int64], limit: Int) -> [UInt32] {
        var paths: [UInt32] = []
        for rule in successReadingRules {
            for path in rule.candidatePaths(in: context, state: state, logStarts: logStarts, limit: limit)
            where paths.count < limit && !paths.contains(path) {
                paths.append(path)
            }
        }
        return paths
    }

    /// The findings judged with the successes (`served`: when each candidate path answered
    /// 2xx/3xx).
    func findings(served: [UInt32: [ServedBucket]]) -> [Finding] {
        successReadingRules.flatMap { $0.detect(in: context, state: state, served: served) }
    }

    /// Kind order, then weight, then key: the order of every output.
    static func sorted(_ findings: [Finding]) -> [Finding] {
        // Each kind's rank is looked up once, not in every comparison.
        let ranked: [(rank: Int, finding: Finding)] = findings.map { (FindingRegistry.rank(of: $0.kind), $0) }
        return ranked.sorted { a, b in
            if a.rank != b.rank { return a.rank < b.rank }
            if a.finding.weight != b.finding.weight { return a.finding.weight > b.finding.weight }
            return a.finding.key < b.finding.key
        }.map(\.finding)
    }
}
