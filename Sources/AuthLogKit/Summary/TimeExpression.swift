import Foundation

/// `--since` / `--until` values: `2026-11-22`, `2026-11-22T06:00`, `2026-11-22 06:00:00+01:00`,
/// durations before now (`24h`, `7d`, `90m`, `2w`), `now`, `today`, `yesterday` (midnight in the
/// given zone). Returns UTC seconds.
public enum TimeExpression {
    public struct Invalid: Error, CustomStringConvertible {
        public var text: String
        public var description: String {
            "cannot read '\(text)' as a time (no such date, or not a form authlog reads): "
                + "use 2026-11-22, 2026-11-22T06:00, 24h, 7d, today or yesterday"
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
        // Dates and times: reuse the log timestamp reader (ISO 8601 shapes), local zone. It
        // rolls impossible fields over (as logs are trusted to hold real times), so they are
        // refused here first: 2026-13-45 is a typo, not 2027-02-14.
        var iso = text.trimmingSpaces()
        guard isPossibleCivilTime(iso) else { throw Invalid(text: text) }
        if iso.count == 10 { iso += "T00:00:00" }
        if iso.count == 16 { iso += ":00" }
        let parser = TimestampParser(localZone: zone, now: nowSeconds)
        let bytes = Array(iso.utf8)
        guard let seconds = bytes.withUnsafeBytes({ parser.parse($0) }) else { throw Invalid(text: text) }
        return seconds
    }

    /// False for a `yyyy-mm-dd[Thh:mm[:ss]]` whose month, day, hour, minute or second does not
    /// exist; true for any other text (the timestamp reader decides about it).
    static func isPossibleCivilTime(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let month = number(5..<7), let day = number(8..<10) else { return true }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return false }
        guard bytes.count >= 16, bytes[13] == UInt8(ascii: ":"), let hour = number(11..<13),
              let minute = number(14..<16) else { return true }
        guard hour <= 23, minute <= 59 else { return false }
        if bytes.count >= 19, bytes[16] == UInt8(ascii: ":"), let second = number(17..<19) { return second <= 59 }
        return true
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
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
