import Foundation
import PCRE2

/// How a scan reads its inputs.
public struct ScanOptions: Sendable {
    /// Read every input as this format instead of detecting it.
    public var formatOverride: String?
    /// Files the server's configuration names with a format of its own (`access_log PATH
    /// main;`) and its error logs (`error_log`, `ErrorLog`, with an `ErrorLogFormat`'s
    /// format or the built-in error format), by path: read with that format instead of
    /// detecting one.
    public var formatsByPath: [String: String] = [:]
    /// The zone of timestamps that carry none (nginx and Apache error logs, syslog).
    public var timeZone: TimeZone = .current
    /// "Now", for syslog timestamps that have no year.
    public var now: Date = Date()
    public var matchLimits: MatchLimits = .default
    /// Longest line analysed, in bytes; longer lines are skipped and counted.
    public var maxLineLength: Int = 1 << 20
    /// Bytes per read(2) for streams (standard input, archives).
    public var readBufferSize: Int = 256 << 10
    /// Worker threads; files and chunks of large files are scanned in parallel.
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Large regular files are cut into chunks of this many bytes, scanned in parallel.
    public var chunkSize: Int = 16 << 20
    /// Bytes of a chunk read at once (`WorkerBuffer`): what a worker holds. Tests read through
    /// tiny windows to put window boundaries everywhere.
    var chunkWindowSize = WorkerBuffer.defaultWindowSize
    /// Which files directories contribute (`--include`, `--exclude`).
    public var pathFilter = PathFilter()
    /// Distinct keys counted exactly per dimension (IPs, paths, users); beyond, the top lists
    /// are estimated with bounded memory (Space-Saving).
    /// `--trusted-proxy`: whose forwarded-for header names the client. The ban lists read it
    /// too (a trusted proxy is never banned).
    public var trustedProxies = TrustedProxies([])
    public var maxKeys: Int = FailureAggregate.defaultMaxKeys
    /// Only events in [since, until) (UTC seconds) count; events with no readable time are
    /// then left out too, and counted per file as outside the window.
    public var since: Int64? = nil
    public var until: Int64? = nil
    /// Join access and error/debug lines into failed requests and look for findings
    /// (nil: events only, as `follow` needs).
    public var requestAnalysis: RequestAnalysisOptions? = RequestAnalysisOptions()
    /// Reports progress as bytes are scanned (for a progress line on a terminal).
    public var progress: ScanProgress? = nil

    public init() {}
}
