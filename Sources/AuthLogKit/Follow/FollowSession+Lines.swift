import CByteSearch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reading a followed file's new bytes: its complete lines go through the scan's line
/// pipeline (`FileScanner`: binary and overlong lines skipped and counted, the literal
/// prefilter, every format for lines the file's own rejects) into follow's sinks. Only how
/// the bytes arrive is follow's own: a read may end inside a line, which waits for its newline.
extension FollowSession {
    func read(_ tail: Tail) {
        // New content not identified yet, or a copy whose original is still read: later.
        if tail.identifying { return }
        if let original = tail.mirrorOf {
            if tails[original] != nil { return }
            tail.mirrorOf = nil
        }
        while true {
            let got = readBuffer.withUnsafeMutableBytes { pread(tail.descriptor, $0.baseAddress, $0.count, off_t(tail.offset)) }
            guard got > 0 else { break }
            if tail.offset < Tail.headLength, tail.head.count == tail.offset {
                tail.head += readBuffer[0..<min(got, Tail.headLength - tail.offset)]
            }
            tail.offset += got
            readBuffer.withUnsafeBytes { consume(UnsafeRawBufferPointer(rebasing: $0[..<got]), of: tail) }
        }
        reportSkips(of: tail)
    }

    /// The file is no longer read (its grace period ended): its unfinished last line is one.
    func finishPartialLine(of tail: Tail) {
        guard !tail.partial.isEmpty else { return }
        let rest = tail.partial
        tail.partial = []
        rest.withUnsafeBytes { deliver($0, of: tail) }
        reportSkips(of: tail)
    }

    /// Hands the complete lines of `bytes` on as one block; the bytes after the last newline
    /// wait in `tail.partial`.
    private func consume(_ bytes: UnsafeRawBufferPointer, of tail: Tail) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        var start = 0
        if tail.discarding || !tail.partial.isEmpty {
            guard let newline = ByteSearch.first(0x0A, in: base, from: 0, to: bytes.count) else {
                if !tail.discarding { hold(bytes, of: tail) }
                return
            }
            if tail.discarding {
                tail.discarding = false
                skipOverlongLine(of: tail)
            } else {
                tail.partial += bytes[...newline]
                let line = tail.partial
                tail.partial = []
                line.withUnsafeBytes { deliver($0, of: tail) }
            }
            start = newline + 1
        }
        if start < bytes.count, let last = ByteSearch.last(0x0A, in: base, from: start, to: bytes.count) {
            deliver(UnsafeRawBufferPointer(rebasing: bytes[start...last]), of: tail)
            start = last + 1
        }
        if start < bytes.count { hold(UnsafeRawBufferPointer(rebasing: bytes[start...]), of: tail) }
    }

    /// Keeps an unfinished line; one past the line limit is dropped up to its newline, as the
    /// scan's line reader drops it.
    private func hold(_ bytes: UnsafeRawBufferPointer, of tail: Tail) {
        tail.partial += bytes
        if tail.partial.count > scanOptions.maxLineLength {
            tail.partial = []
            tail.discarding = true
        }
    }

    /// Whole lines (the last may lack its newline only when the file is let go) through the
    /// pipeline. `tail.line` stays the truth about where the file is (a copy continues from
    /// its original's line); the scanner numbers the block's lines from there.
    private func deliver(_ block: UnsafeRawBufferPointer, of tail: Tail) {
        guard let scanner = scanner(for: tail) else {
            // No format known yet: the lines are passed over, but still numbered.
            tail.line += authlog_count_newlines(block.baseAddress!.assumingMemoryBound(to: UInt8.self), block.count)
            if block.last != 0x0A { tail.line += 1 }
            return
        }
        scanner.path = tail.path
        startOverIfReadAgain(scanner, tail)
        scanner.continueCounting(afterLine: tail.line)
        scanner.scan(block, into: &sinks)
        tail.line = scanner.stats.lines
    }

    private func skipOverlongLine(of tail: Tail) {
        guard let scanner = tail.scanner else {
            tail.line += 1
            return
        }
        startOverIfReadAgain(scanner, tail)
        scanner.continueCounting(afterLine: tail.line)
        scanner.skipOverlongLine()
        tail.line = scanner.stats.lines
    }

    /// The file is read again from an earlier line than the scanner reached (truncated or
    /// rewritten: `Tail.restart`): the parts of a long line it holds are no head of the new
    /// lines, whose tail would otherwise be joined to them.
    private func startOverIfReadAgain(_ scanner: FileScanner, _ tail: Tail) {
        if tail.line < scanner.stats.lines { scanner.forgetHeldParts() }
    }

    /// The format is chosen as the scan chooses it (`FormatChoice`), from the file's first
    /// bytes, once there are some.
    private func scanner(for tail: Tail) -> FileScanner? {
        if let scanner = tail.scanner { return scanner }
        if tail.detectionFailed { return nil }
        var sample = [UInt8](repeating: 0, count: FormatChoice.sampleSize)
        var got = 0
        if scanOptions.formatOverride == nil {
            got = max(0, sample.withUnsafeMutableBytes { pread(tail.descriptor, $0.baseAddress, $0.count, 0) })
        }
        let choice = sample.withUnsafeBytes { raw in
            FormatChoice(patterns: patterns, formatOverride: scanOptions.formatOverride,
                         formatsByPath: scanOptions.formatsByPath)
                .choose(sample: UnsafeRawBufferPointer(rebasing: raw[..<got]), input: LogInput(path: tail.path, isExplicit: true))
        }
        switch choice {
        case .success(let chosen):
            guard let format = chosen.format else { return nil }  // nothing written yet
            // "Now" for year-less syslog times is when the file is first read, not when
            // follow started: it may run for months.
            let classifier = pipeline.makeClassifier(format, now: Int64(Date().timeIntervalSince1970))
            // A container log is read through its envelope here as in a scan: the inner lines
            // are the server's.
            let scanner = pipeline.makeScanner(classifier, path: tail.path, forced: chosen.forced, mixed: chosen.mixed,
                                               envelope: chosen.envelope)
            tail.scanner = scanner
            return scanner
        case .failure:
            // Too little to tell yet, or not a format authlog knows.
            if scanOptions.formatOverride == nil, got >= 4096 {
                tail.detectionFailed = true
                diagnostics?.warning("\(tail.path): not a log format authlog knows; not followed (choose one with --log-format)")
            }
            return nil
        }
    }

    /// Lines skipped in what was just read, said at once (a live log should not wait for the
    /// end), in the scan's words, and kept for the end.
    private func reportSkips(of tail: Tail) {
        guard let skips = tail.scanner?.takeSkips(), !skips.counts.isEmpty else { return }
        let count = skips.counts.values.reduce(0, +)
        diagnostics?.warning("\(tail.path): skipped \(count) line(s): \(SkipReason.describe(skips.counts, firstLines: skips.firstLines))")
        if let index = skipTotals.firstIndex(where: { $0.path == tail.path }) {
            skipTotals[index].counts.merge(skips.counts, uniquingKeysWith: +)
            skipTotals[index].firstLines.merge(skips.firstLines) { first, _ in first }
        } else {
            skipTotals.append((tail.path, skips.counts, skips.firstLines))
        }
    }

    /// At the end, as a scan ends: the lines skipped per file while it was followed.
    func reportSkipTotals() {
        for (path, counts, firstLines) in skipTotals {
            let count = counts.values.reduce(0, +)
            diagnostics?.warning("\(path): skipped \(count) line(s) while followed: \(SkipReason.describe(counts, firstLines: firstLines))")
        }
    }
}
