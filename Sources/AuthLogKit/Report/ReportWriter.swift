/// An output format of authlog (`--output ID`): text, json, ndjson, markdown, html. A writer
/// says which documents it can write by the protocols it adopts below (a scan report, a
/// summary, a follow stream); each command offers exactly the registered writers that can
/// write its document (`ReportWriters`), so a new format is one file plus one line there.
public protocol ReportWriter: Sendable {
    /// The value of `--output`; stable, it is in scripts and cron jobs.
    var id: String { get }
    /// Writes each event as the scan reads it, before the report (ndjson), rather than one
    /// document once the scan is done. A command runs the scan differently for it (events
    /// are put in input order as they come), so it is a property of the writer, not of a call.
    var streams: Bool { get }
    /// What the format is, in a few words, for `--help` ("for people"); empty to show the id
    /// alone. A writer may say something else for one document (`help(for:)`).
    var help: String { get }
    func help(for document: ReportDocument) -> String
}

extension ReportWriter {
    public func help(for document: ReportDocument) -> String { help }

    /// The documents this writer can write, from the protocols it adopts.
    public var documents: [ReportDocument] {
        ReportDocument.allCases.filter { document in
            switch document {
            case .scanReport: self is any ScanReportWriter
            case .summary: self is any SummaryWriter
            case .followStream: self is any FollowStreamWriter
            }
        }
    }
}

/// What a command asks a writer to write.
public enum ReportDocument: String, Sendable, CaseIterable {
    /// `authlog scan`: a `ScanReport`, and its events as they are read when the writer streams.
    case scanReport = "scan"
    /// `authlog summary`: a `SummaryDocument` (a report with its window and comparison).
    case summary
    /// `authlog follow`: each event, alert and overview as it happens.
    case followStream = "follow"
}

/// What a command decides about the look of a report, the same for every writer.
public struct ReportSettings: Sendable {
    /// How many entries the top lists hold (`--top`).
    public var top: Int
    /// Colour for text meant for a terminal (`--color`); writers for files ignore it.
    public var style: TextStyle
    /// The `generator` of a JSON document ("authlog 0.1.0").
    public var generator: String
    /// Who to ban and how to write it (`--output bans`, the HTML page's "block these" box).
    public var bans: BanSettings

    public init(top: Int, style: TextStyle = TextStyle(enabled: false), generator: String, bans: BanSettings = BanSettings()) {
        self.top = top
        self.style = style
        self.generator = generator
        self.bans = bans
    }
}

/// A writer of `authlog scan`'s report.
public protocol ScanReportWriter: ReportWriter {
    /// One event, as the scan reads it, in input order. Called only when `streams` is true.
    func write(event: AuthEvent, to output: ReportOutput)
    /// The report, once the scan is done (after the events when the writer streams them).
    func write(_ report: ScanReport, settings: ReportSettings, to output: ReportOutput)
}

extension ScanReportWriter {
    /// A writer that does not stream writes nothing per event (and is not asked to).
    public func write(event: AuthEvent, to output: ReportOutput) {}
}

/// A writer of `authlog summary`'s document. The document carries its own `top`.
public protocol SummaryWriter: ReportWriter {
    func write(_ document: SummaryDocument, settings: ReportSettings, to output: ReportOutput)
}

/// A writer of `authlog follow`'s stream: each piece as ready-to-write bytes, which the
/// follow printer writes at once (one write(2) each), so a pipe downstream sees it immediately.
public protocol FollowStreamWriter: ReportWriter {
    func event(_ event: AuthEvent) -> [UInt8]
    func alert(_ alert: Alert, style: TextStyle) -> [UInt8]
    /// The overview (`--summary-every`, SIGUSR1, the final one).
    func summary(_ aggregate: FailureAggregate, final: Bool, top: Int, style: TextStyle) -> [UInt8]
}
