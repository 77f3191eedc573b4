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
        func isRESTCall(_ route: UInt32, _ path: UInt32) -> Bool {
            route != 0 || rest.map({ context.text(path)?.hasPrefix($0) == true }) == true
        }
        let all = context.requests.indices.filter { index in
            let request = context.requests[index]
            guard isRESTCall(request.route, request.path) else { return false }
            return request.cause == .missingCredentials || (request.cause == .http401 && !request.userSent)
        }
        // Where the same routes also see calls that name a user, the header does arrive: the
        // anonymous calls are clients that sent none (a real run fired beside editor1's calls).
        let named = Self.routesCalledWithUser(context, isRESTCall)
        let indices = all.filter { !named.contains(Self.routeKey(context.requests[$0].route, context.requests[$0].path)) }
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

    /// A REST call's route: the route it names (`?rest_route=`, a plugin's `route=`) or its path.
    private static func routeKey(_ route: UInt32, _ path: UInt32) -> UInt32 { route != 0 ? route : path }

    /// The routes some request reached with a user name: failed requests that named one, and
    /// served or refused access lines whose user field is set.
    private static func routesCalledWithUser(_ context: FindingContext, _ isRESTCall: (UInt32, UInt32) -> Bool) -> Set<UInt32> {
        var routes = Set<UInt32>()
        for request in context.requests where request.userSent && isRESTCall(request.route, request.path) {
            routes.insert(routeKey(request.route, request.path))
        }
        for record in context.records where record.side == .access && record.user != 0 && isRESTCall(record.route, record.path) {
            routes.insert(routeKey(record.route, record.path))
        }
        return routes
    }

    func describe(_ figures: FindingFigures) -> String {
        "\(figures.count("failures")) REST calls without credentials from \(figures.count("clients")) clients, "
            + "most on \(figures.text("top_route"))" + figures.span
    }
}
