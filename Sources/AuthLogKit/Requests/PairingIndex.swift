import Foundation

/// The access lines of a scan, ordered for the pairing: by client, then time, then log
/// order; and the rules that say whether an access line fits a detail line, and which of
/// several that fit is the likelier partner.
struct PairingIndex {
    struct RuleInfo {
        var pairBy: PairingKey
        /// Formats (interned) whose access lines the rule's lines can pair with: the access
        /// formats of the server families its format explains (and, in their own input, any).
        /// A few at most: a list beats hashing, once per candidate looked at.
        var accessFormats: [UInt32]
        /// For `login-form`: the paths (interned) its format's login forms are POSTed to.
        var loginPaths: Set<UInt32>
        /// The layer its format's lines blame, when the format names one (`layer = …`).
        var layer: RefusingLayer?
    }

    /// How much a fit may assume. Strict fits are all made before any loose one, so a line
    /// that says less never takes the partner of one that says more.
    enum Strictness {
        /// The line's path agrees with the request's (a file path ending in the URL path).
        case strict
        /// Also: a line that names no path fits any request of its client and second, and a
        /// file path cut at a missing component fits a URL it is the start of.
        case loose
    }

    let records: [RequestRecord]
    let strings: StringInterner
    private static let loginFailed = UInt8(Cause.loginFailed.index)
    /// Detail rules by interned `format/rule` id (an array by id: ids are dense, and the
    /// join asks once per detail line and pass).
    private let rulesByID: [RuleInfo?]
    /// Indexes of the access records with a time, by (client, time, log order). `UInt32`:
    /// half the bytes of `Int` for each access line (records are counted in `UInt32` too).
    let candidates: [UInt32]
    /// Where each client's candidates start in `candidates`, by client id (one more entry
    /// than ids): a client's lines are found without a search over everyone's.
    private let candidateStart: [UInt32]
    /// The server (the directory of its log) of each input, by input index: a line of one
    /// server's error log explains a request in that server's access log.
    private let serverOfInput: [UInt32]
    private let post: UInt32
    private let emptyPath: UInt32

    init(records: [RequestRecord], strings: StringInterner, patterns: CompiledPatterns, inputNames: [Int: String] = [:]) {
        self.records = records
        self.strings = strings
        var rulesByID = [RuleInfo?](repeating: nil, count: strings.strings.count)
        for format in patterns.patterns.formats where format.role == .detail {
            let accessFormats = Array(Set(patterns.patterns.accessFormats(explainedBy: format).compactMap { strings.existingID($0.name) }))
            let loginPaths = Set(format.loginFormPaths.compactMap { strings.existingID($0) })
            for rule in format.rules {
                guard let id = strings.existingID("\(format.name)/\(rule.id)") else { continue }
                rulesByID[Int(id)] = RuleInfo(pairBy: rule.pairBy, accessFormats: accessFormats, loginPaths: loginPaths, layer: format.layer)
            }
        }
        self.rulesByID = rulesByID
        (candidates, candidateStart) = Self.candidatesByClient(records, clients: strings.strings.count)
        self.post = strings.existingID("POST") ?? UInt32.max
        self.emptyPath = strings.existingID("") ?? UInt32.max
        var directories: [Substring: UInt32] = [:]
        var serverOfInput = [UInt32](repeating: 0, count: (inputNames.keys.max() ?? -1) + 1)
        for (input, name) in inputNames where input >= 0 {
            let directory = name.lastIndex(of: "/").map { name[..<$0] } ?? ""
            serverOfInput[input] = directories[directory] ?? {
                directories[directory] = UInt32(directories.count + 1)
                return UInt32(directories.count)
            }()
        }
        self.serverOfInput = serverOfInput
    }

    /// The access lines with a time, ordered by client, then seconds since the first time
    /// (clamped to 32 bits), then log order; and where each client's lines start. Counted
    /// into place by client id (ids are dense), then each client's few lines sorted on one
    /// packed integer: no comparison sort of everyone's lines.
    private static func candidatesByClient(_ records: [RequestRecord], clients: Int) -> ([UInt32], [UInt32]) {
        let base = records.lazy.filter(\.hasTime).map(\.time).min() ?? 0
        var start = [UInt32](repeating: 0, count: clients + 1)
        for record in records where record.side == .access && record.hasTime { start[Int(record.ip) + 1] += 1 }
        for client in 0..<clients { start[client + 1] += start[client] }
        var next = start
        var packed = [UInt64](repeating: 0, count: Int(start[clients]))
        for (index, record) in records.enumerated() where record.side == .access && record.hasTime {
            packed[Int(next[Int(record.ip)])] = UInt64(UInt32(clamping: record.time - base)) << 32 | UInt64(index)
            next[Int(record.ip)] += 1
        }
        for client in 0..<clients where start[client + 1] - start[client] > 1 {
            packed[Int(start[client])..<Int(start[client + 1])].sort()
        }
        return (packed.map { UInt32(truncatingIfNeeded: $0) }, start)
    }

    /// The detail rule a record's line was matched by, if it pairs at all.
    func rule(of record: RequestRecord) -> RuleInfo? {
        Int(record.rule) < rulesByID.count ? rulesByID[Int(record.rule)] : nil
    }

    /// Positions in `candidates` of the lines of client `ip`.
    func candidates(of ip: UInt32) -> Range<Int> {
        guard Int(ip) + 1 < candidateStart.count else { return 0..<0 }
        return Int(candidateStart[Int(ip)])..<Int(candidateStart[Int(ip) + 1])
    }

    /// Position in `range` (one client's candidates) of its first line at or after `time`.
    func firstCandidate(in range: Range<Int>, atOrAfter time: Int64) -> Int {
        var low = range.lowerBound, high = range.upperBound
        while low < high {
            let middle = (low + high) / 2
            if records[Int(candidates[middle])].time < time { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Whether the detail line names no path (mod_auth_digest's nonce and realm messages, a
    /// line cut short), so that only its client, second and user can find its request.
    func namesNoPath(_ detail: RequestRecord) -> Bool {
        detail.path == 0 || detail.path == emptyPath
    }

    /// Whether `detail` can only pair loosely (it names no path), so has no strict fit.
    func pairsOnlyLoosely(_ detail: RequestRecord, _ info: RuleInfo) -> Bool {
        switch info.pairBy {
        case .path, .credentials, .filePath: namesNoPath(detail)
        case .route, .loginForm: false
        }
    }

    /// Whether `access` can be the request `detail` explains (time aside).
    func fits(_ access: RequestRecord, _ detail: RequestRecord, _ info: RuleInfo, _ strictness: Strictness = .strict) -> Bool {
        // The access formats its format explains, or any access line of the same input: one
        // file or container log holding both sides of its requests.
        guard access.input == detail.input || info.accessFormats.contains(access.format) else { return false }
        let failed = access.cause != RequestRecord.noCause
        switch info.pairBy {
        case .path, .credentials:
            guard failed, access.status == expectedStatus(detail) else { return false }
            return namesNoPath(detail) ? strictness == .loose : access.path == detail.path
        case .filePath:
            guard failed, access.status == expectedStatus(detail) else { return false }
            if namesNoPath(detail) { return strictness == .loose }
            return fileMatch(detail, access, strictness) != nil
        case .route:
            return detail.path != 0 && access.route == detail.path && access.status == expectedStatus(detail)
        case .loginForm:
            // A login POST answered 200 is a failure of its own (login-failed) when no plugin
            // explains it; one that does explain it takes it, so the request counts once.
            return (!failed || access.cause == Self.loginFailed) && access.status == 200 && access.method == post
                && info.loginPaths.contains(access.path)
        }
    }

    /// Of the access lines that fit `detail`, lower is likelier: of its own server first,
    /// then agreeing on the user, then (a file path) the longest URL path it maps.
    func preference(_ access: RequestRecord, _ detail: RequestRecord, _ info: RuleInfo,
                    _ strictness: Strictness) -> (server: Int, user: Int, path: Int) {
        let server = server(of: detail) == server(of: access) ? 0 : 1
        var path = 0
        if info.pairBy == .filePath, let match = fileMatch(detail, access, strictness) {
            path = -(match.length * 2 + (match.whole ? 1 : 0))
        }
        return (server, userDisagreement(access, detail, info), path)
    }

    /// 0 when the access line carries what the detail line says of the user, 1 when it says
    /// nothing against it, 2 when it names someone else (kept as a last resort: the two logs
    /// may spell one name differently).
    private func userDisagreement(_ access: RequestRecord, _ detail: RequestRecord, _ info: RuleInfo) -> Int {
        if detail.user != 0 { return access.user == detail.user ? 0 : access.user == 0 ? 1 : 2 }
        switch info.pairBy {
        // The server read the user name before it complained: its 401 carries one.
        case .credentials: return access.user != 0 ? 0 : 1
        // "No user/password was provided": a request that sent one is another request.
        case .path where detail.cause == UInt8(Cause.missingCredentials.index): return access.user == 0 ? 0 : 1
        default: return 0
        }
    }

    private func server(of record: RequestRecord) -> UInt32 {
        Int(record.input) < serverOfInput.count ? serverOfInput[Int(record.input)] : 0
    }

    /// How a file path (AH01630's r->filename: DocumentRoot, which no log states, then the
    /// decoded URL path) maps the access line's URL path: whole (the file path ends with it),
    /// or, loosely, cut after one of its components (Apache stops the file path at the
    /// first component that does not exist, the rest is path info). `length` is the number
    /// of URL bytes the file path ends with.
    private func fileMatch(_ detail: RequestRecord, _ access: RequestRecord,
                           _ strictness: Strictness) -> (length: Int, whole: Bool)? {
        guard var file = strings[detail.path], var url = strings[access.path], url.hasPrefix("/") else { return nil }
        // The bytes of both strings where they are (no copy), and a decoded copy of the URL only
        // when it holds a "%" (rare; the byte test spares the Foundation search for the rest).
        let decoded = url.utf8.contains(UInt8(ascii: "%")) && url.contains("%")
            ? url.withUTF8 { FieldDecoding.percentDecoded(UnsafeRawBufferPointer($0)) } : nil
        return file.withUTF8 { fileBytes in
            url.withUTF8 { urlBytes in
                if let decoded {
                    return decoded.withUnsafeBufferPointer { Self.fileMatch(fileBytes, [urlBytes, $0], strictness) }
                }
                return Self.fileMatch(fileBytes, [urlBytes], strictness)
            }
        }
    }

    private static func fileMatch(_ fileBytes: UnsafeBufferPointer<UInt8>, _ urls: [UnsafeBufferPointer<UInt8>],
                                  _ strictness: Strictness) -> (length: Int, whole: Bool)? {
        for urlBytes in urls where fileBytes.ends(with: urlBytes) { return (urlBytes.count, true) }
        guard strictness == .loose else { return nil }
        var best: Int? = nil
        for urlBytes in urls {
            // Each "/" after the first ends a component; the longest such start that the file
            // path ends with is the part Apache walked.
            for cut in urlBytes.indices.reversed() where cut > 1 && urlBytes[cut] == UInt8(ascii: "/") {
                if cut <= best ?? 0 { break }
                if fileBytes.ends(with: UnsafeBufferPointer(rebasing: urlBytes[..<cut])) { best = cut; break }
            }
        }
        return best.map { ($0, false) }
    }

    /// The status the detail line states, else 403 for a deny rule and 401 for the rest.
    private func expectedStatus(_ detail: RequestRecord) -> UInt16 {
        if detail.status != 0 { return detail.status }
        return detail.cause == UInt8(Cause.deniedByRule.index) ? 403 : 401
    }
}

private extension UnsafeBufferPointer where Element == UInt8 {
    func ends(with suffix: UnsafeBufferPointer<UInt8>) -> Bool {
        guard suffix.count <= count else { return false }
        guard let base = baseAddress, let suffixBase = suffix.baseAddress else { return suffix.isEmpty }
        return memcmp(base + (count - suffix.count), suffixBase, suffix.count) == 0
    }
}
