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
/// (`ScanTask`), running the tasks through the line pipeline into the scan's sinks
/// (`TaskRunner`, `LinePipeline`, `ScanSinks`) and merging (`ScanMerger`).
///
/// Work is split into tasks, scanned by `options.threads` workers: every large regular file
/// is cut into chunks (see `ChunkReader`), archives and pipes are one task each. Results are
/// merged in task order and every aggregate is order-independent, so the report is the same
/// byte for byte whatever the number of threads and the chunk size.
// SAFETY (@unchecked Sendable): every stored property is immutable after `init` (`diagnostics`
// is a weak reference set once). Workers never see the session: they get the plan, the
// pipeline and their sinks, and `diagnostics` is used on the calling thread only (planning
// and merging).
public final class ScanSession: @unchecked Sendable {
    private let patterns: CompiledPatterns
    private let options: ScanOptions
    private weak var diagnostics: ScanDiagnostics?
    /// Formats whose lines explain requests of other formats (error logs, debug.log).
    private let detailFormats: Set<String>

    public init(patterns: CompiledPatterns, options: ScanOptions, diagnostics: ScanDiagnostics?) {
        self.patterns = patterns
        self.options = options
        self.diagnostics = diagnostics
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
        scan([input], into: &report, onEvent: onEvent, onAttempt: onAttempt)
    }

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

    private func scan(_ inputs: [LogInput], into report: inout ScanReport, onEvent: ((AuthEvent) -> Void)?,
                      onAttempt: ((RequestAttempt) -> Void)? = nil) {
        let clock = PhaseClock()
        let plan = ScanPlan(inputs, planner: ScanPlanner(patterns: patterns, options: options))
        let tasks = plan.tasks
        options.progress?.plan(bytes: plan.plannedBytes, files: plan.planned.compactMap { $0 }.count)
        let collector = options.requestAnalysis.map { RequestCollector(limit: $0.maxRequests) }
        let served = options.requestAnalysis != nil && ServedLineReading.scanCanCount(patterns) ? ServedPathCounts() : nil
        let options = self.options

        let outcomes = OutcomeStore(count: tasks.count, maxKeys: options.maxKeys)
        let positions = LinePositions(tasks: tasks)
        let stream = onEvent.map { OrderedEventStream(positions: positions, taskCount: tasks.count, write: $0) }
        let observer = onAttempt.map(AttemptObserver.init)
        let inputNames = plan.planned.map { $0?.input.path ?? "" }
        let detailFormats = self.detailFormats
        let maxKeys = options.maxKeys
        TaskRunner(patterns: patterns, options: options).run(plan, makeSink: { task in
            let input = tasks[task].input
            return ScanSinks(
                aggregate: AggregateSink(store: outcomes, maxKeys: maxKeys),
                requests: collector.map { RequestSink(collector: $0, input: input, task: task, inputName: inputNames[input],
                                                      detailFormats: detailFormats) },
                events: stream.map { OrderedStreamSink(stream: $0, task: task) },
                observer: observer,
                served: served.map { ServedPathSink(counts: $0, inputName: inputNames[input], options: options) })
        }, taskEnded: { task, outcome, sinks in
            var outcome = outcome
            outcome.aggregate = sinks.aggregate.partial
            outcomes.set(task, outcome)  // merges its aggregate at once: memory stays bounded
            positions.finish(task: task, lines: outcome.stats?.lines ?? 0)
            stream?.finish(task: task)
        })

        // Move the total out rather than merging a copy: with a million keys a copy is
        // hundreds of megabytes.
        let total = outcomes.takeAggregate()
        if report.aggregate.total == 0, report.aggregate.byFormat.isEmpty {
            report.aggregate = total
        } else {
            report.aggregate.merge(total)
        }
        ScanMerger(diagnostics: diagnostics)
            .merge(inputs: inputs, tasks: tasks, outcomes: outcomes.all, failures: plan.failures, into: &report)

        if let collector, let analysis = options.requestAnalysis {
            report.requests = RequestAnalysis(patterns: patterns, options: options, settings: analysis,
                                              diagnostics: diagnostics)
                .run(collector.take(positions: positions), served: served, events: report.aggregate, files: report.files,
                     inputs: plan.planned.compactMap { $0?.isRegularFile == true ? $0?.input : nil }, clock: clock)
        }
    }
}
