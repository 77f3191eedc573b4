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
        self.detailFormats = Set(patterns.patterns.formats.filter { !$0.pairsWith.isEmpty }.map(\.name))
    }

    /// Scans `arguments` (files, directories, `-`). `onEvent` sees every event in input
    /// order (for NDJSON output); the report holds the aggregate.
    public func run(arguments: [String], onEvent: ((AuthEvent) -> Void)? = nil) -> ScanReport {
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

    // MARK: - Planning

    private enum Source {
        /// A regular file read in chunks; `size` when planned.
        case regular(size: Int, format: CompiledFormat, forced: Bool)
        /// Standard input, a pipe or an archive, read start to end by one worker.
        case stream(gzip: Bool)
    }

    private struct Planned {
        var input: LogInput
        var source: Source
    }

    private enum Task {
        case chunk(input: Int, range: Range<Int>)
        case stream(input: Int)

        var input: Int {
            switch self {
            case .chunk(let input, _), .stream(let input): input
            }
        }
    }

    private func scan(_ inputs: [LogInput], into report: inout ScanReport, onEvent: ((AuthEvent) -> Void)?) {
        let clock = PhaseClock()
        var planned: [Planned?] = []
        var failures: [Int: UnscannedInput] = [:]
        for (index, input) in inputs.enumerated() {
            switch plan(input) {
            case .success(let plan): planned.append(plan)
            case .failure(let failure):
                planned.append(nil)
                failures[index] = failure
            }
        }

        var tasks: [Task] = []
        var plannedBytes = 0
        for (index, plan) in planned.enumerated() {
            guard let plan else { continue }
            switch plan.source {
            case .regular(let size, _, _):
                let range = plan.input.byteRange.map { $0.clamped(to: 0..<size) } ?? 0..<size
                plannedBytes += range.count
                let chunk = max(options.chunkSize, 4096)
                var start = range.lowerBound
                repeat {
                    tasks.append(.chunk(input: index, range: start..<min(range.upperBound, start + chunk)))
                    start += chunk
                } while start < range.upperBound
            case .stream:
                if !plan.input.isStandardInput { plannedBytes += fileSize(plan.input.path) }
                tasks.append(.stream(input: index))
            }
        }
        options.progress?.plan(bytes: plannedBytes, files: planned.compactMap { $0 }.count)
        collector = injectedCollector ?? options.requestAnalysis.map { RequestCollector(limit: $0.maxRequests) }

        let outcomes = OutcomeStore(count: tasks.count, maxKeys: options.maxKeys)
        let classifiers = ClassifierCache(workers: max(1, options.threads), patterns: patterns, options: options)
        let stream = onEvent.map { write in OrderedEventStream(inputOfTask: tasks.map(\.input), write: write) }
        let plannedInputs = planned
        let taskList = tasks
        let progress = options.progress
        WorkerPool.run(tasks: tasks.count, workers: max(1, options.threads), window: 4 * max(1, options.threads)) { task, worker in
            let outcome = self.execute(taskList[task], taskIndex: task, planned: plannedInputs, worker: worker,
                                       classifiers: classifiers, stream: stream, store: outcomes)
            if case .chunk(let input, let range) = taskList[task] {
                progress?.advance(bytes: range.count)
                if range.upperBound >= self.plannedEnd(plannedInputs[input]) { progress?.finishFile() }
            } else {
                progress?.finishFile()
            }
            outcomes.set(task, outcome)  // merges its aggregate at once: memory stays bounded
            stream?.finish(task: task, lines: outcome.stats?.lines ?? 0)
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
        merge(inputs: inputs, tasks: tasks, outcomes: finished, failures: failures, into: &report)

        // A chunk counts its lines from its own start: add the lines of the chunks before it.
        var lineOffsets = [Int](repeating: 0, count: tasks.count)
        var linesSoFar: [Int: Int] = [:]
        for (index, task) in tasks.enumerated() {
            lineOffsets[index] = linesSoFar[task.input] ?? 0
            linesSoFar[task.input, default: 0] += finished[index]?.stats?.lines ?? 0
        }
        collector?.scanEnded(lineOffsets: lineOffsets)
        if injectedCollector == nil, let collector, let analysis = options.requestAnalysis {
            report.requests = RequestAnalysis(patterns: patterns, options: options, settings: analysis,
                                              diagnostics: diagnostics)
                .run(collector.take(), events: report.aggregate, files: report.files, inputs: inputs,
                     clock: clock)
        }
        collector = nil
    }

    private func plannedEnd(_ plan: Planned?) -> Int {
        guard case .regular(let size, _, _) = plan?.source else { return 0 }
        return plan?.input.byteRange.map { min($0.upperBound, size) } ?? size
    }

    /// Opens a file to decide how to read it; regular files get their format detected here.
    private func plan(_ input: LogInput) -> Result<Planned, UnscannedInput> {
        if input.isStandardInput { return .success(Planned(input: input, source: .stream(gzip: false))) }
        let descriptor = open(input.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            return .failure(UnscannedInput(path: input.path, reason: String(cString: strerror(errno)), isError: true))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            return .failure(UnscannedInput(path: input.path, reason: String(cString: strerror(errno)), isError: true))
        }
        let isRegular = (info.st_mode & S_IFMT) == S_IFREG
        var sample = [UInt8](repeating: 0, count: 64 << 10)
        var sampled = 0
        if isRegular {
            sampled = sample.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
            if sampled < 0 {
                return .failure(UnscannedInput(path: input.path, reason: String(cString: strerror(errno)), isError: true))
            }
        }
        let gzip = sampled >= 2 && sample[0] == 0x1F && sample[1] == 0x8B
        guard isRegular, !gzip else { return .success(Planned(input: input, source: .stream(gzip: gzip))) }
        switch chooseFormat(sample: sample, count: sampled, input: input) {
        case .success(let chosen):
            guard let format = chosen.format else {
                return .success(Planned(input: input, source: .stream(gzip: false)))  // empty: nothing to split
            }
            return .success(Planned(input: input, source: .regular(size: Int(info.st_size), format: format,
                                                                   forced: chosen.forced)))
        case .failure(let failure):
            return .failure(failure)
        }
    }

    /// The forced format, or the detected one; nil format for an empty input.
    private func chooseFormat(sample: [UInt8], count: Int, input: LogInput)
        -> Result<(format: CompiledFormat?, forced: Bool), UnscannedInput> {
        if let name = options.formatOverride {
            guard let format = patterns.format(named: name) else {
                return .failure(UnscannedInput(path: input.path, reason: "unknown format '\(name)'", isError: true))
            }
            return .success((format, true))
        }
        if count == 0 { return .success((nil, false)) }
        let detected = sample.withUnsafeBytes { raw in
            FormatDetector(formats: patterns.formats).detect(sample: UnsafeRawBufferPointer(rebasing: raw[..<count]), path: input.path)
        }
        guard let detected else {
            let reason = input.isExplicit
                ? "not a log format authlog knows (formats: \(patterns.formatNames.joined(separator: ", ")); choose one with --log-format)"
                : "not in a known log format"
            return .failure(UnscannedInput(path: input.path, reason: reason, isError: input.isExplicit))
        }
        return .success((detected, false))
    }

    // MARK: - Tasks

    /// Keys a task's own aggregate may hold before it is merged into the total and started
    /// afresh: under a flood of distinct keys, memory then holds the total plus this much per
    /// worker, whatever the chunk size.
    static let partialKeyLimit = 32_768

    private func execute(_ task: Task, taskIndex: Int, planned: [Planned?], worker: Int,
                         classifiers: ClassifierCache, stream: OrderedEventStream?, store: OutcomeStore) -> TaskOutcome {
        let plan = planned[task.input]!
        var outcome = TaskOutcome()
        let maxKeys = options.maxKeys
        var aggregate = FailureAggregate(maxKeys: maxKeys)
        var pending: [AuthEvent] = []
        let collector = self.collector
        let detailFormats = self.detailFormats
        let inputName = plan.input.path
        var batch = RequestCollector.Batch(input: task.input, task: taskIndex)
        let flushBatch = {
            collector?.add(batch, inputName: inputName, detailFormats: detailFormats)
            batch.events.removeAll(keepingCapacity: true)
            batch.attempts.removeAll(keepingCapacity: true)
        }
        let observer = attemptObserver
        let keepAttempt: ((RequestAttempt) -> Void)? = collector == nil && observer == nil ? nil : { attempt in
            observer?(attempt)
            guard collector != nil else { return }
            batch.attempts.append(attempt)
            if batch.count >= 4096 { flushBatch() }
        }
        let emit: (AuthEvent) -> Void = { event in
            aggregate.add(event)
            if collector != nil {
                batch.events.append(event)
                if batch.count >= 4096 { flushBatch() }
            }
            if let stream {
                pending.append(event)
                if pending.count >= 4096 {
                    stream.emit(pending, task: taskIndex)
                    pending.removeAll(keepingCapacity: true)
                }
            }
            if aggregate.byIP.count + aggregate.byPath.count + aggregate.byUser.count > Self.partialKeyLimit {
                store.absorb(aggregate)
                aggregate = FailureAggregate(maxKeys: maxKeys)
            }
        }
        switch (task, plan.source) {
        case (.chunk(_, let range), .regular(let size, let format, let forced)):
            let scanner = FileScanner(classifier: classifiers.classifier(for: format, worker: worker), path: plan.input.path,
                                      formatForced: forced, maxLineLength: options.maxLineLength,
                                      since: options.since, until: options.until, onEvent: emit, onAttempt: keepAttempt)
            scanner.readsFileStart = range.lowerBound == 0
            let descriptor = open(plan.input.path, O_RDONLY | O_CLOEXEC)
            if descriptor < 0 {
                outcome.readError = String(cString: strerror(errno))
            } else {
                defer { close(descriptor) }
                do {
                    let end = plan.input.byteRange.map { min($0.upperBound, size) } ?? size
                    try ChunkReader.withChunk(descriptor: descriptor, range: range, fileSize: end,
                                              maxLineLength: options.maxLineLength,
                                              buffer: classifiers.buffer(worker: worker)) { chunk in
                        guard case .lines(let block, let overlongTail) = chunk else { return }
                        scanner.scan(block)
                        if overlongTail { scanner.skipOverlongLine() }
                    }
                } catch {
                    outcome.readError = error.message
                }
            }
            outcome.stats = scanner.stats
            outcome.stats?.bytes = range.count  // chunks partition the file, overlong lines included
        case (.stream, .stream(let gzip)):
            scanStream(plan.input, gzip: gzip, worker: worker, classifiers: classifiers, emit: emit, keepAttempt: keepAttempt,
                       into: &outcome)
        default:
            preconditionFailure("task and plan disagree")
        }
        stream?.emit(pending, task: taskIndex)
        flushBatch()
        outcome.aggregate = aggregate
        return outcome
    }

    /// Standard input, pipes and archives: read from start to end through a line buffer.
    private func scanStream(_ input: LogInput, gzip: Bool, worker: Int, classifiers: ClassifierCache,
                            emit: @escaping (AuthEvent) -> Void, keepAttempt: ((RequestAttempt) -> Void)?,
                            into outcome: inout TaskOutcome) {
        let descriptor = input.isStandardInput ? STDIN_FILENO : open(input.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            outcome.failure = UnscannedInput(path: input.path, reason: String(cString: strerror(errno)), isError: true)
            return
        }
        defer { if !input.isStandardInput { close(descriptor) } }
        let raw = DescriptorSource(descriptor: descriptor)
        var source: ByteSource
        do {
            source = gzip ? try GzipSource(wrapping: raw) : raw
            if let range = input.byteRange { source = try RangeSource(source, range: range) }
        } catch {
            outcome.failure = UnscannedInput(path: input.path, reason: error.message, isError: true)
            return
        }

        // The first block decides the format, then starts the line reader.
        var sample = [UInt8](repeating: 0, count: 64 << 10)
        var sampled = 0
        var sampleError: InputError? = nil
        sample.withUnsafeMutableBytes { buffer in
            while sampled < buffer.count {
                do throws(InputError) {
                    let count = try source.read(into: buffer.baseAddress! + sampled, count: buffer.count - sampled)
                    if count == 0 { break }
                    sampled += count
                } catch {
                    sampleError = error
                    break
                }
            }
        }
        let chosen: (format: CompiledFormat?, forced: Bool)
        switch chooseFormat(sample: sample, count: sampled, input: input) {
        case .success(let value): chosen = value
        case .failure(let failure):
            outcome.failure = failure
            return
        }
        guard let format = chosen.format else {
            outcome.stats = FileStats(path: input.path, format: nil)
            if let sampleError { outcome.readError = sampleError.message }
            return
        }
        let scanner = FileScanner(classifier: classifiers.classifier(for: format, worker: worker), path: input.path,
                                  formatForced: chosen.forced, maxLineLength: options.maxLineLength,
                                  since: options.since, until: options.until, onEvent: emit, onAttempt: keepAttempt)
        scanner.readsFileStart = input.byteRange == nil
        let reader = sample.withUnsafeBytes { buffer in
            LineBlockReader(source: FailingAfterSample(source, error: sampleError),
                            prefix: UnsafeRawBufferPointer(rebasing: buffer[..<sampled]),
                            maxLineLength: options.maxLineLength, bufferSize: options.readBufferSize)
        }
        var reported = raw.storedBytesRead
        do {
            while let chunk = try reader.next() {
                switch chunk {
                case .lines(let block): scanner.scan(block)
                case .overlongLine: scanner.skipOverlongLine()
                }
                options.progress?.advance(bytes: raw.storedBytesRead - reported)
                reported = raw.storedBytesRead
            }
        } catch {
            outcome.readError = error.message
        }
        outcome.stats = scanner.stats
        outcome.stats?.bytes = reader.bytesRead
    }

    // MARK: - Merging

    private func merge(inputs: [LogInput], tasks: [Task], outcomes: [TaskOutcome?], failures: [Int: UnscannedInput],
                       into report: inout ScanReport) {
        var tasksOfInput = [[Int]](repeating: [], count: inputs.count)
        for (index, task) in tasks.enumerated() { tasksOfInput[task.input].append(index) }

        for (index, input) in inputs.enumerated() {
            if let failure = failures[index] {
                fail(failure, into: &report)
                continue
            }
            var merged: FileStats? = nil
            var readError: String? = nil
            for taskIndex in tasksOfInput[index] {
                guard let outcome = outcomes[taskIndex] else { continue }
                if let failure = outcome.failure {
                    fail(failure, into: &report)
                    break
                }
                if let error = outcome.readError, readError == nil { readError = error }
                guard let part = outcome.stats else { continue }
                guard var total = merged else {
                    merged = part
                    continue
                }
                total.absorb(part)
                merged = total
            }
            guard let stats = merged else { continue }
            report.files.append(stats)
            if let readError {
                diagnostics?.error("\(input.path): \(readError); \(stats.lines) line(s) before it were scanned")
                report.unscanned.append(UnscannedInput(path: input.path, reason: readError, isError: true))
            }
            if stats.skipped > 0 {
                let parts = SkipReason.allCases.compactMap { reason -> String? in
                    guard let count = stats.skippedByReason[reason], count > 0 else { return nil }
                    return "\(count) \(reason.rawValue) (first at line \(stats.firstSkippedLine[reason]!))"
                }
                diagnostics?.warning("\(input.path): skipped \(stats.skipped) line(s): \(parts.joined(separator: ", "))")
            }
        }
    }

    private func fail(_ failure: UnscannedInput, into report: inout ScanReport) {
        report.unscanned.append(failure)
        if failure.isError { diagnostics?.error("\(failure.path): \(failure.reason)") }
    }

    private func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }
}

/// Delivers an error met while the format-detection sample was read, once the sample's
/// bytes have been scanned, so that the lines before the damage still count.
private final class FailingAfterSample: ByteSource {
    private let source: ByteSource
    private var error: InputError?
    var storedBytesRead: Int { source.storedBytesRead }

    init(_ source: ByteSource, error: InputError?) {
        self.source = source
        self.error = error
    }

    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(InputError) -> Int {
        if let error {
            self.error = nil
            throw error
        }
        return try source.read(into: buffer, count: count)
    }
}

/// What one task found.
private struct TaskOutcome: Sendable {
    var stats: FileStats?
    var aggregate: FailureAggregate?
    /// The input could not be scanned at all (open error, unknown format).
    var failure: UnscannedInput?
    /// Reading stopped early (truncated archive, I/O error); lines before were counted.
    var readError: String?
}

/// Results of the tasks, written by the workers, read after they are done. A task's
/// aggregate is merged into the total as soon as the task ends and then dropped, so memory
/// holds one total plus one partial per worker, however many chunks there are. (While the
/// tables are exact, merging in any order gives the same result.)
private final class OutcomeStore: @unchecked Sendable {
    // SAFETY: every access holds the lock.
    private let lock = NSLock()
    private var outcomes: [TaskOutcome?]
    private var total: FailureAggregate

    init(count: Int, maxKeys: Int) {
        outcomes = Array(repeating: nil, count: count)
        total = FailureAggregate(maxKeys: maxKeys)
    }

    func set(_ index: Int, _ outcome: TaskOutcome) {
        var outcome = outcome
        let partial = outcome.aggregate
        outcome.aggregate = nil
        lock.lock()
        if let partial { total.merge(partial) }
        outcomes[index] = outcome
        lock.unlock()
    }

    /// Merges a partial aggregate into the total now.
    func absorb(_ partial: FailureAggregate) {
        lock.lock()
        total.merge(partial)
        lock.unlock()
    }

    func takeAggregate() -> FailureAggregate {
        lock.lock()
        defer { lock.unlock() }
        let taken = total
        total = FailureAggregate(maxKeys: 1)
        return taken
    }

    var all: [TaskOutcome?] {
        lock.lock()
        defer { lock.unlock() }
        return outcomes
    }
}

/// Per-worker state: one classifier per format (match data and timestamp caches are not
/// shared) and one read buffer.
private final class ClassifierCache: @unchecked Sendable {
    // SAFETY: slot `worker` is only ever touched by that worker's thread.
    private var slots: [[String: LineClassifier]]
    private let buffers: [WorkerBuffer]
    private let options: ScanOptions

    init(workers: Int, patterns: CompiledPatterns, options: ScanOptions) {
        self.slots = Array(repeating: [:], count: workers)
        self.buffers = (0..<workers).map { _ in WorkerBuffer() }
        self.options = options
        self.formats = patterns.formats
    }

    /// Every format: a line its file's format rejects is read with the others.
    private let formats: [CompiledFormat]

    func buffer(worker: Int) -> WorkerBuffer { buffers[worker] }

    func classifier(for format: CompiledFormat, worker: Int) -> LineClassifier {
        if let existing = slots[worker][format.name] { return existing }
        let classifier = LineClassifier(format: format, limits: options.matchLimits, timeZone: options.timeZone,
                                        now: Int64(options.now.timeIntervalSince1970), otherFormats: formats)
        slots[worker][format.name] = classifier
        return classifier
    }
}
