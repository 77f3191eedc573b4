/// Why a line was not analysed. Every skipped line is counted under one reason.
public enum SkipReason: String, CaseIterable, Sendable {
    /// The line holds NUL bytes: binary data, a crashed writer, a TLS handshake.
    case binary
    /// The line is longer than the line limit (1 MiB by default) and was not read whole.
    case tooLong = "too-long"
    /// PCRE2 gave up on the line at its match limits (see `--match-limit`).
    case matchLimit = "match-limit"
}

extension SkipReason {
    /// `2 binary (first at line 7), 1 too-long (first at line 9)`: skip counts as the
    /// diagnostics of scan and follow give them.
    static func describe(_ counts: [SkipReason: Int], firstLines: [SkipReason: Int]) -> String {
        allCases.compactMap { reason -> String? in
            guard let count = counts[reason], count > 0 else { return nil }
            return "\(count) \(reason.rawValue) (first at line \(firstLines[reason] ?? 0))"
        }.joined(separator: ", ")
    }
}

/// What happened to one input file.
public struct FileStats: Sendable {
    public var path: String
    /// The format the file was read as; nil when it was empty.
    public var format: String?
    /// How the format was chosen: detected from content, or forced with --log-format.
    public var formatForced = false
    public var bytes = 0
    public var lines = 0
    public var events = 0
    /// Events found but outside the time window asked for (--since/--until).
    public var outsideWindow = 0
    /// The latest time of an event read from this file.
    public var lastEventTime: Int64?
    /// The time of the file's first line (when it has the format's head): when the log begins.
    public var firstLineTime: Int64?
    public var skippedByReason: [SkipReason: Int] = [:]
    /// The first line skipped for each reason, for the diagnostic message.
    public var firstSkippedLine: [SkipReason: Int] = [:]

    public init(path: String, format: String?) {
        self.path = path
        self.format = format
    }

    public var skipped: Int { skippedByReason.values.reduce(0, +) }

    /// Adds the counts of the next stretch of the same file (the next chunk), whose line
    /// numbers start after this one's lines.
    mutating func absorb(_ next: FileStats) {
        if firstLineTime == nil { firstLineTime = next.firstLineTime }
        for (reason, line) in next.firstSkippedLine where firstSkippedLine[reason] == nil {
            firstSkippedLine[reason] = lines + line
        }
        for (reason, count) in next.skippedByReason { skippedByReason[reason, default: 0] += count }
        bytes += next.bytes
        lines += next.lines
        events += next.events
        outsideWindow += next.outsideWindow
        if let time = next.lastEventTime, lastEventTime.map({ time > $0 }) ?? true { lastEventTime = time }
    }

    mutating func skip(_ reason: SkipReason, line: Int) {
        skippedByReason[reason, default: 0] += 1
        if firstSkippedLine[reason] == nil { firstSkippedLine[reason] = line }
    }
}

/// An input that was named or found but not scanned, and why (never dropped silently).
public struct UnscannedInput: Error, Sendable, Equatable {
    public var path: String
    public var reason: String
    /// True when this made the run fail (exit status 1): the input was asked for
    /// explicitly, or could not be read.
    public var isError: Bool
}
