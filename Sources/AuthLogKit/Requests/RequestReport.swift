/// Failed requests, each counted once under its most precise cause, and the findings drawn
/// from them.
public struct RequestReport: Sendable {
    /// The same tallies as the events, counted per request.
    public var aggregate = FailureAggregate()
    /// Requests whose access line and error/debug line were joined.
    public var paired = 0
    /// 401s to requests without credentials that the client answered at once with a login
    /// that worked (`ChallengeMatcher`): not failures, so in no other figure and no finding.
    public var challenges = 0
    /// The clients (sorted) with challenges whose every 401 was one: never on a ban list.
    public var challengeOnlyClients: [IPAddress] = []
    /// The login attempts the failed requests held: one each, but an XML-RPC system.multicall
    /// answered with faults holds as many as its body size says (`attempts-from-size`).
    public var attempts = 0
    /// Requests per layer that refused them, largest first.
    public var byLayer: [(layer: RefusingLayer, count: Int)] = []
    /// Access-log 401/403s nobody explained, split by whether a user name was sent: a 401
    /// with a user is a wrong password the server did not log; without, a client that sent
    /// none (or a header that got lost).
    public var unexplained = UnexplainedCounts()
    public var findings: [Finding] = []
    /// The inputs the findings' evidence points into, by number.
    public var evidenceFiles = EvidenceFiles()
    /// Lines past the analysis limit: counted in the events, left out of pairing and findings.
    public var linesNotAnalysed = 0

    public init() {}
}

public struct UnexplainedCounts: Sendable, Equatable {
    public var status401WithUser = 0
    public var status401WithoutUser = 0
    public var status403WithUser = 0
    public var status403WithoutUser = 0
    /// Of those, writes (POST, PUT, PATCH, DELETE) to the REST API: WordPress refuses a
    /// cookie-authenticated write whose nonce is stale with 403 and logs nothing, so these
    /// are probably `invalid-nonce` (said as a guess, not counted under that cause).
    public var restWrite403WithoutUser = 0
    public init() {}
}

/// How requests are analysed; every threshold has a command-line flag.
public struct RequestAnalysisOptions: Sendable {
    public var thresholds = FindingThresholds()
    /// Request lines kept for pairing and findings (48 bytes each plus distinct strings).
    public var maxRequests = RequestCollector.defaultLimit
    /// Seconds an error line may be apart from its access line when no line of the same
    /// second fits.
    public var pairingWindow: Int64 = 2
    /// `--ipv6-prefix`: the IPv6 network whose addresses the findings take as one client when
    /// several of them fail (128: every address on its own).
    public var ipv6Prefix = 64
    /// `--challenge-window`: seconds within which an authenticated request that was served
    /// makes the client's 401 without credentials before it a challenge, not a failure.
    public var challengeWindow = ChallengeMatcher.defaultWindow

    public init() {}
}
