/// The access lines of a scan, ordered for the pairing: by client, then time, then log
/// order; and the rules that say whether an access line fits a detail line, and which of
/// several that fit is the likelier partner.
struct PairingIndex {
    struct RuleInfo {
        var pairBy: PairingKey
        /// Formats (interned) whose access lines the rule's lines can pair with: the access
        /// formats of the server families its format explains (and, in their own input, any).
        var accessFormats: Set<UInt32>
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
    /// Detail rules by interned `format/rule` id.
    let rules: [UInt32: RuleInfo]
    /// Indexes of the access records with a time, by (client, time, log order). `UInt32`:
    /// half the bytes of `Int` for each access line (records are counted in `UInt32` too).
    let candidates: [UInt32]
    /// The server (the directory of its log) of each input, by input index: a line of one
    /// server's error log explains a request in that server's access log.
    private let serverOfInput: [UInt32]
    private let post: UInt32
    private let emptyPath: UInt32

    init(records: [RequestRecord], strings: StringInterner, patterns: CompiledPatterns, inputNames: [Int: String] = [:]) {
        self.records = records
        self.strings = strings
        var rules: [UInt32: RuleInfo] = [:]
        for format in patterns.patterns.formats where format.role == .detail {
            let accessFormats = Set(patterns.patterns.accessFormats(explainedBy: format).compactMap { strings.existingID($0.name) })
            let loginPaths = Set(format.loginFormPaths.compactMap { strings.existingID($0) })
            for rule in format.rules {
                guard let id = strings.existingID("\(format.name)/\(rule.id)") else { continue }
                rules[id] = RuleInfo(pairBy: rule.pairBy, accessFormats: accessFormats, loginPaths: loginPaths, layer: format.layer)
            }
        }
        self.rules = rules
        // Sorted on one packed integer per line: client id, then seconds since the first time.
        let base = records.lazy.filter(\.hasTime).map(\.time).min() ?? 0
        var keyed: [(key: UInt64, index: UInt32)] = []
        keyed.reserveCapacity(records.count)
        for (index, record) in records.enumerated() where record.side == .access && record.hasTime {
            keyed.append((UInt64(record.ip) << 32 | UInt64(UInt32(clamping: record.time - base)), UInt32(index)))
        }
        keyed.sort { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
        self.candidates = keyed.map(\.index)
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

    /// Position in `candidates` of the first line of `ip` at or after `time`.
    func firstCandidate(ip: UInt32, time: Int64) -> Int {
        var low = 0, high = candidates.count
        while low < high {
            let middle = (low + high) / 2
            let record = records[Int(candidates[middle])]
            if record.ip < ip || (record.ip == ip && record.time < time) { low = middle + 1 } else { high = middle }
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
        guard info.accessFormats.contains(access.format) || access.input == detail.input else { return false }
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
            return !failed && access.status == 200 && access.method == post && info.loginPaths.contains(access.path)
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
        guard let file = strings[detail.path], let url = strings[access.path], url.hasPrefix("/") else { return nil }
        let fileBytes = Array(file.utf8)
        let candidates = url.contains("%") ? [Array(url.utf8), Array(url.utf8).withUnsafeBytes(FieldDecoding.percentDecoded)] : [Array(url.utf8)]
        for urlBytes in candidates where fileBytes.ends(with: urlBytes[...]) { return (urlBytes.count, true) }
        guard strictness == .loose else { return nil }
        var best: Int? = nil
        for urlBytes in candidates {
            // Each "/" after the first ends a component; the longest such start that the file
            // path ends with is the part Apache walked.
            for cut in urlBytes.indices.reversed() where cut > 1 && urlBytes[cut] == UInt8(ascii: "/") {
                if cut <= best ?? 0 { break }
                if fileBytes.ends(with: urlBytes[..<cut]) { best = cut; break }
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

private extension Array where Element == UInt8 {
    func ends(with suffix: ArraySlice<UInt8>) -> Bool {
        suffix.count <= count && self[(count - suffix.count)...].elementsEqual(suffix)
    }
}
