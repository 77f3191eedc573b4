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

    public func list(_ findings: [Finding]) -> BanList { BanList(findings, policy: policy, name: name) }
}
