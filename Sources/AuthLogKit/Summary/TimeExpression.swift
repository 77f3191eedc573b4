import Foundation

/// `--since` / `--until` values: `2026-11-22`, `2026-11-22T06:00`, `2026-11-22 06:00:00+01:00`,
/// durations before now (`24h`, `7d`, `90m`, `2w`), `now`, `today`, `yesterday` (midnight in the
/// given zone). Returns UTC seconds.
public enum TimeExpression {
    public struct Invalid: Error, CustomStringConvertible {
        public var text: String
        public var description: String {
            "cannot read '\(text)' as a time: use 2026-11-22, 2026-11-22T06:00, 24h, 7d, today or yesterday"
        }
    }

    public static func parse(_ text: String, now: Date, zone: TimeZone) throws(Invalid) -> Int64 {
        let trimmed = text.trimmingSpaces().lowercased()
        let nowSeconds = Int64(now.timeIntervalSince1970)
        switch trimmed {
        case "now": return nowSeconds
        case "today": return midnight(of: now, zone: zone)
        case "yesterday": return midnight(of: now, zone: zone) - 86_400 + dstCorrection(now, zone)
        default: break
        }
        if let duration = DurationText.wholeSeconds(trimmed) { return nowSeconds - duration }
        // Dates and times: reuse the log timestamp reader (ISO 8601 shapes), local zone.
        var iso = text.trimmingSpaces()
        if iso.count == 10 { iso += "T00:00:00" }
        if iso.count == 16 { iso += ":00" }
        let parser = TimestampParser(localZone: zone, now: nowSeconds)
        let bytes = Array(iso.utf8)
        guard let seconds = bytes.withUnsafeBytes({ parser.parse($0) }) else { throw Invalid(text: text) }
        return seconds
    }

    private static func midnight(of date: Date, zone: TimeZone) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return Int64(calendar.startOfDay(for: date).timeIntervalSince1970)
    }

    /// Yesterday's midnight is not always 24 h before today's (DST changes).
    private static func dstCorrection(_ date: Date, _ zone: TimeZone) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let today = calendar.startOfDay(for: date)
        guard let yesterday = calendar.date(byAdding: .day, value: -1, to: today) else { return 0 }
        return Int64(yesterday.timeIntervalSince1970) - (Int64(today.timeIntervalSince1970) - 86_400)
    }
}
