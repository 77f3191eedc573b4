/// What a finding is about, and what an alert or a `--fail-on` rule counts by: one client
/// address, user name, path or cause. Defined once, so that a finding's key, `--alert ip>=20/5m`
/// and `--fail-on user>=10` cannot drift apart in spelling or meaning.
public enum Dimension: String, Sendable, CaseIterable, Codable {
    case ip, user, path, cause

    /// The event's value in this dimension, if it has one (a line may name no user).
    public func value(in event: AuthEvent) -> String? {
        switch self {
        case .ip: event.ip
        case .user: event.user
        case .path: event.path
        case .cause: event.cause.rawValue
        }
    }

    /// How a report names a key of this dimension in a sentence ("client 203.0.113.7").
    public var noun: String {
        switch self {
        case .ip: "client"
        case .user: "user"
        case .path: "path"
        case .cause: "cause"
        }
    }
}
