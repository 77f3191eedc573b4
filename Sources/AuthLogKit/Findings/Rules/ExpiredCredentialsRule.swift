extension Finding.Kind {
    public static let expiredCredentials = Finding.Kind("expired-credentials", category: .fix, key: .cause)
}

/// Credentials that expire under their users: tokens used past their lifetime, WordPress
/// nonces from pages left open or cached. One finding per cause.
struct ExpiredCredentialsRule: FindingRule {
    static let failures = FindingThreshold(
        flag: "expired-failures", defaultValue: 10,
        help: "expired-credentials: expired-token or invalid-nonce failures.")

    let kind = Finding.Kind.expiredCredentials
    let thresholds = [failures]
    let stage = DetectionStage.setup

    func detect(in context: FindingContext, state: inout DetectionState) -> [Finding] {
        [Cause.expiredToken, .invalidNonce].compactMap { cause in
            let indices = context.requests.indices.filter { context.requests[$0].cause == cause }
            guard indices.count >= context.thresholds[Self.failures] else { return nil }
            var perHour: [Int64: Int] = [:]
            for index in indices where context.requests[index].hasTime { perHour[context.requests[index].time / 3600, default: 0] += 1 }
            let clients = context.distinct(indices, \.ip)
            let advice = cause == .expiredToken
                ? "Clients keep using tokens after they expire: make them refresh the token (or re-authenticate) "
                    + "when they get 401, or lengthen the token lifetime if it is shorter than their sessions."
                : "Stale nonces: pages stay open longer than a nonce lives (WordPress nonces last 12–24 h; cached pages "
                    + "serve old ones). Exclude logged-in pages from caching and let scripts fetch a fresh nonce on 403."
            return Finding(
                kind: kind, key: cause.rawValue,
                figures: [("failures", .int(indices.count)), ("clients", .int(clients)),
                          ("busiest_hour", .int(perHour.values.max() ?? 0)),
                          ("top_client", .text(context.mostCommon(indices, \.ip) ?? "-"))] + context.span(indices),
                evidence: context.evidence(indices),
                advice: advice,
                weight: indices.count)
        }
    }

    func describe(_ figures: FindingFigures) -> String {
        "\(figures.count("failures")) failures from \(figures.count("clients")) client(s), "
            + "up to \(figures.count("busiest_hour")) in one hour, most from \(figures.text("top_client"))" + figures.span
    }
}
