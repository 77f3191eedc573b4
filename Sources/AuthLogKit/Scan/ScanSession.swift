import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Diagnostics go to stderr in the CLI; the library only hands over the text. Each message
/// is one line naming the input (and line) it is about; the caller escapes it for display.
public protocol ScanDiagnostics: AnyObject {
    func warning(_ message: String)
    func error(_ message: String)
}

/// Scans inputs from end to end: detect each file's format, stream its lines through the
/// classifier, aggregate the events. authlog only ever opens its inputs read-only.
///
/// The work has four stages, each in a file of its own: planning (`ScanPlanner`), splitting
/// (`ScanTask`), streaming (`TaskRunner`) and merging (`ScanMerger`).
///
/// Work is split into tasks, scanned by `options.threads` workers: every large regular file
/// is cut into chunks (see `ChunkReader`), archives and pipes are one task each. Results are
/// merged in task order and every aggregate is order-independent, so the report is the same
/// byte for byte whatever the number of threads and the chunk size.
// SAFETY (@unchecked Sendable): worker threads only read `patterns` and `options`, which
// are immutable; `diagnostics` is used on the calling thread only (planning and merging).
public final class ScanSession: @unchecked Sendable {
    private let patterns: CompiledPatterns
    private let options: ScanOptions
    private weak var diagnostics: ScanDiagnostics?
    /// Formats whose lines explain requests of other formats (error logs, debug.log).
    private let detailFormats: Set<String>
    /// Set for the length of a scan that keeps request lines (see `RequestCollector`).
    private var collector: RequestCollector?
    /// A collector handed in from outside (the second read of `RequestAnalysis`): it keeps
    /// lines, but the scan does no analysis of its own.
    private let injectedCollector: RequestCollector?

    public convenience init(patterns: CompiledPatterns, options: ScanOptions, diagnostics: ScanDiagnostics?) {
        self.init(patterns: patterns, options: options, diagnostics: diagnostics, collector: nil)
    }

    init(patterns: CompiledPatterns, options: ScanOptions, diagnostics: ScanDiagnostics?, collector: RequestCollector?) {
        self.patterns = patterns
        self.options = options
        self.diagnostics = diagnostics
        self.injectedCollector = collector
        self.detailFormats = patterns.patterns.detailFormatNames
    }

    /// Scans `arguments` (files, directories, `-`). `onEvent` sees every event in input
    /// order (for NDJSON output); the report holds the aggregate.
    public func run(arguments: [String], onEvent: ((AuthEvent) -> Void)? = nil) -> ScanReport {
        run(arguments: arguments.map(LogPath.init), onEvent: onEvent)
    }

    /// The same for paths as bytes (the command line's, which need not be UTF-8).
    public func run(arguments: [LogPath], onEvent: ((AuthEvent) -> Void)? = nil) -> ScanReport {
        let discovery = InputDiscovery.discover(arguments, filter: options.pathFilter)
        var report = ScanReport()
        report.aggregate = FailureAggregate(maxKeys: options.maxKeys)
        for unscanned in discovery.unscanned where unscanned.isError {
            diagnostics?.error("\(unscanned.path): \(unscanned.reason)")
        }
        report.unscanned = discovery.unscanned
        scan(discovery.inputs, into: &report, onEvent: onEvent)
        reportSkippedFiles(report.unscanned)
        return report
    }

    /// Scans one input into `report` (tests and the sample verifier use this). `onAttempt`
    /// sees the requests kept by `cause = none` rules; it is called from a worker thread.
    public func scan(_ input: LogInput, into report: inout ScanReport, onEvent: ((AuthEvent) -> Void)? = nil,
                     onAttempt: ((RequestAttempt) -> Void)? = nil) {
        attemptObserver = onAttempt
        defer { attemptObserver = nil }
        scan([input], into: &report, onEvent: onEvent)
    }

    private var attemptObserver: ((RequestAttempt) -> Void)?

    /// Scans inputs prepared by the caller (e.g. byte ranges chosen from a saved state).
    public func run(inputs: [LogInput], unscanned: [UnscannedInput] = [], onEvent: ((AuthEvent) -> Void)? = nil) -> ScanReport {
        var report = ScanReport()
        report.aggregate = FailureAggregate(maxKeys: options.maxKeys)
        report.unscanned = unscanned
        for failure in unscanned where failure.isError { diagnostics?.error("\(failure.path): \(failure.reason)") }
        scan(inputs, into: &report, onEvent: onEvent)
        reportSkippedFiles(report.unscanned)
        return report
    }

    /// Files found in directories and passed over (archives of other compressors, files in
    /// no known format) are not errors, but not silent either: one warning per reason.
    private func reportSkippedFiles(_ unscanned: [UnscannedInput]) {
        var byReason: [(reason: String, paths: [String])] = []
        for input in unscanned where !input.isError {
            if let index = byReason.firstIndex(where: { $0.reason == input.reason }) {
                byReason[index].paths.append(input.path)
            } else {
                byReason.append((input.reason, [input.path]))
            }
        }
        for (reason, paths) in byReason {
            let examples = paths.prefix(3).joined(separator: ", ") + (paths.count > 3 ? ", …" : "")
            diagnostics?.warning("skipped \(paths.count) file(s) found in the directories given (\(reason)): \(examples)")
        }
    }

    private func scan(_ inputs: [LogInput], into report: inout ScanReport, onEvent: ((AuthEvent) -> Void)?) {
        let clock = PhaseClock()
        // The second read (an injected collector) reads regular files only: a stream is gone.
        let planner = ScanPlanner(patterns: patterns, options: options, regularFilesOnly: injectedCollector != nil)
        var planned: [PlannedInput?] = []
        var failures: [Int: UnscannedInput] = [:]
        for (index, input) in inputs.enumerated() {
            switch planner.plan(input) {
            case .success(let plan): planned.append(plan)
            case .failure(let failure):
                planned.append(nil)
                failures[index] = failure
            }
        }

        let (tasks, plannedBytes) = ScanTask.split(planned, chunkSize: options.chunkSize, fileSize: planner.fileSize)
        options.progress?.plan(bytes: plannedBytes, files: planned.compactMap { $0 }.count)
        collector = injectedCollector ?? options.requestAnalysis.map { RequestCollector(limit: $0.maxRequests) }

        let outcomes = OutcomeStore(count: tasks.count, maxKeys: options.maxKeys)
        let runner = TaskRunner(
            planner: planner, options: options, collector: collector, detailFormats: detailFormats,
            attemptObserver: attemptObserver,
            classifiers: ClassifierCache(workers: max(1, options.threads), patterns: patterns, options: options),
            stream: onEvent.map { write in OrderedEventStream(inputOfTask: tasks.map(\.input), write: write) },
            store: outcomes)
        let plannedInputs = planned
        let progress = options.progress
        WorkerPool.run(tasks: tasks.count, workers: max(1, options.threads), window: 4 * max(1, options.threads)) { task, worker in
            let outcome = runner.execute(tasks[task], taskIndex: task, planned: plannedInputs, worker: worker)
            if case .chunk(let input, let range) = tasks[task] {
                progress?.advance(bytes: range.count)
                if range.upperBound >= (plannedInputs[input]?.plannedEnd ?? 0) { progress?.finishFile() }
            } else {
                progress?.finishFile()
            }
            outcomes.set(task, outcome)  // merges its aggregate at once: memory stays bounded
            runner.stream?.finish(task: task, lines: outcome.stats?.lines ?? 0)
        }

        // Move the total out rather than merging a copy: with a million keys a copy is
        // hundreds of megabytes.
        let total = outcomes.takeAggregate()
        if report.aggregate.total == 0, report.aggregate.byFormat.isEmpty {
            report.aggregate = total
        } else {
            report.aggregate.merge(total)
        }
        let finished = outcomes.all
        ScanMerger(diagnostics: diagnostics)
            .merge(inputs: inputs, tasks: tasks, outcomes: finished, failures: failures, into: &report)

        collector?.scanEnded(lineOffsets: ScanTask.lineOffsets(tasks, outcomes: finished))
        if injectedCollector == nil, let collector, let analysis = options.requestAnalysis {
            report.requests = RequestAnalysis(patterns: patterns, options: options, settings: analysis,
                                              diagnostics: diagnostics)
                .run(collector.take(), events: report.aggregate, files: report.files,
                     inputs: planned.compactMap { $0?.isRegularFile == true ? $0?.input : nil }, clock: clock)
        }
        collector = nil
    }
}
