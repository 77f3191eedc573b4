import CByteSearch
import Foundation

/// The pipeline's middle: runs blocks of whole lines through the prefilter and the
/// classifier into a sink, counting lines, events and skipped lines (binary, too long, match
/// limit) and keeping the --since/--until window. Line numbers are exact: newlines are
/// counted with SIMD, and the lines that hold no candidate literal are never looked at one
/// by one. Scan chunks, scan streams and follow all classify through here; they differ only
/// in how the blocks arrive (see `LinePipeline`).
///
/// A scanner sees one stretch of an input (a whole stream, one chunk of a large file, or a
/// followed file); line numbers count from the stretch's first line, or from the line
/// `continueCounting(afterLine:)` set (follow knows where it is in the file).
final class FileScanner {
    private(set) var stats: FileStats
    private let classifier: LineClassifier
    private var prefilter: LiteralPrefilter
    private let matchesEveryLine: Bool
    private let maxLineLength: Int
    private let since: Int64?
    private let until: Int64?
    /// Lines fully counted so far in this stretch.
    private var linesCounted = 0
    /// Start offsets of the current block's lines holding NUL bytes, in order.
    private var binaryLineStarts: [Int] = []
    /// The first of `binaryLineStarts` not yet counted as skipped: they are numbered by the
    /// scan's one counting pass as it reaches them.
    private var binaryIndex = 0
    private var overlongRanges = [Int64](repeating: 0, count: 128)
    /// Set for a wrapped input (a container log, the journal): the classifier gets the inner
    /// lines; the prefilter, line numbers and skips are the outer lines'.
    private let envelope: EnvelopeReader?

    init(classifier: LineClassifier, path: String, formatForced: Bool, readsOtherFormats: Bool = false,
         envelope: Envelope? = nil, maxLineLength: Int, since: Int64? = nil, until: Int64? = nil) {
        self.since = since
        self.until = until
        self.classifier = classifier
        self.stats = FileStats(path: path, format: classifier.format.name)
        self.stats.formatForced = formatForced
        var wanted = readsOtherFormats ? classifier.linesWantedWithOtherFormats : classifier.linesWanted
        if let envelope { wanted = envelope.outerLines(wanted: wanted) }
        self.envelope = envelope.map { EnvelopeReader($0, maxLineLength: maxLineLength) }
        self.prefilter = LiteralPrefilter(literals: wanted.literals, namedUsers: wanted.namedUsers)
        self.matchesEveryLine = wanted.everyLine
        self.maxLineLength = maxLineLength
    }

    /// The name events are told to come from (follow: a renamed file's current name).
    var path: String {
        get { stats.path }
        set { stats.path = newValue }
    }

    /// Lines before the next block's first line: follow numbers a file's lines itself (it
    /// may start at the end of a file, or continue where the original of a copy was).
    func continueCounting(afterLine line: Int) {
        linesCounted = line
        stats.lines = line
    }

    /// The skips counted since the last call, and the first line of each: follow reports
    /// them as they happen rather than once at the end.
    func takeSkips() -> (counts: [SkipReason: Int], firstLines: [SkipReason: Int]) {
        defer {
            stats.skippedByReason = [:]
            stats.firstSkippedLine = [:]
        }
        return (stats.skippedByReason, stats.firstSkippedLine)
    }

    /// Set when the stretch begins at the start of the file: its first line's time is kept.
    var readsFileStart = false

    /// `block` holds whole lines; only the input's very last line may lack its newline.
    ///
    /// One pass counts newlines (SIMD) between the candidate lines the prefilter finds, and
    /// notices on the way any line longer than the limit; candidate lines are measured
    /// directly. So every byte is counted once, and only candidates are looked at closer.
    ///
    /// Generic over the sink, so the loop is specialised for it (no call through an
    /// existential or a closure per event); a scan has one sink type, so one copy.
    func scan<Sink: EventSink>(_ block: UnsafeRawBufferPointer, into sink: inout Sink) {
        guard let base = block.baseAddress, block.count > 0 else { return }
        if readsFileStart, linesCounted == 0, stats.bytes == 0 {
            // The first line with a readable time among the first few (comments, a banner
            // or a damaged line may come before).
            var start = 0
            for _ in 0..<16 where start < min(block.count, 16 << 10) && stats.firstLineTime == nil {
                let end = ByteSearch.first(0x0A, in: base, from: start, to: block.count) ?? block.count
                let line = UnsafeRawBufferPointer(rebasing: block[start..<min(end, start + 4096)])
                stats.firstLineTime = envelope.map { firstLineTime(inside: line, $0.envelope) } ?? classifier.time(of: line)
                start = end + 1
            }
        }
        sink.scanned(block: block, format: classifier.format, wrapped: envelope != nil)
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        let end = block.count
        stats.bytes += end
        binaryLineStarts.removeAll(keepingCapacity: true)
        findBinaryLines(base, end)
        prefilter.startBlock()

        var counted = 0                   // a line start: newlines before it are counted
        var linesBeforeCounted = linesCounted
        binaryIndex = 0
        while counted < end {
            let candidate: Range<Int>
            // A wrapped line's held part may be continued by a line holding no literal.
            if matchesEveryLine || envelope?.holdsPart == true {
                let lineEnd = ByteSearch.first(0x0A, in: base, from: counted, to: end) ?? end
                candidate = counted..<lineEnd
            } else {
                let found = prefilter.nextCandidateLine(in: base, from: counted, to: end)
                // A part of a long line is held even without a literal (see `firstPartLine`).
                if let envelope, envelope.splitsLines,
                   let part = envelope.firstPartLine(in: block, from: counted, to: found?.lowerBound ?? end) {
                    candidate = part
                } else {
                    guard let found else { break }
                    candidate = found
                }
            }
            linesBeforeCounted = countLines(bytes, from: counted, to: candidate.lowerBound, linesBefore: linesBeforeCounted)
            var lineNumber = linesBeforeCounted + 1
            counted = min(end, candidate.upperBound + 1)
            linesBeforeCounted += 1

            // countLines has numbered the binary lines before the candidate.
            if binaryIndex < binaryLineStarts.count, binaryLineStarts[binaryIndex] == candidate.lowerBound {
                binaryIndex += 1
                stats.skip(.binary, line: lineNumber)
                continue
            }
            if candidate.count > maxLineLength {
                stats.skip(.tooLong, line: lineNumber)
                continue
            }
            var lineEnd = candidate.upperBound
            if lineEnd > candidate.lowerBound, block[lineEnd - 1] == 0x0D { lineEnd -= 1 }  // CRLF
            var line = UnsafeRawBufferPointer(rebasing: block[candidate.lowerBound..<lineEnd])
            if let envelope {
                switch envelope.unwrap(line, lineNumber: lineNumber) {
                case .inner(let inner, let firstLine):
                    line = inner
                    if firstLine > 0 { lineNumber = firstLine }
                case .nothing: continue
                case .tooLong(let firstLine):
                    stats.skip(.tooLong, line: firstLine)
                    continue
                case .outer: break
                }
            }
            switch classifier.classify(line, file: stats.path, lineNumber: lineNumber) {
            case .event(let event):
                guard inWindow(event.time) else {
                    stats.outsideWindow += 1
                    continue
                }
                stats.events += 1
                if let time = event.time, stats.lastEventTime.map({ time > $0 }) ?? true { stats.lastEventTime = time }
                sink.record(event)
            case .attempt(let attempt):
                if sink.wantsAttempts, inWindow(attempt.time) { sink.attempt(attempt) }
            case .noMatch:
                break
            case .limitExceeded:
                stats.skip(.matchLimit, line: lineNumber)
            }
        }
        if counted < end {
            linesBeforeCounted = countLines(bytes, from: counted, to: end, linesBefore: linesBeforeCounted)
            if block[end - 1] != 0x0A { linesBeforeCounted += 1 }  // the input's unterminated last line
        }
        linesCounted = linesBeforeCounted
        stats.lines = linesCounted
    }

    /// The time of a wrapped first line: the inner line's own, else the envelope's (the
    /// journal's, which the syslog form it is put in carries).
    private func firstLineTime(inside line: UnsafeRawBufferPointer, _ envelope: Envelope) -> Int64? {
        guard case .inner(let inner, _) = EnvelopeReader(envelope, maxLineLength: maxLineLength)
            .unwrap(line, lineNumber: 0) else { return nil }
        return classifier.time(of: inner)
    }

    /// Inside --since/--until, or no window asked for (a line without a time is then outside).
    @inline(__always)
    private func inWindow(_ time: Int64?) -> Bool {
        guard since != nil || until != nil else { return true }
        guard let time else { return false }
        return since.map { time >= $0 } ?? true && until.map { time < $0 } ?? true
    }

    /// Counts the newlines of whole lines in `bytes[from..<to]` (from a line start) and
    /// marks the lines there holding NUL bytes or longer than the limit as skipped. Returns
    /// the updated count. The binary lines cut the pass in pieces at their starts, so every
    /// byte is still counted once (numbering them in a pass of their own counted a block's
    /// newlines twice when it held one near its end).
    private func countLines(_ bytes: UnsafePointer<UInt8>, from: Int, to: Int, linesBefore: Int) -> Int {
        var from = from
        var linesBefore = linesBefore
        while binaryIndex < binaryLineStarts.count, binaryLineStarts[binaryIndex] < to {
            let binaryLine = binaryLineStarts[binaryIndex]
            binaryIndex += 1
            linesBefore = countWholeLines(bytes, from: from, to: binaryLine, linesBefore: linesBefore)
            stats.skip(.binary, line: linesBefore + 1)
            from = max(from, binaryLine)  // candidates are whole lines: never behind
        }
        return countWholeLines(bytes, from: from, to: to, linesBefore: linesBefore)
    }

    /// `countLines` between two binary lines: newlines and overlong lines.
    private func countWholeLines(_ bytes: UnsafePointer<UInt8>, from: Int, to: Int, linesBefore: Int) -> Int {
        guard to > from else { return linesBefore }
        var result = overlongRanges.withUnsafeMutableBufferPointer { ranges in
            authlog_scan_lines(bytes + from, to - from, 0, maxLineLength, ranges.baseAddress, ranges.count / 2)
        }
        if result.overlong > 0 {
            if result.overlong > overlongRanges.count / 2 {  // rare: make room and count again
                overlongRanges = [Int64](repeating: 0, count: Int(result.overlong) * 2)
                result = overlongRanges.withUnsafeMutableBufferPointer { ranges in
                    authlog_scan_lines(bytes + from, to - from, 0, maxLineLength, ranges.baseAddress, ranges.count / 2)
                }
            }
            var countedTo = from
            var lines = linesBefore
            for index in 0..<Int(result.overlong) {  // in order of position
                let start = from + Int(max(0, overlongRanges[2 * index]))
                lines += authlog_count_newlines(bytes + countedTo, start - countedTo)
                countedTo = start
                if !binaryLineStarts.contains(start) { stats.skip(.tooLong, line: lines + 1) }
            }
        }
        return linesBefore + Int(result.newlines)
    }

    /// Follow reads its file again from the start (truncated, rewritten): parts held from
    /// before are no head of what comes now.
    func forgetHeldParts() { envelope?.reset() }

    /// A line too long to analyse was dropped by the reader, at this point of the input.
    func skipOverlongLine() {
        linesCounted += 1
        stats.lines = linesCounted
        stats.skip(.tooLong, line: linesCounted)
    }

    /// NUL bytes mean binary data: the lines holding them are skipped, each counted once
    /// (numbered by `countLines` as the scan passes them). The search goes on from each
    /// NUL line's end, so a file full of binary junk costs one pass, not one per damaged line.
    private func findBinaryLines(_ base: UnsafeRawPointer, _ end: Int) {
        var searchFrom = 0
        while let nul = ByteSearch.first(0x00, in: base, from: searchFrom, to: end) {
            let lineStart = (ByteSearch.last(0x0A, in: base, from: searchFrom, to: nul) ?? (searchFrom - 1)) + 1
            binaryLineStarts.append(lineStart)
            guard let lineEnd = ByteSearch.first(0x0A, in: base, from: nul, to: end) else { break }
            searchFrom = lineEnd + 1
        }
    }
}
