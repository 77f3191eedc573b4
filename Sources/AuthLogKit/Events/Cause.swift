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
    /// A login form or XML-RPC answered 200 to a login POST: WordPress shows the form again (or
    /// returns a fault) and logs nothing, so the access log is all there is. Last, so that the
    /// indexes of the causes before it (in state files) keep their meaning.
    case loginFailed = "login-failed"

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
        case .loginFailed: "the login form refused the credentials; the log does not say which part"
        }
    }

    /// Position in `allCases`, for fixed-size per-cause counters.
    public var index: Int {
        switch self {
        case .unknownUser: 0
        case .passwordMismatch: 1
        case .missingCredentials: 2
        case .wrongScheme: 3
        case .expiredToken: 4
        case .invalidToken: 5
        case .invalidNonce: 6
        case .invalidClient: 7
        case .deniedByRule: 8
        case .notAuthorized: 9
        case .http401: 10
        case .http403: 11
        case .loginFailed: 12
        }
    }

    public static func < (lhs: Cause, rhs: Cause) -> Bool { lhs.index < rhs.index }
}

/// A count per cause, in the fixed order of `Cause.allCases`, held inline in 52 bytes: no
/// heap allocation per tallied key, which matters with a million keys in a table.
public struct CauseCounts: Sendable, Equatable {
    private typealias Slots = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32,
                               UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
    private var counts: Slots = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    /// How many causes the inline storage holds; a new cause needs one more slot above
    /// (`CauseTests.causeCountsHaveASlotForEveryCause` fails until it has one).
    static let capacity = MemoryLayout<Slots>.size / MemoryLayout<UInt32>.size

    public init() {}

    public subscript(cause: Cause) -> Int {
        get { Int(value(at: cause.index)) }
        set {
            withUnsafeMutableBytes(of: &counts) { raw in
                raw.storeBytes(of: UInt32(truncatingIfNeeded: newValue), toByteOffset: cause.index * 4, as: UInt32.self)
            }
        }
    }

    @inline(__always)
    private func value(at index: Int) -> UInt32 {
        withUnsafeBytes(of: counts) { $0.load(fromByteOffset: index * 4, as: UInt32.self) }
    }

    @inline(__always)
    mutating func increment(_ cause: Cause) {
        withUnsafeMutableBytes(of: &counts) { raw in
            let offset = cause.index * 4
            raw.storeBytes(of: raw.load(fromByteOffset: offset, as: UInt32.self) &+ 1, toByteOffset: offset, as: UInt32.self)
        }
    }

    public mutating func merge(_ other: CauseCounts) {
        for index in 0..<Cause.allCases.count {
            let sum = value(at: index) &+ other.value(at: index)
            withUnsafeMutableBytes(of: &counts) { $0.storeBytes(of: sum, toByteOffset: index * 4, as: UInt32.self) }
        }
    }

    public static func == (lhs: CauseCounts, rhs: CauseCounts) -> Bool {
        (0..<Cause.allCases.count).allSatisfy { lhs.value(at: $0) == rhs.value(at: $0) }
    }

    /// Causes with a non-zero count, most frequent first (ties in the fixed cause order).
    public var nonZeroByCount: [(cause: Cause, count: Int)] {
        Cause.allCases.compactMap { value(at: $0.index) > 0 ? ($0, Int(value(at: $0.index))) : nil }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.cause < $1.cause }
    }
}
