/// A path that served its clients and then refused most of them from some moment on: a
/// rotated key, a changed rule, a deploy. Needs the successes the second read collected.
extension FindingDetector {
    func newFailures() -> [Finding] {
        var successesByPath: [UInt32: [Int64]] = [:]
        for record in context.successes where record.hasTime && record.path != 0 {
            successesByPath[record.path, default: []].append(record.time)
        }
        guard !successesByPath.isEmpty else { return [] }
        let failuresByPath = group({ $0.hasTime && successesByPath[$0.path] != nil && !FindingContext.isWrongCredential($0) },
                                   by: \.path)
        var findings: [Finding] = []
        for (path, failures) in failuresByPath {
            guard let name = context.text(path), let successes = successesByPath[path]?.sorted() else { continue }
            // Walk the failures in time order; the change is the earliest failure after which
            // at least 80 % of the requests fail, from enough clients, having served before.
            var clientsAfter = [Int](repeating: 0, count: failures.count + 1)
            var seen: Set<UInt32> = []
            for position in failures.indices.reversed() {
                seen.insert(context.requests[failures[position]].ip)
                clientsAfter[position] = seen.count
            }
            var successIndex = 0
            for (position, index) in failures.enumerated() {
                let change = context.requests[index].time
                while successIndex < successes.count, successes[successIndex] < change { successIndex += 1 }
                let servedBefore = successIndex
                let failedAfter = failures.count - position
                let servedAfter = successes.count - servedBefore
                guard servedBefore >= 3 else { continue }
                guard clientsAfter[position] >= context.thresholds.newFailureClients,
                      failedAfter * 5 >= (failedAfter + servedAfter) * 4 else { continue }
                let after = Array(failures[position...])
                let cause = mostCommonCause(after)
                findings.append(Finding(
                    kind: .newFailure, key: name,
                    figures: [("since", .time(change)), ("failures", .int(failedAfter)), ("clients", .int(clientsAfter[position])),
                              ("served_before", .int(servedBefore)), ("served_after", .int(servedAfter)),
                              ("cause", .text(cause.rawValue))],
                    evidence: context.evidence(after),
                    advice: "\(name) answered \(servedBefore) requests before \(CivilTime.shortDisplay(change)) UTC and has "
                        + "refused \(failedAfter) (\(cause.rawValue)) from \(clientsAfter[position]) clients since: something "
                        + "changed then (a rotated key or password, a new rule, a deploy). Check what was changed at that time.",
                    weight: failedAfter))
                break
            }
        }
        return findings
    }

    private func mostCommonCause(_ indices: [Int]) -> Cause {
        var counts = CauseCounts()
        for index in indices { counts.increment(context.requests[index].cause) }
        return counts.nonZeroByCount.first?.cause ?? .http401
    }
}
