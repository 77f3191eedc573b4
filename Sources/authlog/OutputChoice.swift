import ArgumentParser
import AuthLogKit

/// `--output ID`: a registered writer (`ReportWriters`) that can write the command's
/// document. The accepted values, the default, the "Please provide one of" message, the
/// shell completion and the help sentence all come from the registry, so a new writer shows
/// up in every command that can use it without an edit here.
protocol OutputChoice: ExpressibleByArgument, Sendable {
    associatedtype Writer: Sendable
    static var catalog: WriterCatalog<Writer> { get }
    var id: String { get }
    var writer: Writer { get }
    init(id: String, writer: Writer)
}

extension OutputChoice {
    init?(argument: String) {
        guard let writer = Self.catalog.writer(id: argument) else { return nil }
        self.init(id: argument, writer: writer)
    }

    /// The first registered writer of the document (text).
    static var standard: Self { Self(id: catalog.defaultEntry.id, writer: catalog.defaultEntry.writer) }

    static var allValueStrings: [String] { catalog.ids }
    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
    var defaultValueDescription: String { id }

    /// "Output: text (for people), json (authlog.report/1) or ndjson (…)."
    static var help: ArgumentHelp { ArgumentHelp("Output: \(catalog.valuesText).") }
}

struct ScanOutput: OutputChoice {
    static var catalog: WriterCatalog<any ScanReportWriter> { ReportWriters.scan }
    let id: String
    let writer: any ScanReportWriter
}

struct SummaryOutput: OutputChoice {
    static var catalog: WriterCatalog<any SummaryWriter> { ReportWriters.summary }
    let id: String
    let writer: any SummaryWriter
}

struct FollowStreamOutput: OutputChoice {
    static var catalog: WriterCatalog<any FollowStreamWriter> { ReportWriters.follow }
    let id: String
    let writer: any FollowStreamWriter
}
