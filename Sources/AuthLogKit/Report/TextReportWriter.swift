/// `--output text`: for people. The scan's report (`TextReport`), the summary as plain text
/// (`SummaryText`, a terminal or a cron mail) and follow's line per event (`FollowLines`).
public struct TextReportWriter: ScanReportWriter, SummaryWriter, FollowStreamWriter {
    public let id = "text"
    public let streams = false
    public let help = "for people"

    public func help(for document: ReportDocument) -> String {
        document == .followStream ? "a line per event" : help
    }

    public func write(_ report: ScanReport, settings: ReportSettings, to output: ReportOutput) {
        output.write(TextReport.render(report, top: settings.top, style: settings.style))
    }

    public func write(_ document: SummaryDocument, settings: ReportSettings, to output: ReportOutput) {
        output.write(SummaryText.render(document, flavor: .text, style: settings.style))
    }

    public func event(_ event: AuthEvent) -> [UInt8] { FollowLines.event(event, format: .text) }

    public func alert(_ alert: Alert, style: TextStyle) -> [UInt8] {
        FollowLines.alert(alert, format: .text, style: style)
    }

    public func summary(_ aggregate: FailureAggregate, final: Bool, top: Int, style: TextStyle) -> [UInt8] {
        FollowLines.summary(aggregate, final: final, top: top, format: .text, style: style)
    }
}
