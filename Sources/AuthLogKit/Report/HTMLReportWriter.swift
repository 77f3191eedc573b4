import Foundation

/// `--output html`: the summary, or scan's report, as one self-contained page (`SummaryHTML`).
public struct HTMLReportWriter: SummaryWriter, ScanReportWriter {
    public let id = "html"
    public let streams = false
    public let help = "one self-contained page"

    public func write(_ document: SummaryDocument, settings: ReportSettings, to output: ReportOutput) {
        output.write(SummaryHTML.render(document, banLists: HTMLBlockBox.lists(document.report.requests, settings: settings.bans)))
    }

    /// Scan's page covers what was read, first failure to last, with no previous run.
    public func write(_ report: ScanReport, settings: ReportSettings, to output: ReportOutput) {
        let aggregate = report.requests?.aggregate ?? report.aggregate
        let now = Int64(Date().timeIntervalSince1970)
        let document = SummaryDocument(report: report, windowStart: aggregate.firstSeen, windowEnd: aggregate.lastSeen ?? now,
                                       windowDescription: "everything read", previous: nil, top: settings.top, generatedAt: now)
        output.write(SummaryHTML.render(document, comparesRuns: false,
                                        banLists: HTMLBlockBox.lists(report.requests, settings: settings.bans)))
    }
}
