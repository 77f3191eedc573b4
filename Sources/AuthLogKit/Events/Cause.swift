/// Why an authentication failed. The raw values are stable ids used in every output and in
/// pattern files; their meaning never changes.
public enum Cause: String, CaseIterable, Sendable, Codable, Comparable {
    case unknownUser = "unknown-user"
    case passwordMismatch = "password-mismatch"
    case missingCredentials = "missing-credentials"
    case wrongScheme = "wrong-scheme"
    case expiredToken = "expired-token"
    case invalidToken = "invalid-token"
    case invalidNonce = "invalid-nonce"
    case invalidClient = "invalid-client"
    case deniedByRule = "denied-by-rule"
    case notAuthorized = "not-authorized"
    case http401 = "http-401"
    case http403 = "http-403"

    /// One line an admin reads to know what the cause means.
    public var meaning: String {
        switch self {
        case .unknownUser: "the user name does not exist"
        case .passwordMismatch: "the user exists, the password is wrong"
        case .missingCredentials: "the client sent no credentials"
        case .wrongScheme: "credentials sent with the wrong scheme or encoding"
        case .expiredToken: "the token has expired"
        case .invalidToken: "the token is invalid or malformed"
        case .invalidNonce: "the nonce is invalid or stale"
        case .invalidClient: "the API client id or secret is wrong"
        case .deniedByRule: "refused by an allow/deny rule, whoever asks"
        case .notAuthorized: "authenticated, but not allowed here"
        case .http401: "401 in the access log, no detail in another log"
        case .http403: "403 in the access log, no detail in another log"
        }
    }

    /// Position in `allCases`, for fixed-size per-cause counters.
    public var index: Int { Cause.indexByCause[self]! }

    private static let indexByCause: [Cause: Int] = Dictionary(
        uniqueKeysWithValues: allCases.enumerated().map { ($0.element, $0.offset) })

    public static func < (lhs: Cause, rhs: Cause) -> Bool { lhs.index < rhs.index }
}

/// A count per cause, in the fixed order of `Cause.allCases`: no hashing on the hot path.
public struct CauseCounts: Sendable, Equatable {
    private var counts = [Int](repeating: 0, count: Cause.allCases.count)

    public init() {}

    public subscript(cause: Cause) -> Int {
        get { counts[cause.index] }
        set { counts[cause.index] = newValue }
    }

    public mutating func merge(_ other: CauseCounts) {
        for index in counts.indices { counts[index] += other.counts[index] }
    }

    /// Causes with a non-zero count, most frequent first (ties in the fixed cause order).
    public var nonZeroByCount: [(cause: Cause, count: Int)] {
        Cause.allCases.compactMap { counts[$0.index] > 0 ? ($0, counts[$0.index]) : nil }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.cause < $1.cause }
    }
}
