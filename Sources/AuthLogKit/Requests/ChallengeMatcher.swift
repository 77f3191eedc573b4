/// Tells authentication challenges from failures, after the join: every Basic, Digest,
/// Kerberos and WebDAV login begins with a request sent without credentials, answered 401,
/// which the client repeats at once with them. Counted as failures, those 401s get people
/// banned for logging in correctly (a WebDAV sync makes hundreds a day).
///
/// A **challenge** is a failed request that sent no credentials (no user name; cause
/// `missing-credentials`, or an access-log `http-401` without a user) which the same client
/// follows within `window` seconds with a request that names a user, to the same realm, and
/// is served (2xx/3xx). Each served request answers at most one challenge (the earliest
/// unanswered one): a client that sends a hundred requests without credentials and logs in
/// once has one challenge and ninety-nine failures. A client that never sends credentials
/// has no challenge: its 401s stay failures, and are reported as before.
///
/// The **realm** is the request path's first segment (`/remote.php/dav/calendars/anna/` →
/// `/remote.php`): servers set a realm per location (nginx `location /dav/ { auth_basic … }`,
/// Apache `<Location /dav>`), almost always a top-level one, and a client that was challenged
/// may resend to the same URL or, as WebDAV does, to another below the same collection;
/// a whole-path match would miss those, a host-wide one would let a login to one application
/// answer a refusal by another. (It is the findings' login surface, too: one door.)
///
/// Runs over the kept records only (bounded by `--max-requests`): the served requests that
/// name their user are kept by the `served-named-user` rule. Everything is done per client in
/// time order, then line order, on arrays of the records' size: the same records give the
/// same challenges for any split of the work.
struct ChallengeMatcher {
    /// `--challenge-window`: seconds from the 401 to the authenticated request that answers it.
    var window: Int64 = ChallengeMatcher.defaultWindow
    static let defaultWindow: Int64 = 5
    /// Served requests looked at per challenge before giving up: a flood of one client's
    /// requests within one window costs a bounded amount per 401, not their number.
    static let maxLook = 256

    struct Result {
        /// The requests that are failures, in the order they came (time order).
        var failures: [FailedRequest]
        var challenges = 0
        /// Clients (address ids) with a challenge whose every 401 was one: nobody to block.
        var challengeOnlyClients: [UInt32] = []
    }

    /// Whether a failed request can be a challenge: no credentials went with it.
    static func sentNoCredentials(_ request: FailedRequest) -> Bool {
        guard !request.userSent, request.hasTime, request.ip != 0 else { return false }
        switch request.cause {
        // An unexplained 401 status is no challenge unless it is one (a 403 is never one).
        case .missingCredentials: return request.status == 401 || request.status == 0
        case .http401: return true
        default: return false
        }
    }

    /// A failure that refused or asked for credentials (a 401, or a cause that says so):
    /// a client with one of these left is not one that only followed challenges.
    static func isAuthenticationRefusal(_ request: FailedRequest) -> Bool {
        if request.status == 401 { return true }
        switch request.cause {
        case .unknownUser, .passwordMismatch, .missingCredentials, .wrongScheme, .http401: return true
        default: return false
        }
    }

    /// `/remote.php/dav/x` → `/remote.php`; `/webdav`, `/webdav/` → `/webdav`; `/` → `/`.
    /// The query, if a log kept it, is no part of the path.
    static func realm(of path: String) -> Substring {
        let withoutQuery = path[..<(path.firstIndex(of: "?") ?? path.endIndex)]
        guard withoutQuery.first == "/", withoutQuery.count > 1 else { return withoutQuery }
        let rest = withoutQuery.dropFirst()
        let end = rest.firstIndex(of: "/") ?? rest.endIndex
        return end == rest.startIndex ? withoutQuery.prefix(1) : withoutQuery[..<end]
    }

    /// Where a line stands, to order a challenge and a served request of the same second.
    private struct Position: Comparable {
        var time: Int64
        var input: UInt32
        var line: UInt32
        static func < (a: Position, b: Position) -> Bool { (a.time, a.input, a.line) < (b.time, b.input, b.line) }
    }

    /// One line keyed for grouping by (client, realm), then in time and log order.
    private struct Keyed: Comparable {
        var client: UInt32
        var realm: Int32
        var position: Position
        var index: Int
        static func < (a: Keyed, b: Keyed) -> Bool {
            (a.client, a.realm, a.position, a.index) < (b.client, b.realm, b.position, b.index)
        }
    }

    func match(_ requests: [FailedRequest], records: [RequestRecord], strings: StringInterner) -> Result {
        var realmOfPath = [Int32](repeating: -1, count: strings.strings.count)
        var realmIDs: [Substring: Int32] = [:]
        func realm(_ path: UInt32) -> Int32 {
            guard Int(path) < realmOfPath.count else { return -2 }
            if realmOfPath[Int(path)] >= 0 { return realmOfPath[Int(path)] }
            let name = path == 0 ? Substring("") : Self.realm(of: strings.strings[Int(path)])
            let id = realmIDs[name] ?? Int32(realmIDs.count)
            realmIDs[name] = id
            realmOfPath[Int(path)] = id
            return id
        }

        var asked: [Keyed] = []
        for (index, request) in requests.enumerated() where Self.sentNoCredentials(request) {
            let line = records[Int(request.access >= 0 ? request.access : request.detail)]
            asked.append(Keyed(client: request.ip, realm: realm(request.path),
                               position: Position(time: request.time, input: line.input, line: line.line), index: index))
        }
        guard !asked.isEmpty else { return Result(failures: requests) }
        var served: [Keyed] = []
        for (index, record) in records.enumerated()
        where record.side == .access && record.failureCause == nil && record.user != 0 && record.ip != 0
            && record.hasTime && (200..<400).contains(record.status) {
            served.append(Keyed(client: record.ip, realm: realm(record.path),
                                position: Position(time: record.time, input: record.input, line: record.line), index: index))
        }
        asked.sort()
        served.sort()

        var isChallenge = [Bool](repeating: false, count: requests.count)
        var used = [Bool](repeating: false, count: served.count)
        var challenges = 0
        var next = 0  // the first served request not known to be too early or used
        for challenge in asked {
            let group = (challenge.client, challenge.realm)
            while next < served.count, (served[next].client, served[next].realm) < group { next += 1 }
            // Too early for this challenge is too early for every later one of the group.
            while next < served.count, (served[next].client, served[next].realm) == group,
                  used[next] || served[next].position.time < challenge.position.time { next += 1 }
            var look = next
            while look < served.count, look - next < Self.maxLook, (served[look].client, served[look].realm) == group,
                  served[look].position.time <= challenge.position.time + window {
                // Of the same second, one written before the 401 in the same log did not answer it.
                let candidate = served[look].position
                let before = candidate.input == challenge.position.input && candidate.line < challenge.position.line
                    && candidate.time == challenge.position.time
                if !used[look], !before {
                    used[look] = true
                    isChallenge[challenge.index] = true
                    challenges += 1
                    break
                }
                look += 1
            }
        }
        guard challenges > 0 else { return Result(failures: requests) }

        var failures: [FailedRequest] = []
        failures.reserveCapacity(requests.count - challenges)
        // Per client id: 1 had a challenge, 2 has a 401 left that was none.
        var clientState = [UInt8](repeating: 0, count: strings.strings.count)
        for (index, request) in requests.enumerated() {
            if isChallenge[index] {
                clientState[Int(request.ip)] |= 1
            } else {
                failures.append(request)
                if Self.isAuthenticationRefusal(request), Int(request.ip) < clientState.count { clientState[Int(request.ip)] |= 2 }
            }
        }
        let onlyChallenged = clientState.indices.filter { clientState[$0] == 1 }.map { UInt32($0) }
        return Result(failures: failures, challenges: challenges, challengeOnlyClients: onlyChallenged)
    }
}
