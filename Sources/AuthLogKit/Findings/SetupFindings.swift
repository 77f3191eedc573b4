/// Things to fix rather than block: a client failing like clockwork, an API whose clients
/// arrive without credentials, credentials that expire under their users.
extension FindingDetector {
    /// The same address failing on the same path at a steady interval is a machine: an uptime
    /// monitor, a cron job, a deploy script, with a wrong or missing password.
    func misconfiguredClients(_ state: inout DetectionState) -> [Finding] {
        // Expired tokens and stale nonces have their own finding and advice.
        let byClientPath = groupByClientAndPath { $0.hasTime && $0.path != 0 && $0.cause != .expiredToken && $0.cause != .invalidNonce }
        var findings: [Finding] = []
        for (key, all) in byClientPath where all.count >= context.thresholds.regularFailures {
            let indices = all.filter { !state.explained[$0] }
            guard indices.count >= context.thresholds.regularFailures, distinct(indices, \.user) <= 2,
                  let interval = steadyInterval(indices.map { context.requests[$0].time }),
                  let address = context.text(key.ip), let path = context.text(key.path) else { continue }
            state.misconfigured.insert(key.ip)
            for index in all { state.explained[index] = true }
            let causes = Dictionary(grouping: indices, by: { context.requests[$0].cause }).max { $0.value.count < $1.value.count }!.key
            let user = mostCommon(indices, \.user)
            findings.append(Finding(
                kind: .misconfiguredClient, key: address,
                figures: [("failures", .int(indices.count)), ("path", .text(path)), ("interval_seconds", .int(Int(interval))),
                          ("cause", .text(causes.rawValue)), ("user", .text(user ?? "-"))] + span(indices),
                evidence: context.evidence(indices),
                advice: "\(address) fails on \(path) every \(DurationText.describe(seconds: interval)) "
                    + (user.map { "as '\($0)' " } ?? "") + "(\(causes.rawValue)): a monitor, cron job or script, "
                    + "not a person. Give it valid credentials or point it at a public health-check path.",
                weight: indices.count))
        }
        return findings
    }

    /// The typical gap between failures when at least 80 % of the gaps are within 10 % (and
    /// at least 2 s) of it and it is at least 30 s (schedules are set in minutes; a tool
    /// firing every few seconds is guessing); nil for an irregular series.
    func steadyInterval(_ times: [Int64]) -> Int64? {
        let sorted = times.sorted()
        var gaps: [Int64] = []
        for index in sorted.indices.dropFirst() where sorted[index] > sorted[index - 1] {
            gaps.append(sorted[index] - sorted[index - 1])
        }
        guard gaps.count >= context.thresholds.regularFailures - 1 else { return nil }
        let median = gaps.sorted()[gaps.count / 2]
        guard median >= 30 else { return nil }
        let tolerance = max(2, median / 10)
        let steady = gaps.filter { abs($0 - median) <= tolerance }.count
        return steady * 5 >= gaps.count * 4 ? median : nil
    }

    /// REST calls refused for want of credentials, from many clients: when the clients do
    /// send credentials, something between them and WordPress drops the header.
    func missingAuthorizationHeader() -> [Finding] {
        let indices = context.requests.indices.filter { index in
            let request = context.requests[index]
            guard request.route != 0 || context.text(request.path)?.hasPrefix("/wp-json") == true else { return false }
            return request.cause == .missingCredentials || (request.cause == .http401 && !request.userSent)
        }
        let clients = distinct(indices, \.ip)
        guard indices.count >= context.thresholds.missingHeaderFailures, clients >= context.thresholds.missingHeaderClients
        else { return [] }
        return [Finding(
            kind: .missingAuthorizationHeader, key: "/wp-json/",
            figures: [("failures", .int(indices.count)), ("clients", .int(clients)),
                      ("top_route", .text(mostCommon(indices, { $0.route != 0 ? $0.route : $0.path }) ?? "-"))] + span(indices),
            evidence: context.evidence(indices),
            advice: "\(TextReport.format(indices.count)) REST calls from \(TextReport.format(clients)) clients arrived without credentials. If these clients do "
                + "send them, the server or a proxy strips the Authorization header: on Apache add "
                + "`SetEnvIf Authorization \"(.*)\" HTTP_AUTHORIZATION=$1` (or `CGIPassAuth On`); behind nginx pass "
                + "`fastcgi_param HTTP_AUTHORIZATION $http_authorization;` / `proxy_set_header Authorization $http_authorization;`.",
            weight: indices.count)]
    }

    func expiredCredentials() -> [Finding] {
        [Cause.expiredToken, .invalidNonce].compactMap { cause in
            let indices = context.requests.indices.filter { context.requests[$0].cause == cause }
            guard indices.count >= context.thresholds.expiredFailures else { return nil }
            var perHour: [Int64: Int] = [:]
            for index in indices where context.requests[index].hasTime { perHour[context.requests[index].time / 3600, default: 0] += 1 }
            let clients = distinct(indices, \.ip)
            let advice = cause == .expiredToken
                ? "Clients keep using tokens after they expire: make them refresh the token (or re-authenticate) "
                    + "when they get 401, or lengthen the token lifetime if it is shorter than their sessions."
                : "Stale nonces: pages stay open longer than a nonce lives (WordPress nonces last 12–24 h; cached pages "
                    + "serve old ones). Exclude logged-in pages from caching and let scripts fetch a fresh nonce on 403."
            return Finding(
                kind: .expiredCredentials, key: cause.rawValue,
                figures: [("failures", .int(indices.count)), ("clients", .int(clients)),
                          ("busiest_hour", .int(perHour.values.max() ?? 0)),
                          ("top_client", .text(mostCommon(indices, \.ip) ?? "-"))] + span(indices),
                evidence: context.evidence(indices),
                advice: advice,
                weight: indices.count)
        }
    }
}

struct ClientPath: Hashable {
    var ip: UInt32
    var path: UInt32
}
