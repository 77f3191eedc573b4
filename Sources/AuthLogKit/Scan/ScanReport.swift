/// The result of a scan: what was read, what was found, what could not be read.
public struct ScanReport: Sendable {
    public var files: [FileStats] = []
    public var aggregate = FailureAggregate()
    public var unscanned: [UnscannedInput] = []
    /// Failed requests (access and error/debug lines joined) and findings, unless disabled.
    public var requests: RequestReport?
    /// The cursor of the last journal entry read (`--journal`), for a summary's state; nil
    /// when no entry was read.
    public var journalCursor: String?

    public init() {}

    /// True when an input the user asked for could not be read or understood: the run
    /// then exits with status 1 although the rest was scanned.
    public var hadInputErrors: Bool { unscanned.contains { $0.isError } }
}
