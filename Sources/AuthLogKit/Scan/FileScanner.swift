import CByteSearch
import Foundation

/// Runs blocks of whole lines through the prefilter and the classifier, counting lines,
/// events and skipped lines. Line numbers are exact: newlines are counted with SIMD, and
/// the lines that hold no candidate literal are never looked at one by one.
///
/// A scanner sees one stretch of an input (a whole stream, or one chunk of a large file);
/// line numbers are relative to the stretch's first line (`lineOffset` shifts them).
final class FileScanner {
    private(set) var stats: FileStats
    private let classifier: LineClassifier
    private var prefilter: LiteralPrefilter
    private let matchesEveryLine: Bool
    private let maxLineLength: Int
    private let onEvent: (AuthEvent) -> Void
    /// Lines fully counted so far in this stretch.
    private var linesCounted = 0
    /// Start offsets of lines to skip in the current block (binary or too long), sorted.
    private var skippedLineStarts: [Int] = []
    private var overlongRanges = [Int64](repeating: 0, count: 128)

    init(classifier: LineClassifier, path: String, formatForced: Bool, maxLineLength: Int,
         onEvent: @escaping (AuthEvent) -> Void) {
        self.classifier = classifier
        self.stats = FileStats(path: path, format: classifier.format.name)
        self.stats.formatForced = formatForced
        self.prefilter = LiteralPrefilter(literals: classifier.format.literals)
        self.matchesEveryLine = classifier.format.matchesEveryLine
        self.maxLineLength = maxLineLength
        self.onEvent = onEvent
    }

    /// `block` holds whole lines; only the input's very last line may lack its newline.
    func scan(_ block: UnsafeRawBufferPointer) {
        guard let base = block.baseAddress, block.count > 0 else { return }
        let end = block.count
        stats.bytes += end
        skippedLineStarts.removeAll(keepingCapacity: true)
        let blockLines = findOverlongLines(base, end)
        findBinaryLines(base, end)
        skippedLineStarts.sort()
        prefilter.startBlock()

        var position = 0      // start of the first line not yet examined
        var counted = 0       // bytes up to which newlines have been counted
        var lineNumberAtCounted = linesCounted
        var skipIndex = 0
        while position < end {
            let candidate: Range<Int>
            if matchesEveryLine {
                let lineEnd = ByteSearch.first(0x0A, in: base, from: position, to: end) ?? end
                candidate = position..<lineEnd
            } else {
                guard let found = prefilter.nextCandidateLine(in: base, from: position, to: end) else { break }
                candidate = found
            }
            lineNumberAtCounted += authlog_count_newlines(base.assumingMemoryBound(to: UInt8.self) + counted,
                                                          candidate.lowerBound - counted)
            counted = candidate.lowerBound
            let lineNumber = lineNumberAtCounted + 1
            position = candidate.upperBound + 1

            while skipIndex < skippedLineStarts.count, skippedLineStarts[skipIndex] < candidate.lowerBound {
                skipIndex += 1
            }
            if skipIndex < skippedLineStarts.count, skippedLineStarts[skipIndex] == candidate.lowerBound {
                continue  // already counted as skipped
            }
            var lineEnd = candidate.upperBound
            if lineEnd > candidate.lowerBound, block[lineEnd - 1] == 0x0D { lineEnd -= 1 }  // CRLF
            let line = UnsafeRawBufferPointer(rebasing: block[candidate.lowerBound..<lineEnd])
            switch classifier.classify(line, file: stats.path, lineNumber: lineNumber) {
            case .event(let event):
                stats.events += 1
                onEvent(event)
            case .noMatch:
                break
            case .limitExceeded:
                stats.skip(.matchLimit, line: lineNumber)
            }
        }
        linesCounted += blockLines
        stats.lines = linesCounted
    }

    /// A line too long to analyse was dropped by the reader, at this point of the input.
    func skipOverlongLine() {
        linesCounted += 1
        stats.lines = linesCounted
        stats.skip(.tooLong, line: linesCounted)
    }

    /// Counts the block's lines and marks those longer than the limit as skipped. Returns
    /// the number of lines in the block.
    private func findOverlongLines(_ base: UnsafeRawPointer, _ end: Int) -> Int {
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        var result = overlongRanges.withUnsafeMutableBufferPointer { ranges in
            authlog_scan_lines(bytes, end, 0, maxLineLength, ranges.baseAddress, ranges.count / 2)
        }
        if result.overlong > overlongRanges.count / 2 {  // rare: make room and count again
            overlongRanges = [Int64](repeating: 0, count: Int(result.overlong) * 2)
            result = overlongRanges.withUnsafeMutableBufferPointer { ranges in
                authlog_scan_lines(bytes, end, 0, maxLineLength, ranges.baseAddress, ranges.count / 2)
            }
        }
        var countedTo = 0
        var linesBefore = linesCounted
        for index in 0..<Int(result.overlong) {  // in order of position
            let start = Int(max(0, overlongRanges[2 * index]))
            linesBefore += authlog_count_newlines(bytes + countedTo, start - countedTo)
            countedTo = start
            skippedLineStarts.append(start)
            stats.skip(.tooLong, line: linesBefore + 1)
        }
        return Int(result.newlines) + (base.load(fromByteOffset: end - 1, as: UInt8.self) != 0x0A ? 1 : 0)
    }

    /// NUL bytes mean binary data: the lines holding them are skipped, each counted once.
    /// Line numbers are counted forward from one NUL line to the next, so a file full of
    /// binary junk costs one pass, not one pass per damaged line.
    private func findBinaryLines(_ base: UnsafeRawPointer, _ end: Int) {
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        let alreadySkipped = Set(skippedLineStarts)
        var searchFrom = 0
        var countedTo = 0
        var linesBefore = linesCounted
        while let nul = ByteSearch.first(0x00, in: base, from: searchFrom, to: end) {
            let lineStart = (ByteSearch.last(0x0A, in: base, from: searchFrom, to: nul) ?? (searchFrom - 1)) + 1
            linesBefore += authlog_count_newlines(bytes + countedTo, lineStart - countedTo)
            countedTo = lineStart
            if !alreadySkipped.contains(lineStart) {
                skippedLineStarts.append(lineStart)
                stats.skip(.binary, line: linesBefore + 1)
            }
            guard let lineEnd = ByteSearch.first(0x0A, in: base, from: nul, to: end) else { break }
            searchFrom = lineEnd + 1
        }
    }
}
