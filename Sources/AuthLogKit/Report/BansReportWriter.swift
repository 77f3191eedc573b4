/// `--output bans`: the ban list of the report's attack findings, in `--ban-format`.
public struct BansReportWriter: ScanReportWriter, SummaryWriter {
    public let id = "bans"
    public let streams = false
    public let help = "the attack findings' addresses to block, see --ban-format"

    public func write(_ report: ScanReport, settings: ReportSettings, to output: ReportOutput) {
        output.write(settings.bans.list(report.requests).render(settings.bans.format))
    }

    public func write(_ document: SummaryDocument, settings: ReportSettings, to output: ReportOutput) {
        write(document.report, settings: settings, to: output)
    }
}
