extension Finding.Kind {
    public static let probe = Finding.Kind("probe", category: .attack, key: .ip)
}

/// One address asking for files that must never be served (.git, .env, wp-config.php…) and
/// refused: a scanner looking for secrets.
struct ProbeRule: FindingRule {
    static let requests = FindingThreshold(
        flag: "probe-requests", defaultValue: 3,
        help: "probe: refused requests for sensitive files (.git, .env, wp-config.php…) from one IP.")

    let kind = Finding.Kind.probe
    let thresholds = [requests]
    let stage = DetectionStage.singleSource

    func detect(in context: FindingContext, state: inout DetectionState) -> [Finding] {
        var findings: [Finding] = []
        context.forEachGroup({ r in (r.cause == .deniedByRule || r.cause == .http403) && context.isSensitive(r.path) },
                             by: \.ip, minimum: context.thresholds[Self.requests]) { ip, group in
            let indices = Array(group)
            guard let address = context.text(ip) else { return }
            state.attackers.insert(ip)
            let paths = Set(indices.compactMap { context.text(context.requests[$0].path) }).sorted()
            findings.append(Finding(
                kind: kind, key: address,
                figures: [("requests", .int(indices.count)), ("paths", .int(paths.count)),
                          ("examples", .text(paths.prefix(4).joined(separator: " ")))] + context.span(indices),
                evidence: context.evidence(indices),
                advice: "\(address) asked for files that must never be served (\(paths.prefix(2).joined(separator: ", "))…): "
                    + "a scanner. The deny rules held; block it and check that nothing sensitive sits under the web root.",
                weight: indices.count))
        }
        return findings
    }

    func describe(_ figures: FindingFigures) -> String {
        "\(figures.count("requests")) refused requests for \(figures.count("paths")) sensitive files: \(figures.text("examples"))"
            + figures.span
    }
}
