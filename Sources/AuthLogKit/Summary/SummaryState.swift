import Foundation

/// What a summary run remembers for the next one (`--state FILE`): where it stopped in each
/// log, and what it reported (for "change vs the previous run" and "new offenders").
public struct SummaryState: Codable, Sendable, Equatable {
    public static let schema = "authlog.state/1"
    /// A state that holds a journal cursor. Written only then, so a state of files alone is
    /// what it always was; an authlog that knows only /1 refuses a /2 state (and reads
    /// everything again) rather than dropping the cursor unseen.
    public static let journalSchema = "authlog.state/2"

    /// One log file as last read. A file is recognised by the fingerprint of its first
    /// bytes (decompressed), not by its name: `access.log` renamed to `access.log.1` and
    /// later compressed to `access.log.2.gz` is still the same log, and its unread tail is
    /// read once. The device and inode tell a truncated file (copytruncate) from a new one.
    public struct Checkpoint: Codable, Sendable, Equatable {
        public var path: String
        public var device: UInt64
        public var inode: UInt64
        /// Bytes consumed from the start of the (decompressed) content, ending after a newline.
        public var offset: Int
        /// FNV-1a hash of the first `fingerprintLength` bytes, in hex.
        public var fingerprint: String
        public var fingerprintLength: Int
        /// Time of the last event read from it, for information.
        public var lastTime: String?
        /// For a compressed archive read to its end: its size and modification time on disk.
        /// While both are unchanged it is not decompressed again on later runs.
        public var archiveSize: Int?
        public var archiveModified: Int64?

        public init(path: String, device: UInt64, inode: UInt64, offset: Int, fingerprint: String,
                    fingerprintLength: Int, lastTime: String?, archiveSize: Int? = nil, archiveModified: Int64? = nil) {
            self.path = path
            self.device = device
            self.inode = inode
            self.offset = offset
            self.fingerprint = fingerprint
            self.fingerprintLength = fingerprintLength
            self.lastTime = lastTime
            self.archiveSize = archiveSize
            self.archiveModified = archiveModified
        }
    }

    /// What the previous run reported.
    public struct Previous: Codable, Sendable, Equatable {
        public var generatedAt: String
        public var total: Int
        public var byCause: [String: Int]
        public var topClients: [String]
        /// What `total` and `byCause` count: `"requests"` (failed requests, as scan counts
        /// them) or `"events"` (log lines, with `--no-requests`). States written before
        /// summary counted requests have none: their figures are lines, and are not compared.
        public var counts: String?

        public init(generatedAt: String, total: Int, byCause: [String: Int], topClients: [String], counts: String? = nil) {
            self.generatedAt = generatedAt
            self.total = total
            self.byCause = byCause
            self.topClients = topClients
            self.counts = counts
        }
    }

    /// Where `--journal` stopped: the last entry read, as libsystemd names it.
    public struct JournalCheckpoint: Codable, Sendable, Equatable {
        /// `sd_journal_get_cursor` of the last entry read; the next run starts after it.
        public var cursor: String
        /// What was read (`journal -u nginx.service`), for information.
        public var source: String

        public init(cursor: String, source: String) {
            self.cursor = cursor
            self.source = source
        }

        /// After a run: the cursor of its last entry, else (nothing new, or the journal could
        /// not be read) the one before, so that nothing is skipped.
        public static func after(_ report: ScanReport, source: String, previous: JournalCheckpoint?) -> JournalCheckpoint? {
            guard let cursor = report.journalCursor else { return previous }
            return JournalCheckpoint(cursor: cursor, source: source)
        }
    }

    public var schema = SummaryState.schema
    public var generatedAt: String
    public var checkpoints: [Checkpoint]
    public var previous: Previous?
    public var journal: JournalCheckpoint?

    public init(generatedAt: String, checkpoints: [Checkpoint], previous: Previous?, journal: JournalCheckpoint? = nil) {
        self.generatedAt = generatedAt
        self.checkpoints = checkpoints
        self.previous = previous
        self.journal = journal
        self.schema = journal == nil ? Self.schema : Self.journalSchema
    }

    public enum LoadResult {
        case loaded(SummaryState)
        case missing
        case unusable(String)
    }

    /// Reads a state file; a missing or damaged one is reported, never fatal. The reason
    /// names the field at fault: the caller prefixes the file's name.
    public static func load(_ path: String) -> LoadResult {
        guard FileManager.default.fileExists(atPath: path) else { return .missing }
        guard let data = FileManager.default.contents(atPath: path) else { return .unusable("cannot read it") }
        let state: SummaryState
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            state = try decoder.decode(SummaryState.self, from: data)
        } catch {
            return .unusable("not a valid state file: \(StateFileProblem.describe(error, data: data))")
        }
        guard state.schema == schema || state.schema == journalSchema else {
            return .unusable("schema '\(state.schema)', expected '\(schema)' or '\(journalSchema)'")
        }
        if let problem = StateFileProblem.outOfRange(state) {
            return .unusable("not a valid state file: \(problem)")
        }
        return .loaded(state)
    }

    public func save(to path: String) throws(InputError) {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { throw InputError(message: "cannot encode the state") }
        try AtomicFile.write([UInt8](data) + [0x0A], to: path)
    }
}
