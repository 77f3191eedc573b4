#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way lines are read, whatever brings the bytes:
///
///     bytes:       a chunk of a regular file (pread)  │ a stream, a gzip archive │ a followed file's new bytes
///                  (--journal is a stream: JournalSource writes each entry as its journalctl -o json line;
///                  follow -, follow --journal go through PipeTail)
///     lines:       ChunkReader                        │ LineBlockReader          │ FollowSession's partial-line join
///     format:      FormatChoice (planned for a file; sampled here for a stream; sampled by follow);
///                  a wrapped input (container log, journal) is unwrapped by an EnvelopeReader
///     classify:    FileScanner: binary and overlong lines skipped and counted, literal prefilter,
///                  LineClassifier (every format for lines the file's own rejects), --since/--until
///     sinks:       EventSink: record(event) · attempt(cause = none) · taskEnded(lines)
///                  scan: aggregate, request collector, ordered NDJSON stream (`ScanSinks`)
///                  follow: aggregate, printer, alerts and --exec (`FollowSinks`)
///                  new-failure's served paths, counted in C per block (`ServedPathSink`);
///                  its second read of the formats that cannot be counted so (`ServedTimesSink`)
///
/// Line positions are made absolute in `LinePositions` (chunks count from their first line).
struct LinePipeline: Sendable {
    let patterns: CompiledPatterns
    let options: ScanOptions

    /// A classifier of `format` that reads the lines it rejects with every other format.
    func makeClassifier(_ format: CompiledFormat, now: Int64? = nil) -> LineClassifier {
        LineClassifier(format: format, limits: options.matchLimits, timeZone: options.timeZone,
                       now: now ?? Int64(options.now.timeIntervalSince1970), otherFormats: patterns.formats,
                       trustedProxies: options.trustedProxies)
    }

    /// The classifying stage for one stretch of `path`, read as `chosen` says.
    func makeScanner(_ classifier: LineClassifier, path: String, forced: Bool, mixed: Bool,
                     envelope: Envelope? = nil) -> FileScanner {
        FileScanner(classifier: classifier, path: path, formatForced: forced, readsOtherFormats: mixed,
                    envelope: envelope, maxLineLength: options.maxLineLength, since: options.since, until: options.until)
    }

    /// One chunk of a regular file, read with pread(2) into the worker's buffer.
    func readChunk<Sink: EventSink>(_ input: LogInput, range: Range<Int>, size: Int, format: CompiledFormat, forced: Bool,
                                    mixed: Bool, envelope: Envelope? = nil, worker: WorkerState,
                                    into sink: inout Sink) -> TaskOutcome {
        var outcome = TaskOutcome()
        let scanner = makeScanner(worker.classifier(for: format), path: input.path, forced: forced, mixed: mixed,
                                  envelope: envelope)
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
                                                             buffer: worker.buffer) { chunk in
                    guard case .lines(let block, let overlongTail) = chunk else { return }
                    scanner.scan(block, into: &sink)
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
        return outcome
    }

    /// Standard input, pipes and archives: read from start to end through a line buffer.
    /// A pipe or FIFO comes with the descriptor planning opened (`held`); only regular files
    /// (archives, empty files) are opened again.
    func readStream<Sink: EventSink>(_ input: LogInput, gzip: Bool, held: HeldDescriptor?, worker: WorkerState,
                                     into sink: inout Sink) -> TaskOutcome {
        if let journal = input.journal { return readJournal(input, journal, worker: worker, into: &sink) }
        var outcome = TaskOutcome()
        let ownsDescriptor = !input.isStandardInput && held == nil
        let descriptor = input.isStandardInput ? STDIN_FILENO : held?.value ?? input.open()
        guard descriptor >= 0 else {
            outcome.failure = UnscannedInput(path: input.path, reason: String(cString: strerror(errno)), isError: true)
            return outcome
        }
        defer { if ownsDescriptor { close(descriptor) } }
        let raw = DescriptorSource(descriptor: descriptor)
        var source: ByteSource
        do {
            source = gzip ? try GzipSource(wrapping: raw) : raw
            if let range = input.byteRange { source = try RangeSource(source, range: range) }
        } catch {
            outcome.failure = UnscannedInput(path: input.path, reason: error.message, isError: true)
            return outcome
        }
        return readLines(input, from: source, stored: raw, worker: worker, into: &sink)
    }

    /// The journal through libsystemd: its entries as `journalctl -o json` lines, read as a
    /// stream is. Opened and closed on this worker's thread, as libsystemd wants.
    private func readJournal<Sink: EventSink>(_ input: LogInput, _ selection: JournalSelection, worker: WorkerState,
                                              into sink: inout Sink) -> TaskOutcome {
        let source: JournalSource
        do {
            source = try JournalSource(selection, maxLineLength: options.maxLineLength)
        } catch {
            var outcome = TaskOutcome()
            outcome.failure = UnscannedInput(path: input.path, reason: error.message, isError: true)
            return outcome
        }
        var outcome = readLines(input, from: source, stored: source, worker: worker, into: &sink)
        // Only a journal read to its end gives the position to continue from.
        if outcome.readError == nil, outcome.failure == nil { outcome.journalCursor = source.cursor }
        return outcome
    }

    /// A stream's lines: the first block decides the format, then the line reader reads on.
    private func readLines<Sink: EventSink>(_ input: LogInput, from source: ByteSource, stored raw: ByteSource,
                                            worker: WorkerState, into sink: inout Sink) -> TaskOutcome {
        var outcome = TaskOutcome()
        // The first block decides the format, then starts the line reader.
        var sampleError: InputError? = nil
        // A read error ends the sample; it is reported after the lines read before it.
        let detection = DetectionSample(maxLineLength: options.maxLineLength) { buffer, count, _ -> Int in
            guard sampleError == nil else { return 0 }
            do throws(InputError) { return try source.read(into: buffer, count: count) } catch {
                sampleError = error
                return 0
            }
        }
        let sample = detection.bytes
        let sampled = sample.count
        let chosen: FormatChoice.Chosen
        switch detection.window.withUnsafeBytes({ window in
            FormatChoice(patterns: patterns, formatOverride: options.formatOverride,
                         formatsByPath: options.formatsByPath)
                .choose(sample: window, input: input)
        }) {
        case .success(let value): chosen = value
        case .failure(let failure):
            outcome.failure = failure
            return outcome
        }
        guard let format = chosen.format else {
            outcome.stats = FileStats(path: input.path, format: nil)
            if let sampleError { outcome.readError = sampleError.message }
            return outcome
        }
        let scanner = makeScanner(worker.classifier(for: format), path: input.path, forced: chosen.forced,
                                  mixed: chosen.mixed, envelope: chosen.envelope)
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
                case .lines(let block): scanner.scan(block, into: &sink)
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
        return outcome
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
