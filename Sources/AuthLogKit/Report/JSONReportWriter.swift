/// `--output json`: the `authlog.report/1` document (`JSONReport`); the summary's adds its
/// window and comparison (`SummaryJSON`).
public struct JSONReportWriter: ScanReportWriter, SummaryWriter {
    public let id = "json"
    public let streams = false
    public let help = JSONReport.schema

    public func write(_ report: ScanReport, settings: ReportSettings, to output: ReportOutput) {
        output.write(JSONReport.render(report, top: settings.top, generator: settings.generator))
    }

    public func write(_ document: SummaryDocument, settings: ReportSettings, to output: ReportOutput) {
        output.write(SummaryJSON.render(document, generator: settings.generator))
    }
}
