import AuthLogKit

/// The input is a log read as one format (`--log-format NAME`): every line goes through the
/// prefilter and that format's classifier, and every event is rendered as NDJSON.
final class ClassifyTarget: FuzzTarget {
    let format: CompiledFormat
    let patterns: CompiledPatterns
    init(format: CompiledFormat, patterns: CompiledPatterns) {
        self.format = format
        self.patterns = patterns
    }

    func run(_ data: UnsafeRawBufferPointer) {
        let outcome = FuzzLineScan.scan(data, format: format, otherFormats: patterns.formats)
        precondition(outcome.stats.events == outcome.events, "events counted twice or lost")
    }
}

/// The input is a log whose format is detected from its first lines, as a scan does; it is
/// read with `--max-line 512`, so that inputs of a few KiB hold over-long lines too.
final class DetectedClassifyTarget: FuzzTarget {
    let patterns: CompiledPatterns
    init(patterns: CompiledPatterns) { self.patterns = patterns }

    func run(_ data: UnsafeRawBufferPointer) {
        guard let detected = FuzzLineScan.detect(data, patterns: patterns) else { return }
        _ = FuzzLineScan.scan(data, format: detected.format, otherFormats: patterns.formats,
                              readsOtherFormats: detected.mixed, maxLineLength: 512)
    }
}
