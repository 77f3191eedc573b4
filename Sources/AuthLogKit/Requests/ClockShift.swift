/// A detail log whose clock reads differently from its access log's (its zone-less times read
/// in a --tz that is not the server's, or a server with a wrong clock) would pair with
/// nothing. Each detail input's shift is learnt from 64 of its lines spread over the file:
/// the quarter-hour offset within ±14 h (the zones of the world) that lets at least half of
/// them find a partner, taken only when reading the times as they are lets less than half
/// as many do so.
enum ClockShift {
    static func learn(_ index: PairingIndex, window: Int64) -> [UInt32: Int64] {
        var samples: [UInt32: [Int]] = [:]
        for (position, record) in index.records.enumerated() where record.side == .detail && record.hasTime {
            // A line that names no path would fit any request of its client: it tells nothing.
            guard let info = index.rule(of: record), !index.pairsOnlyLoosely(record, info) else { continue }
            samples[record.input, default: []].append(position)
        }
        var shifts: [UInt32: Int64] = [:]
        for (input, lines) in samples {
            let step = max(1, lines.count / 64)
            let sample = stride(from: 0, to: lines.count, by: step).map { lines[$0] }
            var votes: [Int64: Int] = [:]
            for line in sample {
                let detail = index.records[line]
                let info = index.rule(of: detail)!
                for quarter in stride(from: -14 * 3600 as Int64, through: 14 * 3600, by: 900)
                where hasPartner(detail, info, at: detail.time + quarter, window: window, in: index) {
                    votes[quarter, default: 0] += 1
                }
            }
            let plain = votes[0] ?? 0
            let best = votes.filter { $0.key != 0 }.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }
            if let (offset, count) = best, count * 2 >= sample.count, count > plain * 2 { shifts[input] = offset }
        }
        return shifts
    }

    private static func hasPartner(_ detail: RequestRecord, _ info: PairingIndex.RuleInfo, at time: Int64, window: Int64,
                                   in index: PairingIndex) -> Bool {
        let client = index.candidates(of: detail.ip)
        var position = index.firstCandidate(in: client, atOrAfter: time - window)
        while position < client.upperBound {
            let access = index.records[Int(index.candidates[position])]
            guard access.time <= time + window else { return false }
            if index.fits(access, detail, info) { return true }
            position += 1
        }
        return false
    }
}
