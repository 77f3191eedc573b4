/// One log line that records an authentication or authorization failure.
///
/// Every text field was taken from a fixed position of the line's format and decoded from
/// bytes (invalid UTF-8 shows as `\xNN`); none has been escaped for any output yet.
public struct AuthEvent: Sendable, Equatable {
    /// When it happened, seconds since the epoch, UTC. Nil if the line's time was unreadable.
    public var time: Int64?
    /// The input it came from, as given on the command line (`-` for standard input).
    public var file: String
    /// 1-based line number in that input.
    public var line: Int
    /// The format that matched, e.g. `nginx-error` (for syslog lines: the wrapped format).
    public var format: String
    public var ip: String?
    public var method: String?
    /// The request path without its query string, or the file system path or REST route the
    /// message names.
    public var path: String?
    public var status: Int?
    public var user: String?
    /// For an access line that called the WordPress REST API (`/wp-json/…` or
    /// `?rest_route=…`): the route, which is what debug.log names. Used to pair the two.
    public var route: String?
    public var cause: Cause
    /// The connecting address when a trusted proxy (`--trusted-proxy`) named the client `ip`
    /// in a header; nil when the connecting address is the client.
    public var peer: String?
    /// The id of the pattern rule that matched (`format/rule`), for diagnosing patterns.
    public var rule: String
    /// The login attempts the request held: 1, or for an XML-RPC system.multicall answered
    /// with faults, the number its body size says (a rule's `attempts-from-size`).
    public var attempts: Int = 1

    public init(time: Int64?, file: String, line: Int, format: String, ip: String?,
                method: String?, path: String?, status: Int?, user: String?, cause: Cause,
                rule: String, route: String? = nil, peer: String? = nil, attempts: Int = 1) {
        self.time = time
        self.file = file
        self.line = line
        self.format = format
        self.ip = ip
        self.method = method
        self.path = path
        self.status = status
        self.user = user
        self.cause = cause
        self.rule = rule
        self.route = route
        self.peer = peer
        self.attempts = attempts
    }
}
