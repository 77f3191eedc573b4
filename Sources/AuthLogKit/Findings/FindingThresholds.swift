/// When a pattern becomes a finding. The defaults flag what an admin would want to hear
/// about in a day of logs of a small site; every one has a command-line flag.
public struct FindingThresholds: Sendable {
    /// brute-force: wrong credentials from one IP against one login surface.
    public var bruteForceFailures = 20
    /// credential-stuffing: distinct user names one IP tried.
    public var stuffingUsers = 10
    /// distributed-attack: distinct IPs that tried one user name and never got in.
    public var distributedIPs = 10
    /// probe: refused requests for sensitive files (.git, .env, wp-config.php…) from one IP.
    public var probeRequests = 3
    /// wordpress-login-pressure: POSTs to wp-login.php/xmlrpc.php answered 200 from one IP.
    public var loginPressurePosts = 20
    /// misconfigured-client: failures of one IP on one path at a steady interval.
    public var regularFailures = 10
    /// missing-authorization-header: REST 401s sent without credentials, and their clients.
    public var missingHeaderFailures = 20
    public var missingHeaderClients = 3
    /// expired-credentials: expired-token / invalid-nonce failures of one kind.
    public var expiredFailures = 10
    /// user-typo: at most this many failures before the same user got in from the same IP.
    public var typoMaxFailures = 3
    /// How long after the failures the success must come, seconds.
    public var typoWindow: Int64 = 900
    /// new-failure: distinct clients refused on a path that served them before.
    public var newFailureClients = 3

    public init() {}
}
