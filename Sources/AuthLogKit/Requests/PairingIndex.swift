/// The access lines of a scan, ordered for the pairing: by client, then time, then log
/// order; and the rules that say whether an access line fits a detail line.
struct PairingIndex {
    struct RuleInfo {
        var pairBy: PairingKey
        /// Formats (interned) whose access lines the rule's lines can pair with.
        var pairsWith: Set<UInt32>
    }

    let records: [RequestRecord]
    let strings: StringInterner
    /// Detail rules by interned `format/rule` id.
    let rules: [UInt32: RuleInfo]
    /// Indexes of the access records with a time, by (client, time, log order).
    let candidates: [Int]
    private let loginPaths: Set<UInt32>
    private let post: UInt32

    init(records: [RequestRecord], strings: StringInterner, patterns: CompiledPatterns) {
        self.records = records
        self.strings = strings
        var rules: [UInt32: RuleInfo] = [:]
        for format in patterns.patterns.formats {
            let pairsWith = Set(format.pairsWith.compactMap { strings.existingID($0) })
            for rule in format.rules {
                guard let id = strings.existingID("\(format.name)/\(rule.id)") else { continue }
                rules[id] = RuleInfo(pairBy: rule.pairBy, pairsWith: pairsWith)
            }
        }
        self.rules = rules
        // Sorted on one packed integer per line: client id, then seconds since the first time.
        let base = records.lazy.filter(\.hasTime).map(\.time).min() ?? 0
        var keyed: [(key: UInt64, index: Int32)] = []
        keyed.reserveCapacity(records.count)
        for (index, record) in records.enumerated() where record.side == .access && record.hasTime {
            keyed.append((UInt64(record.ip) << 32 | UInt64(UInt32(clamping: record.time - base)), Int32(index)))
        }
        keyed.sort { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
        self.candidates = keyed.map { Int($0.index) }
        self.loginPaths = Set(["/wp-login.php", "/xmlrpc.php"].compactMap { strings.existingID($0) })
        self.post = strings.existingID("POST") ?? UInt32.max
    }

    /// Position in `candidates` of the first line of `ip` at or after `time`.
    func firstCandidate(ip: UInt32, time: Int64) -> Int {
        var low = 0, high = candidates.count
        while low < high {
            let middle = (low + high) / 2
            let record = records[candidates[middle]]
            if record.ip < ip || (record.ip == ip && record.time < time) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Whether `access` can be the request `detail` explains (time aside).
    func fits(_ access: RequestRecord, _ detail: RequestRecord, _ info: RuleInfo) -> Bool {
        guard info.pairsWith.contains(access.format) else { return false }
        let failed = access.cause != RequestRecord.noCause
        switch info.pairBy {
        case .path:
            return failed && access.path == detail.path && access.status == expectedStatus(detail)
        case .filePath:
            guard failed, access.status == expectedStatus(detail), let file = strings[detail.path],
                  let url = strings[access.path], url.hasPrefix("/") else { return false }
            return file.hasSuffix(url)
        case .route:
            return detail.path != 0 && access.route == detail.path && access.status == expectedStatus(detail)
        case .loginForm:
            return !failed && access.status == 200 && access.method == post && loginPaths.contains(access.path)
        }
    }

    /// The status the detail line states, else 403 for a deny rule and 401 for the rest.
    private func expectedStatus(_ detail: RequestRecord) -> UInt16 {
        if detail.status != 0 { return detail.status }
        return detail.cause == UInt8(Cause.deniedByRule.index) ? 403 : 401
    }
}
