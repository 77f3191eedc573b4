import Foundation

/// Runs one input's blocks of lines through the prefilter and the classifier, counting
/// lines, events and skipped lines. Line numbers are exact; lines that hold no candidate
/// literal are counted (eight bytes at a time) but never looked at individually.
final class FileScanner {
    private(set) var stats: FileStats
    private let classifier: LineClassifier
    private var prefilter: LiteralPrefilter
    private let matchesEveryLine: Bool
    private let onEvent: (AuthEvent) -> Void
    /// Lines fully counted so far (the next line to be counted is `linesCounted + 1`).
    private var linesCounted = 0
    private var binaryLineStarts: [Int] = []

    init(classifier: LineClassifier, path: String, formatForced: Bool, onEvent: @escaping (AuthEvent) -> Void) {
        self.classifier = classifier
        self.stats = FileStats(path: path, format: classifier.format.name)
        self.stats.formatForced = formatForced
        self.prefilter = LiteralPrefilter(literals: classifier.format.literals)
        self.matchesEveryLine = classifier.format.matchesEveryLine
        self.onEvent = onEvent
    }

    /// `block` holds whole lines; only the input's very last line may lack its newline.
    func scan(_ block: UnsafeRawBufferPointer) {
        guard let base = block.baseAddress, block.count > 0 else { return }
        let end = block.count
        stats.bytes += end
        findBinaryLines(base, end)
        prefilter.startBlock()

        var position = 0      // start of the first line not yet examined
        var counted = 0       // bytes up to which newlines have been counted
        var binaryIndex = 0
        while position < end {
            let candidate: Range<Int>
            if matchesEveryLine {
                let lineEnd = ByteSearch.first(0x0A, in: base, from: position, to: end) ?? end
                candidate = position..<lineEnd
            } else {
                guard let found = prefilter.nextCandidateLine(in: base, from: position, to: end) else { break }
                candidate = found
            }
            linesCounted += ByteSearch.countNewlines(in: base, from: counted, to: candidate.lowerBound)
            counted = candidate.lowerBound
            let lineNumber = linesCounted + 1
            position = candidate.upperBound + 1

            while binaryIndex < binaryLineStarts.count, binaryLineStarts[binaryIndex] < candidate.lowerBound {
                binaryIndex += 1
            }
            if binaryIndex < binaryLineStarts.count, binaryLineStarts[binaryIndex] == candidate.lowerBound {
                continue  // counted as skipped by findBinaryLines
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
        linesCounted += ByteSearch.countNewlines(in: base, from: counted, to: end)
        if block[end - 1] != 0x0A { linesCounted += 1 }  // the input's unterminated last line
        stats.lines = linesCounted
    }

    /// A line too long to analyse was dropped by the reader, at this point of the input.
    func skipOverlongLine() {
        linesCounted += 1
        stats.lines = linesCounted
        stats.skip(.tooLong, line: linesCounted)
    }

    /// NUL bytes mean binary data: the lines holding them are skipped, each counted once.
    /// Their line numbers are computed here, which is cheap because such lines are rare.
    private func findBinaryLines(_ base: UnsafeRawPointer, _ end: Int) {
        binaryLineStarts.removeAll(keepingCapacity: true)
        var searchFrom = 0
        var countedTo = 0
        var lines = linesCounted
        while let nul = ByteSearch.first(0x00, in: base, from: searchFrom, to: end) {
            let lineStart = (ByteSearch.last(0x0A, in: base, from: countedTo, to: nul) ?? (countedTo - 1)) + 1
            lines += ByteSearch.countNewlines(in: base, from: countedTo, to: lineStart)
            countedTo = lineStart
            binaryLineStarts.append(lineStart)
            stats.skip(.binary, line: lines + 1)
            guard let lineEnd = ByteSearch.first(0x0A, in: base, from: nul, to: end) else { break }
            searchFrom = lineEnd + 1
        }
    }
}
