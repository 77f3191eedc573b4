/// `--output html`: the summary as one self-contained page (`SummaryHTML`).
public struct HTMLReportWriter: SummaryWriter {
    public let id = "html"
    public let streams = false
    public let help = "one self-contained page"

    public func write(_ document: SummaryDocument, settings: ReportSettings, to output: ReportOutput) {
        output.write(SummaryHTML.render(document))
    }
}
