/// What a command decides about its ban lists (`--ban-format`, `--never-ban`, `--ban-jail`,
/// `--trusted-proxy`), for the `bans` writer and the HTML page's "block these" box.
public struct BanSettings: Sendable {
    public var format: BanFormat
    public var policy: BanPolicy
    public var name: String

    public init(format: BanFormat = .plain, policy: BanPolicy = BanPolicy(), name: String = BanList.defaultName) {
        self.format = format
        self.policy = policy
        self.name = name
    }

    /// `challengeOnlyClients`: the scan's (`RequestReport.challengeOnlyClients`), added to the
    /// policy's: only the request analysis knows who only ever followed challenges.
    public func list(_ findings: [Finding], challengeOnlyClients: [IPAddress] = []) -> BanList {
        var policy = policy
        policy.challengeOnlyClients += challengeOnlyClients
        return BanList(findings, policy: policy, name: name)
    }

    /// The ban list of a scan's findings, sparing its challenge-only clients.
    public func list(_ requests: RequestReport?) -> BanList {
        list(requests?.findings ?? [], challengeOnlyClients: requests?.challengeOnlyClients ?? [])
    }
}
