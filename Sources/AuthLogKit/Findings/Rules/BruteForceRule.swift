extension Finding.Kind {
    public static let bruteForce = Finding.Kind("brute-force", category: .attack, key: .ip)
}

/// One address guessing passwords on one login surface: many wrong credentials there, named
/// users or not (a WordPress login answered 200 is a failure that names none; this kind took
/// over wordpress-login-pressure, and its `--login-posts` is gone: `--brute-force` tunes both).
struct BruteForceRule: FindingRule {
    static let failures = FindingThreshold(
        flag: "brute-force", defaultValue: 20,
        help: "brute-force: wrong credentials from one IP on one login surface.")

    let kind = Finding.Kind.bruteForce
    let thresholds = [failures]
    let stage = DetectionStage.singleSource

    func detect(in context: FindingContext, state: inout DetectionState) -> [Finding] {
        let minimum = context.thresholds[Self.failures]
        var findings: [Finding] = []
        // Attempts are counted, not requests: one system.multicall POST can hold hundreds of
        // guesses, so a group of fewer requests than the threshold may still be one.
        let fewest = context.loginAttempts.isEmpty ? minimum : 1
        context.forEachGroup({ FindingContext.isWrongCredential($0) }, by: \.ip, minimum: fewest) { ip, all in
            let indices = all.filter { !state.explained[$0] }
            guard let address = context.text(ip), !indices.isEmpty else { return }
            let (surface, onSurface) = context.busiestSurface(indices)
            let attempts = context.attempts(onSurface)
            guard attempts >= minimum else { return }
            state.attackers.insert(ip)
            // `attempts` only where requests held more than one, so that other reports keep their figures.
            let attemptFigure: [(name: String, value: Finding.Value)] = attempts == onSurface.count ? [] : [("attempts", .int(attempts))]
            findings.append(Finding(
                kind: kind, key: address,
                figures: [("failures", .int(onSurface.count))] + attemptFigure + [("surface", .text(surface)),
                          ("users", .int(context.distinct(onSurface, \.user))),
                          ("top_user", context.mostCommon(onSurface, \.user).map { .text($0) } ?? .text("-"))]
                    + context.span(onSurface),
                evidence: context.evidence(onSurface),
                advice: "Block \(address) (fail2ban or a deny rule) and rate-limit \(surface): "
                    + "it failed \(CountText.grouped(attempts)) times there"
                    + (attempts == onSurface.count ? "" : " (in \(CountText.grouped(onSurface.count)) requests: system.multicall)")
                    + ". Check that no account it tried has a weak password."
                    + surfaceAdvice(onSurface, in: context),
                weight: attempts))
        }
        return findings
    }

    /// What a login form's failures add: a form that logs nothing names no user (log failed
    /// logins to see them), and a run that is all XML-RPC needs XML-RPC, which few sites use.
    private func surfaceAdvice(_ indices: [Int], in context: FindingContext) -> String {
        let formFailures = indices.filter { context.requests[$0].cause == .loginFailed }
        guard !formFailures.isEmpty else { return "" }
        var advice = ""
        let paths = Set(indices.map { context.requests[$0].path })
        if paths.count == 1, let path = paths.first.flatMap({ context.text($0) }), path.hasSuffix("xmlrpc.php") {
            advice += " Every attempt was XML-RPC: disable it if nothing uses it (Jetpack and the mobile app do), "
                + "e.g. `location = /xmlrpc.php { deny all; }`."
        }
        if formFailures.count == indices.count {
            advice += " The log names no user: a security plugin that logs failed logins would."
        }
        return advice
    }

    func describe(_ figures: FindingFigures) -> String {
        // A login form that logs nothing gives no user name: say so, not "most often '-'".
        // Requests that held several attempts (system.multicall) are counted as attempts.
        let attempts = figures.finding.figure("attempts") == nil ? ""
            : " (\(figures.count("attempts")) attempts)"
        guard !figures.isZero("users") else {
            return "\(figures.count("failures")) failed logins\(attempts) on \(figures.text("surface")), no user name in the log" + figures.span
        }
        let users = figures.isOne("users") ? "one user name" : "\(figures.count("users")) user names"
        return "\(figures.count("failures")) wrong credentials\(attempts) on \(figures.text("surface")), \(users), "
            + "most often '\(figures.text("top_user"))'" + figures.span
    }
}
