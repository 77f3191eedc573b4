extension Finding.Kind {
    public static let userTypo = Finding.Kind("user-typo", category: .benign, key: .user)
}

/// Not an attack: a person who mistyped and then got in. Listed so that nobody blocks a
/// colleague, and set aside before the attack rules count anything.
struct UserTypoRule: FindingRule {
    static let maxFailures = FindingThreshold(
        flag: "typo-failures", defaultValue: 3,
        help: "user-typo: at most this many failures before the same user got in from the same IP (within 15 min).")
    /// How long after the failures the success must come, seconds (the help says 15 min).
    static let window: Int64 = 900

    let kind = Finding.Kind.userTypo
    let thresholds = [maxFailures]
    let stage = DetectionStage.setAside

    func detect(in context: FindingContext, state: inout DetectionState) -> [Finding] {
        let maxFailures = context.thresholds[Self.maxFailures]
        let successesByIP = context.successesByClient()
        // A botnet member that failed twice and then got in looks like a typo from its own
        // address alone: the compromised rule's botnet shape decides those first.
        let breakIns = Set(context.botnetBreakIns(
            minFailures: context.thresholds[CompromisedRule.minFailures],
            minAddresses: context.thresholds[CompromisedRule.minAddresses], window: CompromisedRule.window)
            .map { BreakInKey(ip: $0.ip, time: $0.time, user: $0.user) })

        var byUser: [String: (sessions: Int, failures: Int, ips: Set<UInt32>, firstFailures: [Int], paths: Set<String>)] = [:]
        context.forEachGroup({ r in
            r.hasTime && successesByIP[r.ip] != nil
                && (FindingContext.isWrongCredential(r) || r.cause == .missingCredentials || r.cause == .http401)
        }, by: \.ip) { ip, failures in
            guard var successes = successesByIP[ip] else { return }
            successes.sort { $0.time < $1.time }
            var next = failures.startIndex  // first failure not yet looked at
            for success in successes {
                var window: [Int] = []
                while next < failures.endIndex, context.requests[failures[next]].time <= success.time {
                    let index = failures[next]
                    next += 1
                    if success.time - context.requests[index].time <= Self.window { window.append(index) }
                }
                guard !window.isEmpty, window.count <= maxFailures,
                      !breakIns.contains(BreakInKey(ip: ip, time: success.time, user: success.user)) else { continue }
                let named = window.map { context.requests[$0].user }.filter { $0 != 0 }
                // A colleague tries one name (maybe mistyped); a guesser tries many.
                guard Set(named).count <= 1 else { continue }
                guard let user = context.text(success.user != 0 ? success.user : (named.first ?? 0)) else { continue }
                for index in window { state.explained[index] = true }
                var entry = byUser[user] ?? (0, 0, [], [], [])
                entry.sessions += 1
                entry.failures += window.count
                entry.ips.insert(ip)
                entry.firstFailures.append(window[0])
                if let path = context.text(context.requests[window[0]].path) { entry.paths.insert(path) }
                byUser[user] = entry
            }
        }
        return byUser.map { user, entry in
            Finding(
                kind: kind, key: user,
                figures: [("sessions", .int(entry.sessions)), ("failures", .int(entry.failures)), ("ips", .int(entry.ips.count)),
                          ("paths", .text(entry.paths.sorted().prefix(3).joined(separator: " ")))],
                evidence: context.evidence(entry.firstFailures.sorted()),  // oldest first, whatever the order of addresses
                advice: "'\(user)' failed \(entry.failures == 1 ? "once" : "\(CountText.grouped(entry.failures)) times") and then got in "
                    + (entry.sessions == 1 ? "" : "(\(entry.sessions) times) ")
                    + "from the same address: a mistyped password or the browser's first request without credentials. "
                    + "Not an attack: do not block these addresses.",
                weight: entry.sessions,
                addresses: entry.ips.compactMap { context.text($0) }.sorted())
        }
    }

    func describe(_ figures: FindingFigures) -> String {
        let failures = figures.isOne("failures") ? "once" : "\(figures.count("failures")) times"
        let sessions = figures.isOne("sessions") ? "" : " (\(figures.count("sessions")) times, from \(figures.count("ips")) addresses)"
        return "failed \(failures), then got in\(sessions), on \(figures.text("paths"))"
    }
}

/// A success, as user-typo looks up the ones the compromised rule calls a botnet's break-in.
private struct BreakInKey: Hashable {
    var ip: UInt32
    var time: Int64
    var user: UInt32
}
