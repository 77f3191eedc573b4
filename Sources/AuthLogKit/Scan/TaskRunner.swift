#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streaming: runs one task on a worker thread, feeding its lines through the classifier
/// to the aggregate, the ordered event stream and the request collector.
// SAFETY (@unchecked Sendable): every field is immutable or safe to share between workers:
// the collector, event stream and outcome store lock; the classifier cache gives each
// worker its own slot; `attemptObserver` is documented to be called from worker threads.
struct TaskRunner: @unchecked Sendable {
    let planner: ScanPlanner
    let options: ScanOptions
    let collector: RequestCollector?
    /// Formats whose lines explain requests of other formats (error logs, debug.log).
    let detailFormats: Set<String>
    let attemptObserver: ((RequestAttempt) -> Void)?
    let classifiers: ClassifierCache
    let stream: OrderedEventStream?
    let store: OutcomeStore

    /// Keys a task's own aggregate may hold before it is merged into the total and started
    /// afresh: under a flood of distinct keys, memory then holds the total plus this much per
    /// worker, whatever the chunk size.
    static let partialKeyLimit = 32_768

    func execute(_ task: ScanTask, taskIndex: Int, planned: [PlannedInput?], worker: Int) -> TaskOutcome {
        let plan = planned[task.input]!
        var outcome = TaskOutcome()
        let maxKeys = options.maxKeys
        var aggregate = FailureAggregate(maxKeys: maxKeys)
        var pending: [AuthEvent] = []
        let collector = self.collector
        let detailFormats = self.detailFormats
        let inputName = plan.input.path
        let stream = self.stream
        let store = self.store
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
            scanChunk(plan.input, range: range, size: size, format: format, forced: forced,
                      mixed: plan.readsOtherFormats, worker: worker, emit: emit, keepAttempt: keepAttempt, into: &outcome)
        case (.stream, .stream(let gzip)):
            scanStream(plan.input, gzip: gzip, held: plan.held, worker: worker, emit: emit, keepAttempt: keepAttempt,
                       into: &outcome)
        default:
            preconditionFailure("task and plan disagree")
        }
        stream?.emit(pending, task: taskIndex)
        flushBatch()
        outcome.aggregate = aggregate
        return outcome
    }

    /// One chunk of a regular file, read with pread(2).
    private func scanChunk(_ input: LogInput, range: Range<Int>, size: Int, format: CompiledFormat, forced: Bool,
                           mixed: Bool, worker: Int, emit: @escaping (AuthEvent) -> Void, keepAttempt: ((RequestAttempt) -> Void)?,
                           into outcome: inout TaskOutcome) {
        let scanner = FileScanner(classifier: classifiers.classifier(for: format, worker: worker), path: input.path,
                                  formatForced: forced, readsOtherFormats: mixed, maxLineLength: options.maxLineLength,
                                  since: options.since, until: options.until, onEvent: emit, onAttempt: keepAttempt)
        scanner.readsFileStart = range.lowerBound == 0
        let descriptor = input.open()
        if descriptor < 0 {
            outcome.readError = String(cString: strerror(errno))
        } else {
            defer { close(descriptor) }
            do {
                let end = input.byteRange.map { min($0.upperBound, size) } ?? size
                outcome.shrankTo = try ChunkReader.withChunk(descriptor: descriptor, range: range, fileSize: end,
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
        // Chunks partition the file, overlong lines included; of a file cut short meanwhile,
        // only the bytes still there were read.
        let readEnd = outcome.shrankTo.map { min(max($0, range.lowerBound), range.upperBound) } ?? range.upperBound
        outcome.stats?.bytes = readEnd - range.lowerBound
    }

    /// Standard input, pipes and archives: read from start to end through a line buffer.
    /// A pipe or FIFO comes with the descriptor planning opened (`held`); only regular files
    /// (archives, empty files) are opened again.
    private func scanStream(_ input: LogInput, gzip: Bool, held: HeldDescriptor?, worker: Int,
                            emit: @escaping (AuthEvent) -> Void, keepAttempt: ((RequestAttempt) -> Void)?,
                            into outcome: inout TaskOutcome) {
        let ownsDescriptor = !input.isStandardInput && held == nil
        let descriptor = input.isStandardInput ? STDIN_FILENO : held?.value ?? input.open()
        guard descriptor >= 0 else {
            outcome.failure = UnscannedInput(path: input.path, reason: String(cString: strerror(errno)), isError: true)
            return
        }
        defer { if ownsDescriptor { close(descriptor) } }
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
        let chosen: (format: CompiledFormat?, forced: Bool, mixed: Bool)
        switch planner.chooseFormat(sample: sample, count: sampled, input: input) {
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
                                  formatForced: chosen.forced, readsOtherFormats: chosen.mixed,
                                  maxLineLength: options.maxLineLength,
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

/// Per-worker state: one classifier per format (match data and timestamp caches are not
/// shared) and one read buffer.
final class ClassifierCache: @unchecked Sendable {
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
