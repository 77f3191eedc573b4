/// An access-log line that is no failure but that authlog keeps, because another line
/// explains it or a finding depends on it: WordPress answers a failed form login with 200
/// (debug.log says why), miniOrange refuses API calls with 400, and a `POST /wp-login.php`
/// answered 302 is a login that worked. Matched by rules with `cause = none`.
public struct RequestAttempt: Sendable, Equatable {
    public var time: Int64?
    public var file: String
    public var line: Int
    public var format: String
    public var ip: String?
    public var method: String?
    public var path: String?
    public var route: String?
    public var status: Int?
    public var user: String?
    public var rule: String
    /// The connecting address when a trusted proxy named the client `ip` (see `AuthEvent.peer`).
    public var peer: String? = nil
}
