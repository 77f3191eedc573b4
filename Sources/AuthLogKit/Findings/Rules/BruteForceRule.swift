extension Finding.Kind {
    public static let bruteForce = Finding.Kind("brute-force", category: .attack, key: .ip)
}

/// One address guessing passwords on one login surface: many wrong credentials there.
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
        context.forEachGroup({ FindingContext.isWrongCredential($0) }, by: \.ip, minimum: minimum) { ip, all in
            let indices = all.filter { !state.explained[$0] }
            guard let address = context.text(ip), !indices.isEmpty else { return }
            let (surface, onSurface) = context.busiestSurface(indices)
            guard onSurface.count >= minimum else { return }
            state.attackers.insert(ip)
            findings.append(Finding(
                kind: kind, key: address,
                figures: [("failures", .int(onSurface.count)), ("surface", .text(surface)),
                          ("users", .int(context.distinct(onSurface, \.user))),
                          ("top_user", context.mostCommon(onSurface, \.user).map { .text($0) } ?? .text("-"))]
                    + context.span(onSurface),
                evidence: context.evidence(onSurface),
                advice: "Block \(address) (fail2ban or a deny rule) and rate-limit \(surface): "
                    + "it failed \(CountText.grouped(onSurface.count)) times there. Check that no account it tried has a weak password.",
                weight: onSurface.count))
        }
        return findings
    }

    func describe(_ figures: FindingFigures) -> String {
        let users = figures.isOne("users") ? "one user name" : "\(figures.count("users")) user names"
        return "\(figures.count("failures")) wrong credentials on \(figures.text("surface")), \(users), "
            + "most often '\(figures.text("top_user"))'" + figures.span
    }
}
