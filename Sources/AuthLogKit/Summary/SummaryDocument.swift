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

    /// What the summary counts, as scan does: failed requests (an access line and the error
    /// line explaining it are one) when requests were joined; log lines with `--no-requests`.
    /// Headline, tables, the comparison, the state and `--fail-on` all use this one count;
    /// the JSON keeps the line counts too, under `events`.
    public var counted: FailureAggregate { report.requests?.aggregate ?? report.aggregate }

    /// The unit of `counted`, as saved in the state's `previous.counts`.
    public var countsUnit: String { report.requests == nil ? "events" : "requests" }

    public var total: Int { counted.total }

    /// What follows the total in the headline: "failed requests (1,950 log lines)", or
    /// without request analysis "failures".
    public var totalUnit: String {
        guard report.requests != nil else { return "failure" + (total == 1 ? "" : "s") }
        let lines = report.aggregate.total
        return "failed request\(total == 1 ? "" : "s") (\(TextReport.format(lines)) log line\(lines == 1 ? "" : "s"))"
    }

    /// The previous run's figures when they count the same thing as this run's: a state
    /// saved before summary counted requests holds line counts, which are not compared.
    public var comparable: SummaryState.Previous? {
        guard let previous, previous.counts == countsUnit else { return nil }
        return previous
    }

    /// `current - before`, saturating: the figures of a state file are checked when it is
    /// read, and this keeps a figure that slipped through from trapping.
    public static func difference(_ current: Int, _ before: Int) -> Int {
        let (delta, overflow) = current.subtractingReportingOverflow(before)
        return overflow ? (before < 0 ? Int.max : Int.min) : delta
    }

    /// "+12% vs the previous run (1,100)", or a note that there is nothing to compare with.
    public var change: String {
        guard previous != nil else { return "no previous run to compare with" }
        guard let previous = comparable else { return "the previous run counted log lines, not requests: not compared" }
        let delta = Self.difference(total, previous.total)
        let sign = delta > 0 ? "+" : delta < 0 ? "−" : "±"
        let magnitude = delta.magnitude
        guard previous.total > 0 else {
            return "\(sign)\(TextReport.format(Int(clamping: magnitude))) vs the previous run (0)"
        }
        let ratio = (Double(magnitude) * 100 / Double(previous.total)).rounded()
        let percent = ratio < 9e18 ? Int(ratio) : Int.max
        return "\(sign)\(percent)% vs the previous run (\(TextReport.format(previous.total)))"
    }

    /// Top clients that were not among the previous run's top clients.
    public var newOffenders: [(key: String, value: ClientTally, error: Int)] {
        guard let previous else { return [] }
        let known = Set(previous.topClients)
        return counted.topIPs(top).filter { !known.contains($0.key) }
    }

    public var windowText: String {
        let start = windowStart.map(CivilTime.shortDisplay) ?? "start of the logs"
        return "\(start) → \(CivilTime.shortDisplay(windowEnd)) UTC"
    }

    /// What the next run compares itself with.
    public var asPrevious: SummaryState.Previous {
        SummaryState.Previous(
            generatedAt: CivilTime.iso8601(generatedAt), total: total,
            byCause: Dictionary(uniqueKeysWithValues: Cause.allCases.map { ($0.rawValue, counted.byCause[$0]) }),
            topClients: counted.topIPs(max(top, 50)).map(\.key), counts: countsUnit)
    }
}
