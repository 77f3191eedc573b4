import Foundation

/// The scan's per-line path on one block of bytes, for the fuzzing harness
/// (`Sources/authlog-fuzz`, run by `scripts/fuzz`).
///
/// The classifier and the scanner are internal to AuthLogKit; this is the one public door to
/// them, so the harness runs exactly what a scan runs on a file's bytes: binary and
/// over-long line checks, the literal prefilter, the format's combined regex, field decoding,
/// the first line's time, and the NDJSON rendering of every event. Nothing is kept between
/// calls: a crash found by the fuzzer replays from its input alone.
public enum FuzzLineScan {
    /// Fixed "now" and zone, so that syslog's year-less times read the same on every run.
    public static let now = SampleVerifier.sampleNow
    public static let timeZone = TimeZone(identifier: "UTC")!

    public struct Outcome: Sendable {
        public var stats: FileStats
        public var events = 0
        public var attempts = 0
        /// Bytes of NDJSON rendered for the events.
        public var renderedBytes = 0
    }

    /// Scans `bytes` as one whole input of `format`, as `--log-format NAME` would: lines the
    /// format's head rejects are read with `otherFormats` (a scan passes every format), and
    /// with `readsOtherFormats` (a mixed file) every line any format wants is classified.
    public static func scan(_ bytes: UnsafeRawBufferPointer, format: CompiledFormat,
                            otherFormats: [CompiledFormat] = [], readsOtherFormats: Bool = false,
                            maxLineLength: Int = ScanOptions().maxLineLength) -> Outcome {
        let classifier = LineClassifier(format: format, limits: ScanOptions().matchLimits, timeZone: timeZone,
                                        now: Int64(now.timeIntervalSince1970), otherFormats: otherFormats)
        let scanner = FileScanner(classifier: classifier, path: "fuzz.log", formatForced: true,
                                  readsOtherFormats: readsOtherFormats, maxLineLength: maxLineLength)
        scanner.readsFileStart = true
        var sink = CountingSink()
        scanner.scan(bytes, into: &sink)
        return Outcome(stats: scanner.stats, events: sink.events, attempts: sink.attempts, renderedBytes: sink.rendered.count)
    }

    /// Counts what the pipeline delivers and renders each event as NDJSON would.
    private struct CountingSink: EventSink {
        var events = 0
        var attempts = 0
        var rendered: [UInt8] = []

        mutating func record(_ event: AuthEvent) {
            events += 1
            rendered.removeAll(keepingCapacity: true)
            NDJSONEvent.render(event, into: &rendered)
        }

        var wantsAttempts: Bool { true }
        mutating func attempt(_ attempt: RequestAttempt) { attempts += 1 }
    }

    /// The format a scan would detect for a file starting with `sample` at `path`, and
    /// whether its first lines mix formats.
    public static func detect(_ sample: UnsafeRawBufferPointer, patterns: CompiledPatterns,
                              path: String = "fuzz.log") -> (format: CompiledFormat, mixed: Bool)? {
        FormatDetector(formats: patterns.formats).detectWithMix(sample: sample, path: path)
    }
}
