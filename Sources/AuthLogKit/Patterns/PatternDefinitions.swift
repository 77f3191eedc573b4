/// Where a piece of pattern text came from, so errors can name file, line and column.
public struct PatternSource: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public var description: String { "\(file):\(line)" }
}

/// A regex as written in a pattern file, before fragments are expanded.
public struct PatternText: Sendable, Equatable {
    public var text: String
    public var source: PatternSource
}

/// How a detail line (error log, debug.log) finds the access-log line of the same request.
/// Both must come from the same client within a couple of seconds; what else must agree
/// depends on what the detail line states.
public enum PairingKey: String, Sendable, CaseIterable {
    /// The URL path, as both lines state it (nginx `request: "…"`, Apache AH01617's URI).
    /// A line that names none pairs by client and second alone (after every line that names one).
    case path
    /// As `path`, for a line that answers credentials the client sent but may name neither
    /// path nor user (mod_auth_digest's nonce and realm checks, which run once the user name
    /// is read): of the 401s of its client and second, one carrying a user is taken first.
    case credentials
    /// A file system path (Apache AH01630): the access path is its tail, after the
    /// DocumentRoot, which the log does not state; or, cut at the first component that does
    /// not exist, the start of it.
    case filePath = "file-path"
    /// A WordPress REST route (`route=/wp/v2/posts`): the access line asked for
    /// `/wp-json/wp/v2/posts` or `/?rest_route=/wp/v2/posts`, with the status the line states.
    case route
    /// A failed form or XML-RPC login: WordPress answers it with 200, so the access line is a
    /// `POST /wp-login.php` or `POST /xmlrpc.php` answered 200, not a 401.
    case loginForm = "login-form"
}

/// A field of a decoded record that a rule can test (`field.status = 401|403`). Its bytes are
/// the line's own (escapes not decoded); `path` is the URI without its query string, and
/// `method` and `path` are split from `request` when the format reads no group of that name.
public enum RecordField: String, Sendable, CaseIterable {
    case ip, user, request, method, path, status, program
    /// The response body's size, where the format gives it (`(?<bytes>…)`, `json.bytes`).
    case bytes
}

/// One test of a rule on a decoded field: `field.NAME = A|B*` (one of the values; a value
/// ending in `*` is a prefix) or `regex.NAME = …` (a regex anchored at the field's start).
public struct FieldTestDefinition: Sendable {
    public struct Value: Sendable, Equatable {
        public var bytes: [UInt8]
        /// Written with a final `*`: the field starts with `bytes`.
        public var isPrefix: Bool
    }

    public enum Test: Sendable {
        case oneOf([Value])
        case regex(PatternText)
    }

    public var field: RecordField
    public var test: Test
    public var source: PatternSource
}

/// One `[rule NAME]` section: a message shape and the cause it proves.
public struct RuleDefinition: Sendable {
    public var id: String
    /// Nil for `cause = none`: the line is no failure, but the request it records is needed to
    /// pair a detail line with (a `POST /wp-login.php` answered 200) or to judge a finding.
    public var cause: Cause?
    public var pairBy: PairingKey = .path
    /// A status the server is known to answer with when it logs this message, used when
    /// the line does not state one.
    public var status: Int?
    /// Byte strings of which a matching line contains at least one. Lines containing none
    /// are never handed to PCRE2 (see `LiteralPrefilter`). Empty: every line is tried.
    public var literals: [[UInt8]]
    /// `prefilter = named-user`: the rule's lines are those of the Common Log Format that
    /// name a user (the field before "[time]" is not "-"), which no literal can find.
    public var findsNamedUsers = false
    /// Tests on the fields the format's decoder read (`field.status = 401`); all must hold.
    public var fieldTests: [FieldTestDefinition] = []
    /// The message pattern (`regex = …`), matched from the start of the message: the rest of
    /// the line after the format's head. Nil for a rule of field tests only.
    public var regex: PatternText?
    /// `attempts-from-size = ENVELOPE PER TOLERANCE`: one request that holds many login
    /// attempts (XML-RPC's system.multicall), estimated from its body size, which the rule's
    /// message pattern captures as `(?<bytes>…)`. Nil: a line is one attempt.
    public var attemptsFromSize: AttemptEstimate? = nil
    public var source: PatternSource
}

/// How many attempts a response body of a given size holds: `envelope + n × perAttempt` bytes
/// for n attempts, give or take `tolerance`. A size off that lattice is no such answer (a call
/// that worked): the rule does not hold, and the line is kept as a request that is no failure.
public struct AttemptEstimate: Sendable, Equatable {
    public var envelope: Int
    public var perAttempt: Int
    public var tolerance: Int

    /// The attempts a body of `bytes` holds, or nil when it fits no n ≥ 1 (or more than
    /// `maximum`, which no server answers in one response).
    public func attempts(bytes: Int, maximum: Int = 100_000) -> Int? {
        guard bytes > envelope, perAttempt > 0 else { return nil }
        let n = (bytes - envelope + perAttempt / 2) / perAttempt
        guard n >= 1, n <= maximum, abs(bytes - (envelope + n * perAttempt)) <= tolerance else { return nil }
        return n
    }
}

/// A `[rules NAME]` section and the `[rule …]` sections after it: rules shared by the
/// formats that include them (`rules = NAME` in a `[format]`), as fail2ban's filters include
/// `nginx-error-common.conf`. nginx and Apache write the same access lines, judged the same way.
public struct RuleSetDefinition: Sendable {
    public var name: String
    public var rules: [RuleDefinition]
    public var source: PatternSource
}

/// One log format: how to recognise its lines, the head all its lines share, its rules.
public struct FormatDefinition: Sendable {
    public var name: String
    public var description: String
    /// A line of this format, matched at the start of a line; used to detect a file's format.
    public var detect: PatternText
    /// Content only this format writes, searched anywhere in a line; breaks detection ties.
    public var hint: PatternText?
    /// Words in a file's path that favour this format when content cannot tell.
    public var pathHints: [String]
    public var head: PatternText
    /// Searched in the user name of a matching line (`ambiguous-user = …`): a user name in
    /// which it finds something holds an unfinished copy of the line's context, so the line
    /// has another reading with another client, and its client is not believed.
    public var ambiguousUser: PatternText? = nil
    /// `escapes = backslash`: the server writes fields with `\xHH`, `\"` and `\\` escapes,
    /// which are decoded in user names (so one user has one name in every log).
    public var decodesBackslashEscapes = false
    /// A wrapper format (syslog): its head is followed by any other format's head and rules.
    public var wrapsOtherFormats: Bool
    /// The record decoder that reads the format's lines into fields (`decoder = …`); `regex`,
    /// the default, is the head regex. Others are registered in `RecordDecoders`.
    public var decoder: String = RegexDecoder.name
    /// The decoder's own settings: the `[format]` keys that start with its name and a dot
    /// (`json.ip = request.client_ip request.remote_ip`), in file order, read by its factory.
    public var decoderSettings: [(key: String, value: String, source: PatternSource)] = []
    /// `literal = …` in a `[format]`: byte strings the lines its rules can match contain,
    /// searched besides the rules' own (whose literals are written for other formats' lines
    /// when the rules come from a shared set). A format that states them chooses its lines
    /// itself: `prefilter = named-user`, which reads the Common Log Format, does not apply.
    public var literals: [[UInt8]] = []
    /// Rule sets included before the format's own rules (`rules = access-log`), by name.
    public var ruleSets: [String] = []
    /// Every rule, in order: those of the included rule sets, then the format's own.
    /// `role = access | detail`: whether a line is a request or says why one failed.
    public var role: FormatRole = .access
    /// `server = nginx`: the server family that writes the log; a detail format's lines pair
    /// with access lines of the families it `explains` (by default its own).
    public var server: String? = nil
    /// `explains = any | FAMILY …`, for a detail format: whose access lines its lines explain.
    public var explains: ExplainedServers = .families([])
    /// `layer = …`, for a detail format: the layer its lines blame. Nil: the web server's
    /// (`server-rule` for a deny rule, `web-server-auth` for the rest).
    public var layer: RefusingLayer? = nil
    /// `login-form-paths = /wp-login.php …`: where the application answers a failed form
    /// login with 200; `pair-by = login-form` pairs with a POST to one of them.
    public var loginFormPaths: [String] = []
    /// `application-paths = /wp-json* …`: a refusal of these URL paths that no line
    /// explains came from this format's `layer` (the application behind the server).
    public var applicationPaths = URLPaths()
    /// `login-surface = WordPress login`: how reports name the login surface of
    /// `login-form-paths` (with the paths after it).
    public var loginSurface: String? = nil
    /// `login-redirect-paths = /wp-login.php`: login forms that answer 302 when the user got in,
    /// so a failure and then a 302 there is a user who mistyped and got in.
    public var loginRedirectPaths: [String] = []
    /// `api-prefix = /wp-json`: where the application's REST API lives; its clients send
    /// credentials with every call (the missing-authorization-header finding).
    public var apiPrefix: String? = nil
    /// `api-route-query = /?rest_route= …`: a path whose query names the REST route in a key
    /// (WordPress with pretty permalinks off), so that its access lines pair by route too.
    public var apiRouteQueries: [(path: String, key: String)] = []
    public var rules: [RuleDefinition]
    public var source: PatternSource
}

/// Everything the pattern files define, validated: every regex compiles on its own.
public struct PatternSet: Sendable {
    public var fragments: [String: PatternText]
    public var formats: [FormatDefinition]
    /// The files the set was read from, in load order.
    public var files: [String]
    /// Every `[rules NAME]` set, included or not (the success read selects one by name).
    public var ruleSets: [RuleSetDefinition] = []

    public func format(named name: String) -> FormatDefinition? {
        formats.first { $0.name == name }
    }

    public func ruleSet(named name: String) -> RuleSetDefinition? {
        ruleSets.first { $0.name == name }
    }

    /// Formats whose lines stand on their own (everything but wrappers like syslog).
    public var plainFormats: [FormatDefinition] { formats.filter { !$0.wrapsOtherFormats } }
}

/// A pattern file that cannot be used, with where and why.
public struct PatternError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public var description: String { "\(file):\(line): \(message)" }
}
