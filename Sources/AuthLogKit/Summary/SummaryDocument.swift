/// Everything a summary shows, computed once and rendered as text, Markdown, HTML or JSON.
public struct SummaryDocument: Sendable {
    public var report: ScanReport
    /// The window the summary covers, UTC seconds (start nil: the beginning of the logs).
    public var windowStart: Int64?
    public var windowEnd: Int64
    /// How the window was chosen, in words ("since the previous run at …").
    public var windowDescription: String
    public var previous: SummaryState.Previous?
    public var top: Int
    public var generatedAt: Int64

    public init(report: ScanReport, windowStart: Int64?, windowEnd: Int64, windowDescription: String,
                previous: SummaryState.Previous?, top: Int, generatedAt: Int64) {
        self.report = report
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.windowDescription = windowDescription
        self.previous = previous
        self.top = top
        self.generatedAt = generatedAt
    }

    public var total: Int { report.aggregate.total }

    /// "+12% vs the previous run (1,100)", or a note that there is nothing to compare with.
    public var change: String {
        guard let previous else { return "no previous run to compare with" }
        let delta = total - previous.total
        let sign = delta > 0 ? "+" : delta < 0 ? "−" : "±"
        guard previous.total > 0 else {
            return "\(sign)\(TextReport.format(abs(delta))) vs the previous run (0)"
        }
        let percent = Int((Double(abs(delta)) * 100 / Double(previous.total)).rounded())
        return "\(sign)\(percent)% vs the previous run (\(TextReport.format(previous.total)))"
    }

    /// Top clients that were not among the previous run's top clients.
    public var newOffenders: [(key: String, value: ClientTally, error: Int)] {
        guard let previous else { return [] }
        let known = Set(previous.topClients)
        return report.aggregate.topIPs(top).filter { !known.contains($0.key) }
    }

    public var windowText: String {
        let start = windowStart.map(CivilTime.shortDisplay) ?? "start of the logs"
        return "\(start) → \(CivilTime.shortDisplay(windowEnd)) UTC"
    }

    /// What the next run compares itself with.
    public var asPrevious: SummaryState.Previous {
        SummaryState.Previous(
            generatedAt: CivilTime.iso8601(generatedAt), total: total,
            byCause: Dictionary(uniqueKeysWithValues: Cause.allCases.map { ($0.rawValue, report.aggregate.byCause[$0]) }),
            topClients: report.aggregate.topIPs(max(top, 50)).map(\.key))
    }
}
