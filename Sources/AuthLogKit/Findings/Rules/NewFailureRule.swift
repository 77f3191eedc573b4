extension Finding.Kind {
    public static let newFailure = Finding.Kind("new-failure", category: .fix, key: .path)
}

/// A path that served its clients and then refused most of them from some moment on: a
/// rotated key, a changed rule, a deploy. Judged on the failures nothing else explains,
/// with the successes of the candidate paths, which the scan counts per minute.
struct NewFailureRule: SuccessReadingRule {
    static let clients = FindingThreshold(
        flag: "new-failure-clients", defaultValue: 3,
        help: "new-failure: clients refused on a path that served them before.")

    let kind = Finding.Kind.newFailure
    let thresholds = [clients]
    let stage = DetectionStage.afterSuccesses

    /// Paths worth reading back: refused again and again to several clients that are neither
    /// attackers nor misconfigured (a client that used to be served retries), and first
    /// refused well after the access log holding that refusal begins (a path refused from
    /// the first minutes on cannot be seen serving before). Most clients first.
    func candidatePaths(in context: FindingContext, state: DetectionState, logStarts: [Int: Int64], limit: Int) -> [UInt32] {
        let rootPath = Self.rootPath(context)
        var failuresOfClient: [UInt32: [UInt32: Int]] = [:]
        var lateEnough: [UInt32: Bool] = [:]
        for (index, request) in context.requests.enumerated()
        where isCandidateFailure(index, context, state, rootPath) && request.access >= 0 {
            failuresOfClient[request.path, default: [:]][request.ip, default: 0] += 1
            if lateEnough[request.path] == nil {  // the path's first refusal (time order)
                let start = logStarts[Int(context.records[Int(request.access)].input)]
                lateEnough[request.path] = start.map { request.time >= $0 + 600 } ?? false
            }
        }
        let clients = failuresOfClient.mapValues { Set($0.filter { $0.value >= 2 }.keys) }
        return clients.filter { $0.value.count >= context.thresholds[Self.clients] && lateEnough[$0.key] == true }
            .sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count
                      : (context.text($0.key) ?? "") < (context.text($1.key) ?? "") }
            .prefix(limit).map(\.key)
    }

    /// The site's root is no candidate: it is every visitor's first page, and the path of
    /// every `?rest_route=` call.
    private static func rootPath(_ context: FindingContext) -> UInt32 { context.strings.existingID("/") ?? UInt32.max }

    /// A refusal a change would cause: a key or password that no longer works, a new rule.
    /// Not a browser's first request without credentials, an expiring token or nonce (their
    /// own finding), or an unknown user name.
    private func isCandidateFailure(_ index: Int, _ context: FindingContext, _ state: DetectionState, _ rootPath: UInt32) -> Bool {
        let request = context.requests[index]
        guard request.path != rootPath else { return false }
        switch request.cause {
        case .missingCredentials, .expiredToken, .invalidNonce, .unknownUser, .wrongScheme: return false
        default: break
        }
        return request.hasTime && request.path != 0 && !state.explained[index] && !state.attackers.contains(request.ip)
            && !state.misconfigured.contains(request.ip)
    }

    func detect(in context: FindingContext, state: DetectionState, served: [UInt32: [ServedBucket]]) -> [Finding] {
        let rootPath = Self.rootPath(context)
        let minimumClients = context.thresholds[Self.clients]
        var findings: [Finding] = []
        for (path, unsortedBuckets) in served {
            let failures = context.requests.indices.filter {
                context.requests[$0].path == path && isCandidateFailure($0, context, state, rootPath)
            }
            guard let name = context.text(path), !failures.isEmpty else { continue }
            // Successes come in buckets (a minute, or wider for a long history): a bucket's
            // successes count as served before a failure only when the whole bucket is
            // before it, so a bucket holding the change counts as after it (which can only
            // keep a finding from being made, never make one).
            let successes = unsortedBuckets.sorted { $0.end < $1.end }
            let servedInAll = successes.reduce(0) { $0 + $1.count }
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
            var bucketsBefore = 0
            for (position, index) in failures.enumerated() {
                let change = context.requests[index].time
                while bucketsBefore < successes.count, successes[bucketsBefore].endsBefore(change) {
                    servedBefore += successes[bucketsBefore].count
                    bucketsBefore += 1
                }
                let failedAfter = failures.count - position
                let servedAfter = servedInAll - servedBefore
                let failedBefore = position
                guard servedBefore >= 3, failedBefore * 5 <= (failedBefore + servedBefore),
                      clientsAfter[position] >= minimumClients,
                      failedAfter * 5 >= (failedAfter + servedAfter) * 4 else { continue }
                let after = Array(failures[position...])
                let cause = Self.mostCommonCause(after, context)
                findings.append(Finding(
                    kind: kind, key: name,
                    figures: [("since", .time(change)), ("failures", .int(failedAfter)), ("clients", .int(clientsAfter[position])),
                              ("served_before", .int(servedBefore)), ("served_after", .int(servedAfter)),
                              ("cause", .text(cause.rawValue))],
                    evidence: context.evidence(after),
                    advice: "\(name) answered \(CountText.grouped(servedBefore)) requests before \(CivilTime.shortDisplay(change)) UTC and has "
                        + "refused \(CountText.grouped(failedAfter)) (\(cause.rawValue)) from \(CountText.grouped(clientsAfter[position])) clients since: something "
                        + "changed then (a rotated key or password, a new rule, a deploy). Check what was changed at that time.",
                    weight: failedAfter))
                break
            }
        }
        return findings
    }

    private static func mostCommonCause(_ indices: [Int], _ context: FindingContext) -> Cause {
        var counts = CauseCounts()
        for index in indices { counts.increment(context.requests[index].cause) }
        return counts.nonZeroByCount.first?.cause ?? .http401
    }

    func describe(_ figures: FindingFigures) -> String {
        "refused \(figures.count("failures")) times (\(figures.text("cause"))) to \(figures.count("clients")) clients "
            + "since \(figures.text("since")) UTC; served \(figures.count("served_before")) before"
    }
}
