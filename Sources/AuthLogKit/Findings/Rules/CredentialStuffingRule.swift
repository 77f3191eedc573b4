extension Finding.Kind {
    public static let credentialStuffing = Finding.Kind("credential-stuffing", category: .attack, key: .ip)
}

/// One address trying many different user names: a leaked-credentials list.
struct CredentialStuffingRule: FindingRule {
    static let users = FindingThreshold(
        flag: "stuffing-users", defaultValue: 10,
        help: "credential-stuffing: distinct user names one IP tried.")

    let kind = Finding.Kind.credentialStuffing
    let thresholds = [users]
    let stage = DetectionStage.singleSource

    func detect(in context: FindingContext, state: inout DetectionState) -> [Finding] {
        let minimum = context.thresholds[Self.users]
        var findings: [Finding] = []
        context.forEachGroup({ FindingContext.isWrongCredential($0) }, by: \.ip, minimum: minimum) { ip, all in
            let indices = all.filter { !state.explained[$0] }
            guard let address = context.text(ip), !indices.isEmpty else { return }
            let users = context.distinct(indices, \.user)
            guard users >= minimum, indices.count >= minimum else { return }
            state.attackers.insert(ip)
            findings.append(Finding(
                kind: kind, key: address,
                figures: [("failures", .int(indices.count)), ("users", .int(users)),
                          ("unknown_users", .int(indices.filter { context.requests[$0].cause == .unknownUser }.count)),
                          ("surface", .text(context.busiestSurface(indices).surface))] + context.span(indices),
                evidence: context.evidence(indices),
                advice: "\(address) tried \(CountText.grouped(users)) different user names: a leaked-credentials list. Block it, "
                    + "and make sure real accounts use unique passwords or a second factor.",
                weight: users))
        }
        return findings
    }

    func describe(_ figures: FindingFigures) -> String {
        "\(figures.count("users")) different user names in \(figures.count("failures")) failures "
            + "(\(figures.count("unknown_users")) unknown) on \(figures.text("surface"))" + figures.span
    }
}
