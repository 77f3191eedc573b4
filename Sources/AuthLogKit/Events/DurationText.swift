/// Durations as admins write them: `90s`, `5m`, `1h`, `7d`, `2w` (and `500ms` where
/// fractions make sense). One reader for `--since 24h`, `--alert ip>=20/5m`, `--poll 1s`…
public enum DurationText {
    /// Seconds, or nil when the text is not a duration.
    public static func seconds(_ text: String) -> Double? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800)]
        for unit in units where text.hasSuffix(unit.suffix) {
            guard let amount = Double(text.dropLast(unit.suffix.count)), amount >= 0, amount.isFinite else { return nil }
            return amount * unit.seconds
        }
        return nil
    }

    /// Whole seconds (for windows in log time).
    public static func wholeSeconds(_ text: String) -> Int64? {
        // Past ~290 billion years Int64 would trap: such a duration is not one.
        guard !text.hasSuffix("ms"), let value = seconds(text), value == value.rounded(), value < 9e18 else { return nil }
        return Int64(value)
    }
}

extension DurationText {
    /// 60 → "1 min", 3600 → "1 h", 90 → "90 s": for sentences about intervals.
    public static func describe(seconds: Int64) -> String {
        if seconds >= 3600, seconds % 3600 == 0 { return "\(seconds / 3600) h" }
        if seconds >= 60, seconds % 60 == 0 { return "\(seconds / 60) min" }
        return "\(seconds) s"
    }
}
