/// Every output format, listed once. The order is the order `--help` lists them in, and the
/// first writer that can write a command's document is that command's default (text).
public enum ReportWriters {
    public static let all: [any ReportWriter] = [
        TextReportWriter(),
        MarkdownReportWriter(),
        HTMLReportWriter(),
        JSONReportWriter(),
        NDJSONReportWriter(),
        BansReportWriter(),
    ]

    public static let scan = WriterCatalog<any ScanReportWriter>(.scanReport)
    public static let summary = WriterCatalog<any SummaryWriter>(.summary)
    public static let follow = WriterCatalog<any FollowStreamWriter>(.followStream)
}

/// The registered writers of one document (`Writer` is the document's writer protocol, e.g.
/// `any ScanReportWriter`): what a command's `--output` accepts, its default and its help.
public struct WriterCatalog<Writer: Sendable>: Sendable {
    public struct Entry: Sendable {
        public let id: String
        /// What the format is, for this document ("for people").
        public let help: String
        public let writer: Writer
    }

    public let document: ReportDocument
    public let entries: [Entry]

    init(_ document: ReportDocument, from writers: [any ReportWriter] = ReportWriters.all) {
        self.document = document
        self.entries = writers.compactMap { writer in
            (writer as? Writer).map { Entry(id: writer.id, help: writer.help(for: document), writer: $0) }
        }
        precondition(!entries.isEmpty, "no registered writer writes the \(document.rawValue) document")
        precondition(Set(entries.map(\.id)).count == entries.count, "two writers share an id")
    }

    public var ids: [String] { entries.map(\.id) }

    public func writer(id: String) -> Writer? { entries.first { $0.id == id }?.writer }

    /// The default `--output`: the first registered.
    public var defaultEntry: Entry { entries[0] }

    /// "text (for people), json (authlog.report/1) or ndjson (…)": the values with what they
    /// are, for an option's help.
    public var valuesText: String {
        let values = entries.map { $0.help.isEmpty ? $0.id : "\($0.id) (\($0.help))" }
        guard let last = values.last, values.count > 1 else { return values.joined() }
        return values.dropLast().joined(separator: ", ") + " or " + last
    }
}
