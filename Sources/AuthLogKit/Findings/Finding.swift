/// Something an admin should know and act on, concluded from many failed requests: who is
/// attacking, which client is misconfigured, what broke. Every finding carries its figures,
/// a few `file:line` references to check it by, and advice.
public struct Finding: Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case bruteForce = "brute-force"
        case credentialStuffing = "credential-stuffing"
        case distributedAttack = "distributed-attack"
        case probe = "probe"
        case wordpressLoginPressure = "wordpress-login-pressure"
        case misconfiguredClient = "misconfigured-client"
        case missingAuthorizationHeader = "missing-authorization-header"
        case expiredCredentials = "expired-credentials"
        case newFailure = "new-failure"
        case userTypo = "user-typo"

        /// Attacks to block, things to fix, and things to leave alone.
        public var category: Category {
            switch self {
            case .bruteForce, .credentialStuffing, .distributedAttack, .probe, .wordpressLoginPressure: .attack
            case .misconfiguredClient, .missingAuthorizationHeader, .expiredCredentials, .newFailure: .fix
            case .userTypo: .benign
            }
        }

        /// What the key names.
        public var keyName: String {
            switch self {
            case .bruteForce, .credentialStuffing, .probe, .wordpressLoginPressure, .misconfiguredClient: "ip"
            case .distributedAttack, .userTypo: "user"
            case .missingAuthorizationHeader, .newFailure: "path"
            case .expiredCredentials: "cause"
            }
        }
    }

    public enum Category: String, Sendable {
        case attack, fix, benign
    }

    public enum Value: Sendable, Equatable {
        case int(Int)
        case text(String)
        case time(Int64)
    }

    public var kind: Kind
    /// The IP, user name, path or cause the finding is about (see `Kind.keyName`).
    public var key: String
    /// Named figures in a fixed order per kind (failures, users, ips, path, interval…).
    public var figures: [(name: String, value: Value)]
    /// `file:line` of a few lines that show it, oldest first.
    public var evidence: [String]
    public var advice: String
    /// How strongly it stands out, for ordering within a kind (usually the failures involved).
    public var weight: Int

    public func figure(_ name: String) -> Value? { figures.first { $0.name == name }?.value }
}
