extension Finding.Kind {
    public static let misconfiguredClient = Finding.Kind("misconfigured-client", category: .fix, key: .ip)
}

/// The same address failing on the same path at a steady interval is a machine: an uptime
/// monitor, a cron job, a deploy script, with a wrong or missing password. Its failures are
/// explained before the attack rules count them.
struct MisconfiguredClientRule: FindingRule {
    static let failures = FindingThreshold(
        flag: "regular-failures", defaultValue: 10,
        help: "misconfigured-client: failures of one IP on one path at a steady interval.",
        range: 3...FindingThreshold.counts.upperBound, rangeNote: "two intervals at least")

    let kind = Finding.Kind.misconfiguredClient
    let thresholds = [failures]
    let stage = DetectionStage.machines

    func detect(in context: FindingContext, state: inout DetectionState) -> [Finding] {
        let minimum = context.thresholds[Self.failures]
        // Expired tokens and stale nonces have their own finding and advice.
        var findings: [Finding] = []
        context.forEachClientPathGroup({
            $0.hasTime && $0.path != 0 && $0.cause != .expiredToken && $0.cause != .invalidNonce
        }, minimum: minimum) { key, all in
            let indices = all.filter { !state.explained[$0] }
            guard indices.count >= minimum, context.distinct(indices, \.user) <= 2,
                  let interval = Self.steadyInterval(indices.map { context.requests[$0].time }, minimumGaps: minimum - 1),
                  let address = context.text(key.ip), let path = context.text(key.path) else { return }
            state.misconfigured.insert(key.ip)
            for index in all { state.explained[index] = true }
            let causes = Dictionary(grouping: indices, by: { context.requests[$0].cause }).max { $0.value.count < $1.value.count }!.key
            let user = context.mostCommon(indices, \.user)
            findings.append(Finding(
                kind: kind, key: address,
                figures: [("failures", .int(indices.count)), ("path", .text(path)), ("interval_seconds", .int(Int(interval))),
                          ("cause", .text(causes.rawValue)), ("user", .text(user ?? "-"))] + context.span(indices),
                evidence: context.evidence(indices),
                advice: "\(address) fails on \(path) every \(DurationText.describe(seconds: interval)) "
                    + (user.map { "as '\($0)' " } ?? "") + "(\(causes.rawValue)): a monitor, cron job or script, "
                    + "not a person. Give it valid credentials or point it at a public health-check path.",
                weight: indices.count))
        }
        return findings
    }

    /// The typical gap between failures when at least 80 % of the gaps are within 10 % (and
    /// at least 2 s) of it and it is at least 30 s (schedules are set in minutes; a tool
    /// firing every few seconds is guessing); nil for an irregular series or one of fewer
    /// than `minimumGaps` gaps.
    static func steadyInterval(_ times: [Int64], minimumGaps: Int) -> Int64? {
        let sorted = times.sorted()
        var gaps: [Int64] = []
        for index in sorted.indices.dropFirst() where sorted[index] > sorted[index - 1] {
            gaps.append(sorted[index] - sorted[index - 1])
        }
        guard gaps.count >= minimumGaps else { return nil }
        let median = gaps.sorted()[gaps.count / 2]
        guard median >= 30 else { return nil }
        let tolerance = max(2, median / 10)
        let steady = gaps.filter { abs($0 - median) <= tolerance }.count
        return steady * 5 >= gaps.count * 4 ? median : nil
    }

    func describe(_ figures: FindingFigures) -> String {
        "\(figures.count("failures")) failures on \(figures.text("path")) every \(figures.text("interval_seconds")) s "
            + "as '\(figures.text("user"))' (\(figures.text("cause")))" + figures.span
    }
}
