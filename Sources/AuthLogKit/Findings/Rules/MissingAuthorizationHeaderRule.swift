extension Finding.Kind {
    public static let missingAuthorizationHeader = Finding.Kind("missing-authorization-header", category: .fix, key: .path)
}

/// REST calls refused for want of credentials, from many clients: when the clients do send
/// credentials, something between them and the application drops the header.
struct MissingAuthorizationHeaderRule: FindingRule {
    static let failures = FindingThreshold(
        flag: "missing-header", defaultValue: 20,
        help: "missing-authorization-header: REST 401s sent without credentials (from 3 or more clients).")
    /// One client failing so is one broken client, not a stripped header (said in the help).
    static let minimumClients = 3

    let kind = Finding.Kind.missingAuthorizationHeader
    let thresholds = [failures]
    let stage = DetectionStage.setup

    func detect(in context: FindingContext, state: inout DetectionState) -> [Finding] {
        let rest = context.loginPaths.restPrefix
        let indices = context.requests.indices.filter { index in
            let request = context.requests[index]
            guard request.route != 0 || rest.map({ context.text(request.path)?.hasPrefix($0) == true }) == true else { return false }
            return request.cause == .missingCredentials || (request.cause == .http401 && !request.userSent)
        }
        let clients = context.distinct(indices, \.ip)
        guard indices.count >= context.thresholds[Self.failures], clients >= Self.minimumClients else { return [] }
        return [Finding(
            kind: kind, key: (rest ?? "") + "/",
            figures: [("failures", .int(indices.count)), ("clients", .int(clients)),
                      ("top_route", .text(context.mostCommon(indices, { $0.route != 0 ? $0.route : $0.path }) ?? "-"))]
                + context.span(indices),
            evidence: context.evidence(indices),
            advice: "\(CountText.grouped(indices.count)) REST calls from \(CountText.grouped(clients)) clients arrived without credentials. If these clients do "
                + "send them, the server or a proxy strips the Authorization header: on Apache add "
                + "`SetEnvIf Authorization \"(.*)\" HTTP_AUTHORIZATION=$1` (or `CGIPassAuth On`); behind nginx pass "
                + "`fastcgi_param HTTP_AUTHORIZATION $http_authorization;` / `proxy_set_header Authorization $http_authorization;`.",
            weight: indices.count)]
    }

    func describe(_ figures: FindingFigures) -> String {
        "\(figures.count("failures")) REST calls without credentials from \(figures.count("clients")) clients, "
            + "most on \(figures.text("top_route"))" + figures.span
    }
}
