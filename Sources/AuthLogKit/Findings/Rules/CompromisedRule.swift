extension Finding.Kind {
    public static let compromised = Finding.Kind("compromised", category: .attack, key: .ip)
}

/// The most urgent thing a log can show: a guess that worked. Two shapes:
///
/// - **One address** fails many times and then gets in (keyed by the address). A colleague's
///   slip is a few failures (user-typo, at most `--typo-failures`); a guess that worked is a run
///   of at least `--compromised-failures` before the success.
/// - **A botnet on one user name**: at least `--compromised-spread` addresses fail on the name
///   (`--compromised-failures` in all, within 1 h), then an address gets in as that user (keyed
///   by the user; `FindingContext.botnetBreakIns` says exactly when). The owner logging in
///   after a spray is no compromise: the botnet guessed, the owner knew. So the success counts
///   only when it comes from an address that took part in the failures, or from a new address
///   while the failures still go on, and never from an address the user had got in from before
///   the spray began. Only an address that took part is put on the ban list: a new address
///   that logs in during the attack may still be the owner on another network, which the
///   admin must find out before blocking (the advice says so).
///
/// Runs after the machines stage so that a monitor with a stale password that somebody then
/// fixed (steady failures, misconfigured-client) is not taken for a break-in.
struct CompromisedRule: FindingRule {
    static let minFailures = FindingThreshold(
        flag: "compromised-failures", defaultValue: 10,
        help: "compromised: at least this many failures from an IP (or, from --compromised-spread IPs, on one user name) before it got in (within 1 h).")
    static let minAddresses = FindingThreshold(
        flag: "compromised-spread", defaultValue: 5,
        help: "compromised: at least this many IPs failing on one user name before any IP got in as that user (a botnet).")
    /// How long before the success the failures count, seconds (the help says 1 h): a guesser
    /// that works through a list gets in during its run, not a day later.
    static let window: Int64 = 3600

    let kind = Finding.Kind.compromised
    let thresholds = [minFailures, minAddresses]
    let stage = DetectionStage.singleSource

    func detect(in context: FindingContext, state: inout DetectionState) -> [Finding] {
        let minFailures = context.thresholds[Self.minFailures]
        let successesByIP = context.successesByClient()

        var findings: [Finding] = []
        // Failures of any cause count: a login form's refusal, a wrong password, a 401.
        context.forEachGroup({ r in r.hasTime && successesByIP[r.ip] != nil }, by: \.ip, minimum: minFailures) { ip, all in
            guard !state.misconfigured.contains(ip), let address = context.text(ip),
                  var successes = successesByIP[ip] else { return }
            let failures = all.filter { !state.explained[$0] }
            successes.sort { $0.time < $1.time }
            var next = failures.startIndex
            // Successes as users none of the failures named are other people behind the same
            // address (a proxy, an office NAT): not a guess's success, and they must not end a run.
            let tried = Set(failures.map { context.requests[$0].user }.filter { $0 != 0 })
            for success in successes where success.user == 0 || tried.isEmpty || tried.contains(success.user) {
                var run: [Int] = []
                while next < failures.endIndex, context.requests[failures[next]].time <= success.time {
                    let index = failures[next]
                    next += 1
                    // Only guesses at the account that got in (or at no named one: a login form's
                    // 200) lead to this success; others are someone else behind the same address.
                    let user = context.requests[index].user
                    if success.time - context.requests[index].time <= Self.window,
                       success.user == 0 || user == 0 || user == success.user { run.append(index) }
                }
                guard run.count >= minFailures else { continue }
                let named = Set(run.map { context.requests[$0].user }.filter { $0 != 0 })
                let userID = success.user != 0 ? success.user : (named.count == 1 ? named.first! : 0)
                let user = context.text(userID) ?? "-"
                // A login form's log names no user: the advice cannot name the account either.
                let advice = user == "-"
                    ? "\(address) failed \(CountText.grouped(run.count)) times and then got in (the log does not say as whom): "
                        + "rotate the passwords of the accounts that can log in there, end their sessions, and check "
                        + "what was done since; block \(address)."
                    : "\(address) failed \(CountText.grouped(run.count)) times and then got in as '\(user)': "
                        + "rotate that password, end its sessions, and check what the account did since; block \(address)."
                findings.append(Finding(
                    kind: kind, key: address,
                    figures: [("failures", .int(run.count)), ("user", .text(user)),
                              ("success", .time(success.time)),
                              ("users_tried", .int(named.count))],
                    evidence: context.evidence(run),
                    advice: advice,
                    weight: run.count))
                break  // one finding per address: the first success after a run is the break-in
            }
        }
        return findings + botnetFindings(in: context, state: state, reported: Set(findings.map(\.key)))
    }

    /// The botnet shape, keyed by the user; `reported` are the addresses the one-address shape
    /// already named (one break-in is one finding).
    private func botnetFindings(in context: FindingContext, state: DetectionState, reported: Set<String>) -> [Finding] {
        context.botnetBreakIns(minFailures: context.thresholds[Self.minFailures],
                               minAddresses: context.thresholds[Self.minAddresses], window: Self.window)
            .compactMap { breakIn in
                guard !state.misconfigured.contains(breakIn.ip), let user = context.text(breakIn.user),
                      let address = context.text(breakIn.ip), !reported.contains(address) else { return nil }
                let tookPart = breakIn.failuresOfAddress > 0
                let failures = CountText.grouped(breakIn.failures.count)
                let addresses = CountText.grouped(breakIn.addresses)
                let advice = "\(addresses) addresses failed \(failures) times on '\(user)', then \(address) got in as '\(user)' "
                    + (tookPart ? "(it was one of them): " : "(a new address, while the others went on failing): ")
                    + "rotate that password, end its sessions, and check what the account did since; "
                    + (tookPart ? "block \(address)." : "\(address) is not on the ban list: find out whether it is the owner's before blocking it.")
                return Finding(
                    kind: kind, key: user,
                    figures: [("failures", .int(breakIn.failures.count)), ("user", .text(user)),
                              ("success", .time(breakIn.time)), ("ips", .int(breakIn.addresses)),
                              ("address", .text(address)), ("address_failures", .int(breakIn.failuresOfAddress))],
                    evidence: context.evidence(breakIn.failures),
                    advice: advice,
                    weight: breakIn.failures.count,
                    keyedBy: .user,
                    blocks: tookPart ? [address] : [])
            }
    }

    func describe(_ figures: FindingFigures) -> String {
        if figures.finding.keyDimension == .user {
            return "\(figures.count("failures")) failures from \(figures.count("ips")) addresses, then \(figures.text("address")) got in "
                + (figures.isZero("address_failures") ? "(a new address, during the attack)" : "(one of them)")
        }
        let user = figures.text("user")
        return "failed \(figures.count("failures")) times, then got in" + (user == "-" ? "" : " as \(user)")
    }
}
