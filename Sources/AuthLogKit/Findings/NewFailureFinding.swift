/// A path that served its clients and then refused most of them from some moment on: a
/// rotated key, a changed rule, a deploy. Judged on the failures nothing else explains,
/// with the successes of the candidate paths, which a second narrow read collects.
extension FindingDetector {
    /// Paths worth reading back: refused again and again to several clients that are neither
    /// attackers nor misconfigured (a client that used to be served retries), and first
    /// refused well after the access log holding that refusal begins (`logStarts`, by input;
    /// a path refused from the first minutes on cannot be seen serving before). At most
    /// `limit`, most clients first.
    private var rootPath: UInt32 { context.strings.existingID("/") ?? UInt32.max }

    func newFailureCandidates(logStarts: [Int: Int64], limit: Int) -> [UInt32] {
        var failuresOfClient: [UInt32: [UInt32: Int]] = [:]
        var lateEnough: [UInt32: Bool] = [:]
        for (index, request) in context.requests.enumerated() where isCandidateFailure(index) && request.access >= 0 {
            failuresOfClient[request.path, default: [:]][request.ip, default: 0] += 1
            if lateEnough[request.path] == nil {  // the path's first refusal (time order)
                let start = logStarts[Int(context.records[Int(request.access)].input)]
                lateEnough[request.path] = start.map { request.time >= $0 + 600 } ?? false
            }
        }
        let clients = failuresOfClient.mapValues { Set($0.filter { $0.value >= 2 }.keys) }
        return clients.filter { $0.value.count >= context.thresholds.newFailureClients && lateEnough[$0.key] == true }
            .sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count
                      : (context.text($0.key) ?? "") < (context.text($1.key) ?? "") }
            .prefix(limit).map(\.key)
    }

    /// A refusal a change would cause: a key or password that no longer works, a new rule.
    /// Not a browser's first request without credentials, an expiring token or nonce (their
    /// own finding), or an unknown user name.
    /// The site's root is no candidate either: it is every visitor's first page, and the
    /// path of every `?rest_route=` call.
    private func isCandidateFailure(_ index: Int) -> Bool {
        let request = context.requests[index]
        guard request.path != rootPath else { return false }
        switch request.cause {
        case .missingCredentials, .expiredToken, .invalidNonce, .unknownUser, .wrongScheme: return false
        default: break
        }
        return request.hasTime && request.path != 0 && !state.explained[index] && !state.attackers.contains(request.ip)
            && !state.misconfigured.contains(request.ip)
    }

    /// `served` holds the times each candidate path answered 2xx/3xx.
    func newFailures(served: [UInt32: [Int64]]) -> [Finding] {
        var findings: [Finding] = []
        for (path, unsortedSuccesses) in served {
            let failures = context.requests.indices.filter { context.requests[$0].path == path && isCandidateFailure($0) }
            guard let name = context.text(path), !failures.isEmpty else { continue }
            let successes = unsortedSuccesses.sorted()
            // The change is the earliest failure after which at least 80 % of the requests
            // fail, from enough clients, the path having served at least 3 before and failed
            // at most 20 % of its requests then (a path that always failed often did not change).
            var clientsAfter = [Int](repeating: 0, count: failures.count + 1)
            var seen: Set<UInt32> = []
            for position in failures.indices.reversed() {
                seen.insert(context.requests[failures[position]].ip)
                clientsAfter[position] = seen.count
            }
            var servedBefore = 0
            for (position, index) in failures.enumerated() {
                let change = context.requests[index].time
                while servedBefore < successes.count, successes[servedBefore] < change { servedBefore += 1 }
                let failedAfter = failures.count - position
                let servedAfter = successes.count - servedBefore
                let failedBefore = position
                guard servedBefore >= 3, failedBefore * 5 <= (failedBefore + servedBefore),
                      clientsAfter[position] >= context.thresholds.newFailureClients,
                      failedAfter * 5 >= (failedAfter + servedAfter) * 4 else { continue }
                let after = Array(failures[position...])
                let cause = mostCommonCause(after)
                findings.append(Finding(
                    kind: .newFailure, key: name,
                    figures: [("since", .time(change)), ("failures", .int(failedAfter)), ("clients", .int(clientsAfter[position])),
                              ("served_before", .int(servedBefore)), ("served_after", .int(servedAfter)),
                              ("cause", .text(cause.rawValue))],
                    evidence: context.evidence(after),
                    advice: "\(name) answered \(TextReport.format(servedBefore)) requests before \(CivilTime.shortDisplay(change)) UTC and has "
                        + "refused \(TextReport.format(failedAfter)) (\(cause.rawValue)) from \(TextReport.format(clientsAfter[position])) clients since: something "
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
