/// Joins access-log lines with the error-log and debug.log lines that explain them, so that
/// each failed request counts once under its precise cause.
///
/// A detail line pairs with an access line of the same client, of a format of a server family
/// its format explains (`role`, `server`, `explains`: see `FormatRole`), at the same second or, failing that, within `window` seconds (the error
/// log may be written a moment later), and whose request agrees as the rule's `pair-by`
/// says (see `PairingKey`). Of several that fit, the one of the detail line's own server
/// (the directory of its log) is taken first, then the one whose user agrees with the line
/// (the user it names; a user at all for `credentials`; none for "no user/password was
/// provided"), then the nearest in time, then the first in log order, so equal requests pair
/// first with first. Lines that state their path are all paired before lines that name none
/// or whose file path was cut (`PairingIndex.Strictness`), so the vaguer line never takes the
/// partner of the precise one; within each, exact seconds are all paired before any near
/// one, so a near match never takes the partner of an exact one.
struct RequestJoiner {
    struct Result {
        var requests: [FailedRequest]
        var records: [RequestRecord]
        /// Per record, the index of the line it was paired with, or -1. An access line with a
        /// partner is one a detail line explained (detail lines are all failures).
        var partner: [Int32]
        var strings: StringInterner
        var paired = 0
        /// Seconds added to the times of a detail input (by input index) to meet its access log.
        var clockShifts: [UInt32: Int64] = [:]
    }

    var window: Int64 = 2

    /// `records` in log order (input, then line), as `RequestCollector.take` gives them.
    func join(records: [RequestRecord], strings: StringInterner, patterns: CompiledPatterns,
              inputNames: [Int: String] = [:]) -> Result {
        let pairing = PairingIndex(records: records, strings: strings, patterns: patterns, inputNames: inputNames)
        let candidates = pairing.candidates
        let clockShifts = ClockShift.learn(pairing, window: window)
        var shiftOfInput = [Int64](repeating: 0, count: Int(records.lazy.map(\.input).max() ?? 0) + 1)
        for (input, shift) in clockShifts where Int(input) < shiftOfInput.count { shiftOfInput[Int(input)] = shift }
        // An access line is taken when it has a partner: no separate "used" array.
        var partner = [Int32](repeating: -1, count: records.count)

        var paired = 0
        let passes: [(exact: Bool, strictness: PairingIndex.Strictness)] =
            [(true, .strict), (false, .strict), (true, .loose), (false, .loose)]
        // Only lines of one client compete for its access lines, so clients are joined one
        // after the other, all four passes each, while that client's lines are in cache; within
        // a client the passes and the log order are as if all lines were taken pass by pass.
        let detailsByClient = Self.detailLinesByClient(records, clients: strings.strings.count)
        for client in 0..<detailsByClient.start.count - 1 {
            let lines = Int(detailsByClient.start[client])..<Int(detailsByClient.start[client + 1])
            let clientCandidates = pairing.candidates(of: UInt32(client))
            guard !lines.isEmpty, !clientCandidates.isEmpty else { continue }
            for (exact, strictness) in passes {
                for line in lines.lazy.map({ Int(detailsByClient.lines[$0]) }) where partner[line] < 0 {
                    let detail = records[line]
                    guard detail.hasTime, let info = pairing.rule(of: detail) else { continue }
                    // Only lines that can fit loosely where they could not strictly are tried again.
                    if strictness == .loose, !pairing.pairsOnlyLoosely(detail, info), info.pairBy != .filePath { continue }
                    let time = detail.time + shiftOfInput[Int(detail.input)]
                    let from = exact ? time : time - window
                    let to = exact ? time : time + window
                    var best: Int? = nil
                    var bestScore = (0, 0, Int64.max, 0)
                    var position = pairing.firstCandidate(in: clientCandidates, atOrAfter: from)
                    while position < clientCandidates.upperBound {
                        let candidate = Int(candidates[position])
                        let access = records[candidate]
                        guard access.time <= to else { break }
                        position += 1
                        guard partner[candidate] < 0, pairing.fits(access, detail, info, strictness) else { continue }
                        let preference = pairing.preference(access, detail, info, strictness)
                        let score = (preference.server, preference.user, abs(access.time - time), preference.path)
                        if best == nil || score < bestScore {
                            best = candidate
                            bestScore = score
                        }
                    }
                    if let best {
                        partner[line] = Int32(best)
                        partner[best] = Int32(line)
                        paired += 1
                    }
                }
            }
        }

        var requests: [FailedRequest] = []
        // Exactly one request per failure line but for access lines counted with their detail
        // line (a pair may join a kept access line, no failure, to a detail line: `paired`
        // alone would undercount, and the array would double to 2x its size).
        var failures = 0
        for (index, record) in records.enumerated() where record.failureCause != nil {
            if record.side == .detail || partner[index] < 0 { failures += 1 }
        }
        requests.reserveCapacity(failures)
        // By path id (dense ids: arrays, not dictionaries hashed per request).
        var layerOfPath = [RefusingLayer?](repeating: nil, count: strings.strings.count)
        for (index, record) in records.enumerated() {
            guard let cause = record.failureCause else { continue }
            if record.side == .access, partner[index] >= 0 { continue }  // counted with its detail line
            if record.side == .detail {
                let accessIndex = Int(partner[index])
                let access = accessIndex >= 0 ? records[accessIndex] : nil
                let rule = pairing.rule(of: record)
                let pairBy = rule?.pairBy ?? .path
                var path = access?.path ?? 0
                if access == nil {
                    switch pairBy {
                    case .path, .credentials, .filePath: path = record.path
                    case .route, .loginForm: path = 0
                    }
                }
                let layer = rule?.layer ?? (cause == .deniedByRule ? .serverRule : .webServer)
                if path != 0, layerOfPath[Int(path)] == nil || layer == .webServer { layerOfPath[Int(path)] = layer }
                requests.append(FailedRequest(
                    time: access?.hasTime == true ? access!.time : record.time, ip: record.ip, path: path,
                    route: pairBy == .route ? record.path : (access?.route ?? 0),
                    user: record.user != 0 ? record.user : (access?.user ?? 0),
                    status: access?.status ?? record.status, cause: cause, layer: layer, format: record.format,
                    access: accessIndex >= 0 ? Int32(accessIndex) : -1, detail: Int32(index)))
            } else {
                requests.append(FailedRequest(
                    time: record.time, ip: record.ip, path: record.path, route: record.route, user: record.user,
                    status: record.status, cause: cause, layer: .application,
                    format: record.format, access: Int32(index), detail: -1))
            }
        }
        // Access lines nobody explained: the layer whose URLs they asked for (WordPress's, by
        // the pattern files), else the layer that explained other refusals of the same path,
        // else the application behind the server.
        // The claim is worked out once per path (and whether a route was called), not per request.
        let urlLayers = URLLayers(patterns.patterns)
        var claimedLayer = [RefusingLayer??](repeating: nil, count: strings.strings.count * 2)
        for index in requests.indices where requests[index].detail < 0 {
            let request = requests[index]
            let slot = Int(request.path) * 2 + (request.route != 0 ? 1 : 0)
            let claimed = claimedLayer[slot] ?? urlLayers.layer(path: strings[request.path], route: strings[request.route])
            claimedLayer[slot] = claimed
            if let claimed {
                requests[index].layer = claimed
            } else if let known = layerOfPath[Int(request.path)] {
                requests[index].layer = known
            }
        }
        // Time order (log order within a second) for the detectors that follow clients in
        // time; requests without a time go last. In place, ties by the line that made the
        // request (records are in log order).
        requests.sort { a, b in
            let x = a.hasTime ? a.time : Int64.max, y = b.hasTime ? b.time : Int64.max
            return x != y ? x < y : max(a.access, a.detail) < max(b.access, b.detail)
        }
        return Result(requests: requests, records: records, partner: partner, strings: strings, paired: paired, clockShifts: clockShifts)
    }

    /// The detail lines' indexes grouped by client (counted into place by client id), each
    /// client's in log order, and where each client's start (one more entry than ids).
    private static func detailLinesByClient(_ records: [RequestRecord], clients: Int) -> (lines: [UInt32], start: [UInt32]) {
        var start = [UInt32](repeating: 0, count: clients + 1)
        for record in records where record.side == .detail { start[Int(record.ip) + 1] += 1 }
        for client in 0..<clients { start[client + 1] += start[client] }
        var next = start
        var lines = [UInt32](repeating: 0, count: Int(start[clients]))
        for (index, record) in records.enumerated() where record.side == .detail {
            lines[Int(next[Int(record.ip)])] = UInt32(index)
            next[Int(record.ip)] += 1
        }
        return (lines, start)
    }
}
