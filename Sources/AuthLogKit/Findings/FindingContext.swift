/// What the finding detectors share: the joined requests in time order, the lines they came
/// from, the requests that were no failures, and helpers to name and cite them.
struct FindingContext {
    let requests: [FailedRequest]
    let records: [RequestRecord]
    let strings: StringInterner
    /// Per record, the line the join paired it with, or -1 (`RequestJoiner.Result.partner`).
    let partner: [Int32]
    let thresholds: FindingThresholds
    /// The applications' login and API paths, from the pattern data.
    let loginPaths: LoginPaths
    /// The lines that held several login attempts (a system.multicall); see `attempts(_:)`.
    let loginAttempts: LoginAttempts
    /// Per path id, worked out once for the paths requests name: the login surface (an index
    /// into `surfaceNames`, so that requests are counted per surface without hashing its
    /// name), and whether the path is sensitive.
    private let surfaceOfPath: [Int32]
    let surfaceNames: [String]
    private let sensitive: [Bool]
    /// The surfaces of requests that name no path.
    private let wordpressSurface: Int32
    private let noPathSurface: Int32

    init(requests: [FailedRequest], records: [RequestRecord], partner: [Int32], strings: StringInterner,
         thresholds: FindingThresholds, loginPaths: LoginPaths, loginAttempts: LoginAttempts = LoginAttempts()) {
        self.requests = requests
        self.records = records
        self.partner = partner
        self.strings = strings
        self.thresholds = thresholds
        self.loginPaths = loginPaths
        self.loginAttempts = loginAttempts
        var surfaceOfPath = [Int32](repeating: -1, count: strings.strings.count)
        var sensitive = [Bool](repeating: false, count: strings.strings.count)
        var surfaceNames: [String] = []
        var surfaceIDs: [String: Int32] = [:]
        func surfaceID(_ name: String) -> Int32 {
            if let id = surfaceIDs[name] { return id }
            surfaceNames.append(name)
            surfaceIDs[name] = Int32(surfaceNames.count - 1)
            return Int32(surfaceNames.count - 1)
        }
        for request in requests where request.path != 0 && surfaceOfPath[Int(request.path)] < 0 {
            let path = strings.strings[Int(request.path)]
            surfaceOfPath[Int(request.path)] = surfaceID(Self.surface(of: path, loginPaths))
            sensitive[Int(request.path)] = Self.isSensitive(path)
        }
        wordpressSurface = surfaceID(loginPaths.surfaceName)
        noPathSurface = surfaceID("(no path)")
        self.surfaceOfPath = surfaceOfPath
        self.surfaceNames = surfaceNames
        self.sensitive = sensitive
    }

    func text(_ id: UInt32) -> String? { strings[id] }

    /// The login attempts a request held: 1, or what its access line's body size says.
    func attempts(_ request: FailedRequest) -> Int {
        request.access >= 0 ? loginAttempts[records[Int(request.access)]] : 1
    }

    /// The attempts the requests held, in all.
    func attempts(_ indices: [Int]) -> Int {
        loginAttempts.isEmpty ? indices.count : indices.reduce(0) { $0 + attempts(requests[$1]) }
    }

    /// Access lines kept by `cause = none` rules, in log order, with whether a detail line
    /// explained them (it was paired with one). Read from the records each time rather than
    /// copied: a copy held 56 bytes per such line for the whole of the findings.
    var attempts: some Sequence<(record: RequestRecord, explained: Bool)> {
        records.indices.lazy
            .filter { records[$0].side == .access && records[$0].failureCause == nil }
            .map { (record: records[$0], explained: partner[$0] >= 0) }
    }

    func isSensitive(_ path: UInt32) -> Bool { path != 0 && sensitive[Int(path)] }

    /// A request's most telling line: the one that says why, else the access line.
    func reference(_ request: FailedRequest) -> Evidence {
        let index = request.detail >= 0 ? Int(request.detail) : Int(request.access)
        return reference(records[index])
    }

    func reference(_ record: RequestRecord) -> Evidence {
        Evidence(input: Int(record.input), line: Int(record.line))
    }

    /// The first few requests of a group, as evidence.
    func evidence(_ indices: [Int], limit: Int = 3) -> [Evidence] {
        indices.prefix(limit).map { reference(requests[$0]) }
    }

    /// A guessed credential: the server said the user or the secret is wrong, a login form
    /// refused the login, or a 401 came back to a request that carried a user name.
    static func isWrongCredential(_ request: FailedRequest) -> Bool {
        switch request.cause {
        // A login form's 200 names no user, but every one is a guess that failed.
        case .unknownUser, .passwordMismatch, .invalidClient, .loginFailed: true
        case .http401: request.userSent
        default: false
        }
    }

    /// Where a client logs in: WordPress's form and XML-RPC count as one surface, anything
    /// else by its first path segment (`/admin/login` and `/admin/` are the same door).
    func surface(_ request: FailedRequest) -> String { surfaceNames[Int(surfaceID(request))] }

    /// `surface(_:)` as an index into `surfaceNames`.
    func surfaceID(_ request: FailedRequest) -> Int32 {
        guard request.path != 0 else { return request.layer == .wordpress ? wordpressSurface : noPathSurface }
        return surfaceOfPath[Int(request.path)]  // every request path was worked out in init
    }

    private static func surface(of path: String, _ loginPaths: LoginPaths) -> String {
        if loginPaths.loginPaths.contains(path) { return loginPaths.surfaceName }
        let afterSlash = path.dropFirst()
        guard let slash = afterSlash.firstIndex(of: "/") else { return path }
        return String(path[..<afterSlash.index(after: slash)])
    }

    /// Files whose mere request is an attack: secrets, repositories, backups, server internals
    /// (the probe rule's concern, worked out here once per path).
    static func isSensitive(_ path: String) -> Bool {
        let lower = path.lowercased()
        if lower.hasPrefix("/.well-known/") { return false }
        if lower.contains("/.") { return true }  // .git .env .htpasswd .htaccess .aws .ssh …
        let name = lower.split(separator: "/").last.map(String.init) ?? ""
        if name.hasPrefix("wp-config.php") || name == "phpinfo.php" || name == "server-status" || name == "web.config" {
            return true
        }
        for suffix in [".sql", ".bak", ".old", ".orig", ".swp", ".save", ".tar.gz", ".zip", ".tgz", ".7z", "~"]
        where name.hasSuffix(suffix) {
            return true
        }
        return lower.hasPrefix("/phpmyadmin") || lower.hasPrefix("/server-status")
    }
}
