extension Finding.Kind {
    public static let distributedAttack = Finding.Kind("distributed-attack", category: .attack, key: .user)
}

/// Many addresses sharing the work on one user name, each below any per-address ban: a botnet.
struct DistributedAttackRule: FindingRule {
    static let addresses = FindingThreshold(
        flag: "distributed-ips", defaultValue: 10,
        help: "distributed-attack: distinct IPs that tried one user name and never got in.")

    let kind = Finding.Kind.distributedAttack
    let thresholds = [addresses]
    let stage = DetectionStage.distributed

    func detect(in context: FindingContext, state: inout DetectionState) -> [Finding] {
        let explained = state.explained
        let minimum = context.thresholds[Self.addresses]
        var findings: [Finding] = []
        var botnets: [[Int]] = []
        context.forEachGroup({ r in FindingContext.isWrongCredential(r) && r.user != 0 && !state.attackers.contains(r.ip)
                                   && !state.misconfigured.contains(r.ip) }, by: \.user, minimum: minimum) { user, all in
            let indices = all.filter { !explained[$0] }
            let ips = context.distinct(indices, \.ip)
            guard ips >= minimum, let name = context.text(user) else { return }
            botnets.append(indices)
            findings.append(Finding(
                kind: kind, key: name,
                figures: [("failures", .int(indices.count)), ("ips", .int(ips)),
                          ("per_ip", .text(CountText.oneDecimal(Double(indices.count) / Double(ips))))] + context.span(indices),
                evidence: context.evidence(indices),
                advice: "\(CountText.grouped(ips)) addresses each tried '\(name)' a few times: a botnet, below any per-address ban. "
                    + "Rate-limit logins per user name, rename or disable '\(name)' if it is a default account, "
                    + "and require a second factor.",
                weight: ips))
        }
        // The botnet's addresses are attackers too, for what is judged after this.
        for indices in botnets {
            for index in indices { state.attackers.insert(context.requests[index].ip) }
        }
        return findings
    }

    func describe(_ figures: FindingFigures) -> String {
        "\(figures.count("failures")) failures from \(figures.count("ips")) addresses, \(figures.text("per_ip")) each" + figures.span
    }
}
