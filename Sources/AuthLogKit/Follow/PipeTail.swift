import CByteSearch

/// Standard input followed (`follow -`, e.g. `journalctl -f -o json -u nginx | authlog follow
/// -`): its bytes go through the same line pipeline as a followed file's. A pipe cannot be
/// read again from its start, so the lines that arrive before the format is known are held
/// (up to `FormatChoice.sampleSize`) and read once it is: none is lost to detection.
final class PipeTail {
    static let path = "-"
    /// The input's name in events and messages: `-`, or the journal's (`follow --journal`).
    let path: String

    private let pipeline: LinePipeline
    private let formatOverride: String?
    private let maxLineLength: Int
    /// Whole lines held until the format is known.
    private var held: [UInt8] = []
    /// An unfinished last line, waiting for its newline.
    private var partial: [UInt8] = []
    /// The unfinished line grew past the line limit: bytes are dropped up to the next newline.
    private var discarding = false
    private(set) var scanner: FileScanner?
    /// The input is in no format authlog knows: its lines are passed over.
    private(set) var detectionFailed = false
    /// Lines passed over before a format was known, or since detection failed.
    private var linesPassedOver = 0

    init(pipeline: LinePipeline, formatOverride: String?, maxLineLength: Int, path: String = PipeTail.path) {
        self.path = path
        self.pipeline = pipeline
        self.formatOverride = formatOverride
        self.maxLineLength = maxLineLength
    }

    /// New bytes from the pipe: their complete lines go on; an unfinished one waits.
    /// Returns a warning to give when the format cannot be told.
    func consume<Sink: EventSink>(_ bytes: UnsafeRawBufferPointer, into sink: inout Sink) -> String? {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return nil }
        var start = 0
        var warning: String? = nil
        if discarding || !partial.isEmpty {
            guard let newline = ByteSearch.first(0x0A, in: base, from: 0, to: bytes.count) else {
                hold(bytes)
                return nil
            }
            if discarding {
                discarding = false
                if let scanner { scanner.skipOverlongLine() } else { linesPassedOver += 1 }
            } else {
                partial += bytes[...newline]
                let line = partial
                partial = []
                line.withUnsafeBytes { warning = deliver($0, into: &sink) ?? warning }
            }
            start = newline + 1
        }
        if start < bytes.count, let last = ByteSearch.last(0x0A, in: base, from: start, to: bytes.count) {
            warning = deliver(UnsafeRawBufferPointer(rebasing: bytes[start...last]), into: &sink) ?? warning
            start = last + 1
        }
        if start < bytes.count { hold(UnsafeRawBufferPointer(rebasing: bytes[start...])) }
        return warning
    }

    /// The pipe was closed: its unfinished last line is one, and lines still held for
    /// detection are read with what can be told from them.
    func finish<Sink: EventSink>(into sink: inout Sink) -> String? {
        var warning: String? = nil
        if !partial.isEmpty {
            let line = partial
            partial = []
            line.withUnsafeBytes { warning = deliver($0, into: &sink, atEnd: true) }
        } else if scanner == nil, !held.isEmpty {
            warning = deliver(UnsafeRawBufferPointer(start: nil, count: 0), into: &sink, atEnd: true)
        }
        return warning
    }

    private func hold(_ bytes: UnsafeRawBufferPointer) {
        partial += bytes
        if partial.count > maxLineLength {
            partial = []
            discarding = true
        }
    }

    /// Whole lines through the pipeline, once the format is known.
    private func deliver<Sink: EventSink>(_ block: UnsafeRawBufferPointer, into sink: inout Sink,
                                          atEnd: Bool = false) -> String? {
        if let scanner {
            scanner.scan(block, into: &sink)
            return nil
        }
        if detectionFailed {
            linesPassedOver += block.isEmpty ? 0 : authlog_count_newlines(block.baseAddress!.assumingMemoryBound(to: UInt8.self), block.count)
            return nil
        }
        held += block
        let chosen = held.withUnsafeBytes { raw in
            FormatChoice(patterns: pipeline.patterns, formatOverride: formatOverride)
                .choose(sample: UnsafeRawBufferPointer(rebasing: raw[..<min(raw.count, FormatChoice.sampleSize)]),
                        input: LogInput(path: path, isExplicit: true))
        }
        switch chosen {
        case .success(let chosen):
            guard let format = chosen.format else { return nil }
            let scanner = pipeline.makeScanner(pipeline.makeClassifier(format), path: path, forced: chosen.forced,
                                               mixed: chosen.mixed, envelope: chosen.envelope)
            scanner.readsFileStart = true
            self.scanner = scanner
            let lines = held
            held = []
            lines.withUnsafeBytes { scanner.scan($0, into: &sink) }
            return nil
        case .failure:
            // A line or two of something else may come first; a sample's worth decides.
            guard atEnd || held.count >= 4096 else { return nil }
            detectionFailed = true
            held = []
            return "\(path == Self.path ? "standard input" : path): not a log format authlog knows; its lines are passed over (choose one with --log-format)"
        }
    }

    /// The skips counted since the last call (see `FileScanner.takeSkips`).
    func takeSkips() -> (counts: [SkipReason: Int], firstLines: [SkipReason: Int])? {
        scanner?.takeSkips()
    }
}
