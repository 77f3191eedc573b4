import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a follow session sends what it finds. Called on the session's thread, in order.
public protocol FollowOutput: AnyObject {
    func event(_ event: AuthEvent)
    func alert(_ alert: Alert)
    func summary(_ aggregate: FailureAggregate, final: Bool)
    /// The files followed once the first look is done (the session is then watching them).
    func started(following files: [String])
    /// A line an `--exec` command wrote, prefixed with the command's name.
    func execOutput(_ line: String)
}

/// Live tailing like `tail -F`, for files and directories (with their subdirectories, as
/// `scan` reads them), through the scan's patterns.
///
/// Every wake-up (an inotify event on a watched directory, a poll tick, a signal) rescans the
/// names: a name now leading to another file means rotation (the old file is read to its end
/// for a grace period, the new one from its start); a file shorter than what was read, or
/// whose first bytes changed, was truncated (copytruncate) or rewritten and is read again from
/// its start; new content (a new file, or a file rewritten in place) whose first bytes are
/// those of a followed file is a copy of it and is read from where that file was. So no line
/// is lost or reported twice.
public final class FollowSession {
    let patterns: CompiledPatterns
    let scanOptions: ScanOptions
    let options: FollowOptions
    weak var output: FollowOutput?
    weak var diagnostics: ScanDiagnostics?
    var tails: [FileIdentity: Tail] = [:]
    var explicitFiles: [String] = []
    var directories: [String] = []
    /// Where the pipeline delivers the failures read (aggregate, printer, alerts).
    var sinks: FollowSinks
    var aggregate: FailureAggregate { sinks.aggregate }
    let executor: AlertExecutor?
    /// Reads followed files' new bytes through the scan's line pipeline.
    let pipeline: LinePipeline
    /// Lines skipped per file name while followed, for the end.
    var skipTotals: [(path: String, counts: [SkipReason: Int], firstLines: [SkipReason: Int])] = []
    var watcher: ChangeWatcher?
    var readBuffer = [UInt8](repeating: 0, count: 256 << 10)
    /// When names were last all looked at (a full tick); writes alone only read their file.
    var lastFullTick = 0.0

    public init(patterns: CompiledPatterns, scanOptions: ScanOptions, options: FollowOptions,
                output: FollowOutput, diagnostics: ScanDiagnostics?) {
        self.patterns = patterns
        self.scanOptions = scanOptions
        self.options = options
        self.output = output
        self.diagnostics = diagnostics
        let executor = options.exec.map { command in
            AlertExecutor(command: command, timeout: options.execTimeout,
                          report: { [weak diagnostics] message in diagnostics?.warning(message) },
                          forward: { [weak output] line in output?.execOutput(line) })
        }
        self.executor = executor
        self.sinks = FollowSinks(aggregate: FailureAggregate(maxKeys: scanOptions.maxKeys),
                                 printer: PrinterSink(output: output),
                                 alerts: AlertSink(alerts: SlidingAlerts(rules: options.alerts, ipv6Prefix: options.ipv6Prefix), output: output,
                                                   executor: executor))
        self.pipeline = LinePipeline(patterns: patterns, options: scanOptions)
    }

    /// Follows `paths` until SIGINT or SIGTERM; prints the final summary and returns.
    /// SIGUSR1 prints the overview; so does SIGHUP (logrotate's postrotate sends it), which
    /// also makes every name be looked at again.
    public func run(paths: [String]) {
        if paths == [PipeTail.path] { return runOnStandardInput() }
        for path in paths {
            var info = stat()
            if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                directories.append(path)
            } else {
                explicitFiles.append(path)
                if stat(path, &info) != 0 {
                    diagnostics?.warning("\(path): does not exist yet; it will be followed when it appears")
                }
            }
        }
        let signals = SignalPipe.install([SIGINT, SIGTERM, SIGUSR1, SIGHUP])
        // inotify even with --poll: it sees this machine's renames and truncations at once,
        // so two rotations within one poll interval lose nothing; the poll is for what it
        // cannot see (other machines writing to a network file system).
        watcher = ChangeWatcher(directories: directories + explicitFiles.map(Self.directory(of:)))
        if watcher == nil, options.pollInterval == nil { diagnostics?.warning("inotify is not available; polling every second") }
        tick(startup: true)
        warnAboutEmptyDirectories()
        output?.started(following: tails.values.map(\.path).sorted(by: LogFileNaming.readingOrder))
        var nextSummary = options.summaryEvery.map { Date().timeIntervalSince1970 + $0 }
        while true {
            var timeout = options.pollInterval.map { max(0, lastFullTick + $0 - Date().timeIntervalSince1970) }
                ?? (watcher == nil ? 1.0 : 2.0)
            if executor?.isBusy == true { timeout = min(timeout, 0.05) }
            if let next = nextSummary { timeout = max(0, min(timeout, next - Date().timeIntervalSince1970)) }
            var descriptors = [pollfd(fd: signals, events: Int16(POLLIN), revents: 0)]
            if let watcher { descriptors.append(pollfd(fd: watcher.descriptor, events: Int16(POLLIN), revents: 0)) }
            for descriptor in executor?.outputDescriptors ?? [] {
                descriptors.append(pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0))
            }
            _ = poll(&descriptors, nfds_t(descriptors.count), Int32(timeout * 1000))
            for signal in SignalPipe.drain(signals) {
                switch signal {
                case SIGUSR1:
                    output?.summary(aggregate, final: false)
                case SIGHUP:
                    tick(startup: false)
                    output?.summary(aggregate, final: false)
                default:
                    // Nothing waiting is started now, and nothing started outlives us.
                    executor?.shutDown()
                    tick(startup: false)
                    reportSkipTotals()
                    output?.summary(aggregate, final: true)
                    return
                }
            }
            if let watcher {
                // Let a burst of writes settle so that one wake-up reads them all.
                usleep(1000)
                let changes = watcher.drain()
                watcher.watchMissing()
                let now = Date().timeIntervalSince1970
                if changes.structural || now - lastFullTick >= (options.pollInterval ?? 1) || !readWritten(changes.written) {
                    tick(startup: false)
                }
            } else {
                tick(startup: false)
            }
            executor?.poll()
            summarizeIfDue(&nextSummary)
        }
    }

    /// The --summary-every overview, when it is due. Late (a long read, a suspended process):
    /// the next one is an interval from now, not a burst of the ones missed.
    func summarizeIfDue(_ nextSummary: inout Double?) {
        guard let next = nextSummary, Date().timeIntervalSince1970 >= next else { return }
        output?.summary(aggregate, final: false)
        let every = options.summaryEvery ?? 60
        let now = Date().timeIntervalSince1970
        nextSummary = next + every > now ? next + every : now + every
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
