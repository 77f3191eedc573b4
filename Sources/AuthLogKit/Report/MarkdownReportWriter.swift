/// `--output markdown`: the summary for a chat or a ticket (`SummaryText`'s Markdown flavour).
public struct MarkdownReportWriter: SummaryWriter {
    public let id = "markdown"
    public let streams = false
    public let help = "for a chat or a ticket"

    public func write(_ document: SummaryDocument, settings: ReportSettings, to output: ReportOutput) {
        output.write(SummaryText.render(document, flavor: .markdown))
    }
}
