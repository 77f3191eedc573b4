/// Joins access-log lines with the error-log and debug.log lines that explain them, so that
/// each failed request counts once under its precise cause.
///
/// A detail line pairs with an access line of the same client whose format its format
/// `pairs-with`, at the same second or, failing that, within `window` seconds (the error
/// log may be written a moment later), and whose request agrees as the rule's `pair-by`
/// says (see `PairingKey`). Lines of the same second are paired in log order, so equal
/// requests pair first with first; exact seconds are all paired before any near one, so a
/// near match never takes the partner of an exact one.
struct RequestJoiner {
    struct RuleInfo {
        var pairBy: PairingKey
        /// Formats (interned) whose access lines the rule's lines can pair with.
        var pairsWith: Set<UInt32>
    }

    struct Result {
        var requests: [FailedRequest]
        var records: [RequestRecord]
        var strings: StringInterner
        var paired = 0
        /// Seconds added to the times of a detail input (by input index) to meet its access log.
        var clockShifts: [UInt32: Int64] = [:]
    }

    var window: Int64 = 2

    /// `records` in log order (input, then line), as `RequestCollector.take` gives them.
    func join(records: [RequestRecord], strings: StringInterner, patterns: CompiledPatterns) -> Result {
        var rules: [UInt32: RuleInfo] = [:]
        for format in patterns.patterns.formats {
            let pairsWith = Set(format.pairsWith.compactMap { strings.existingID($0) })
            for rule in format.rules {
                guard let id = strings.existingID("\(format.name)/\(rule.id)") else { continue }
                rules[id] = RuleInfo(pairBy: rule.pairBy, pairsWith: pairsWith)
            }
        }

        // Access lines by client and time, log order within: sorted on one packed integer.
        let base = records.lazy.filter(\.hasTime).map(\.time).min() ?? 0
        var keyed: [(key: UInt64, index: Int32)] = []
        keyed.reserveCapacity(records.count)
        for (index, record) in records.enumerated() where record.side == .access && record.hasTime {
            keyed.append((UInt64(record.ip) << 32 | UInt64(UInt32(clamping: record.time - base)), Int32(index)))
        }
        keyed.sort { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
        let candidates = keyed.map { Int($0.index) }
        keyed = []
        var used = [Bool](repeating: false, count: records.count)
        var partner = [Int32](repeating: -1, count: records.count)
        let loginPaths: Set<UInt32> = Set(["/wp-login.php", "/xmlrpc.php"].compactMap { strings.existingID($0) })
        let post = strings.existingID("POST") ?? UInt32.max

        func firstCandidate(ip: UInt32, time: Int64) -> Int {
            var low = 0, high = candidates.count
            while low < high {
                let middle = (low + high) / 2
                let record = records[candidates[middle]]
                if record.ip < ip || (record.ip == ip && record.time < time) { low = middle + 1 } else { high = middle }
            }
            return low
        }

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

        // A detail log whose clock reads differently from its access log's (its zone-less
        // times read in a --tz that is not the server's, or a server with a wrong clock)
        // would pair with nothing. Each detail input's shift is learnt from a sample of its
        // lines: the quarter-hour offset that lets most of them find a partner, taken only
        // when reading the times as they are lets far fewer do so.
        var shiftOfInput: [UInt32: Int64] = [:]
        var samples: [UInt32: [Int]] = [:]
        for (index, record) in records.enumerated() where record.side == .detail && record.hasTime && rules[record.rule] != nil {
            samples[record.input, default: []].append(index)
        }
        for (input, indices) in samples {
            let step = max(1, indices.count / 64)  // 64 lines spread over the file
            let sample = stride(from: 0, to: indices.count, by: step).map { indices[$0] }
            var votes: [Int64: Int] = [:]
            for index in sample {
                let detail = records[index]
                let info = rules[detail.rule]!
                // Every quarter hour within ±14 h (the zones of the world): is there a partner?
                for quarter in stride(from: -14 * 3600 as Int64, through: 14 * 3600, by: 900) {
                    var position = firstCandidate(ip: detail.ip, time: detail.time + quarter - window)
                    while position < candidates.count {
                        let access = records[candidates[position]]
                        guard access.ip == detail.ip, access.time <= detail.time + quarter + window else { break }
                        position += 1
                        if fits(access, detail, info) {
                            votes[quarter, default: 0] += 1
                            break
                        }
                    }
                }
            }
            let plain = votes[0] ?? 0
            if let (offset, count) = votes.filter({ $0.key != 0 }).max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }),
               count * 2 >= sample.count, count > plain * 2 {
                shiftOfInput[input] = offset
            }
        }

        var paired = 0
        for exact in [true, false] {
            for index in records.indices where records[index].side == .detail && partner[index] < 0 {
                let detail = records[index]
                guard detail.hasTime, let info = rules[detail.rule] else { continue }
                let time = detail.time + (shiftOfInput[detail.input] ?? 0)
                let from = exact ? time : time - window
                let to = exact ? time : time + window
                var best: Int? = nil
                var bestScore = (Int64.max, 0)
                var position = firstCandidate(ip: detail.ip, time: from)
                while position < candidates.count {
                    let candidate = candidates[position]
                    let access = records[candidate]
                    guard access.ip == detail.ip, access.time <= to else { break }
                    position += 1
                    guard !used[candidate], fits(access, detail, info) else { continue }
                    // Nearest in time first; for a file path, the longest URL path that ends it.
                    let tail = info.pairBy == .filePath ? -(strings[access.path]?.utf8.count ?? 0) : 0
                    let score = (abs(access.time - time), tail)
                    if best == nil || score < bestScore {
                        best = candidate
                        bestScore = score
                    }
                }
                if let best {
                    used[best] = true
                    partner[index] = Int32(best)
                    partner[best] = Int32(index)
                    paired += 1
                }
            }
        }

        var requests: [FailedRequest] = []
        requests.reserveCapacity(records.count - paired - records.lazy.filter { $0.failureCause == nil }.count)
        var layerOfPath: [UInt32: RefusingLayer] = [:]
        for (index, record) in records.enumerated() {
            guard let cause = record.failureCause else { continue }
            if record.side == .access, partner[index] >= 0 { continue }  // counted with its detail line
            if record.side == .detail {
                let accessIndex = Int(partner[index])
                let access = accessIndex >= 0 ? records[accessIndex] : nil
                let pairBy = rules[record.rule]?.pairBy ?? .path
                var path = access?.path ?? 0
                if access == nil {
                    switch pairBy {
                    case .path, .filePath: path = record.path
                    case .route, .loginForm: path = 0
                    }
                }
                let layer = layer(ofDetail: record, cause: cause, strings: strings)
                if path != 0, layerOfPath[path] == nil || layer == .webServer { layerOfPath[path] = layer }
                requests.append(FailedRequest(
                    time: access?.hasTime == true ? access!.time : record.time, ip: record.ip, path: path,
                    route: pairBy == .route ? record.path : (access?.route ?? 0),
                    user: record.user != 0 ? record.user : (access?.user ?? 0), method: access?.method ?? record.method,
                    status: access?.status ?? record.status, cause: cause, layer: layer, format: record.format,
                    access: accessIndex >= 0 ? Int32(accessIndex) : -1, detail: Int32(index)))
            } else {
                requests.append(FailedRequest(
                    time: record.time, ip: record.ip, path: record.path, route: record.route, user: record.user,
                    method: record.method, status: record.status, cause: cause, layer: .application,
                    format: record.format, access: Int32(index), detail: -1))
            }
        }
        // Access lines nobody explained: WordPress by their URL, else the layer that explained
        // other refusals of the same path, else the application behind the server.
        for index in requests.indices where requests[index].detail < 0 {
            let request = requests[index]
            if RefusingLayer.isWordPress(path: strings[request.path], route: strings[request.route]) {
                requests[index].layer = .wordpress
            } else if let known = layerOfPath[request.path] {
                requests[index].layer = known
            }
        }
        // Time order (log order within a second) for the detectors that follow clients in
        // time; requests without a time go last. Sorted on one packed integer per request.
        // In place, ties by the line that made the request (records are in log order).
        requests.sort { a, b in
            let x = a.hasTime ? a.time : Int64.max, y = b.hasTime ? b.time : Int64.max
            return x != y ? x < y : max(a.access, a.detail) < max(b.access, b.detail)
        }
        return Result(requests: requests, records: records, strings: strings, paired: paired, clockShifts: shiftOfInput)
    }

    private func expectedStatus(_ detail: RequestRecord) -> UInt16 {
        if detail.status != 0 { return detail.status }
        return detail.cause == UInt8(Cause.deniedByRule.index) ? 403 : 401
    }

    private func layer(ofDetail record: RequestRecord, cause: Cause, strings: StringInterner) -> RefusingLayer {
        if strings[record.format] == "wordpress" { return .wordpress }
        return cause == .deniedByRule ? .serverRule : .webServer
    }
}
