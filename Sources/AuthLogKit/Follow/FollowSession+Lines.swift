import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reading a followed file's new bytes as lines, and the lines as events.
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
            guard got > 0 else { return }
            if tail.offset < Tail.headLength, tail.head.count == tail.offset {
                tail.head += readBuffer[0..<min(got, Tail.headLength - tail.offset)]
            }
            tail.offset += got
            readBuffer.withUnsafeBytes { consume(UnsafeRawBufferPointer(rebasing: $0[..<got]), of: tail) }
        }
    }

    private func consume(_ bytes: UnsafeRawBufferPointer, of tail: Tail) {
        var start = 0
        while let newline = bytes[start...].firstIndex(of: 0x0A) {
            if tail.discarding {
                tail.discarding = false
                tail.line += 1
            } else if tail.partial.isEmpty {
                handle(line: UnsafeRawBufferPointer(rebasing: bytes[start..<newline]), of: tail)
            } else {
                tail.partial += bytes[start..<newline]
                let line = tail.partial
                tail.partial = []
                line.withUnsafeBytes { handle(line: $0, of: tail) }
            }
            start = newline + 1
        }
        guard start < bytes.count, !tail.discarding else { return }
        tail.partial += bytes[start...]
        if tail.partial.count > scanOptions.maxLineLength {
            tail.partial = []
            tail.discarding = true
            diagnostics?.warning("\(tail.path): line \(tail.line + 1) is longer than \(scanOptions.maxLineLength) bytes; skipped")
        }
    }

    func handle(line raw: UnsafeRawBufferPointer, of tail: Tail) {
        tail.line += 1
        guard let classifier = classifier(for: tail) else { return }
        var line = raw
        if let last = line.last, last == 0x0D { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
        if line.contains(0) { return }  // binary junk
        guard case .event(let event) = classifier.classify(line, file: tail.path, lineNumber: tail.line) else { return }
        aggregate.add(event)
        output?.event(event)
        for alert in alerts.add(event, now: Int64(Date().timeIntervalSince1970)) {
            output?.alert(alert)
            executor?.submit(alert)
        }
    }

    private func classifier(for tail: Tail) -> LineClassifier? {
        if let classifier = tail.classifier { return classifier }
        if tail.detectionFailed { return nil }
        var format: CompiledFormat?
        if let name = scanOptions.formatOverride {
            format = patterns.format(named: name)
        } else {
            var sample = [UInt8](repeating: 0, count: 64 << 10)
            let got = sample.withUnsafeMutableBytes { pread(tail.descriptor, $0.baseAddress, $0.count, 0) }
            if got > 0 {
                format = sample.withUnsafeBytes {
                    FormatDetector(formats: patterns.formats).detect(sample: UnsafeRawBufferPointer(rebasing: $0[..<got]), path: tail.path)
                }
            }
            if format == nil, got >= 4096 {
                tail.detectionFailed = true
                diagnostics?.warning("\(tail.path): not a log format authlog knows; not followed (choose one with --log-format)")
            }
        }
        guard let format else { return nil }
        let classifier = LineClassifier(format: format, limits: scanOptions.matchLimits, timeZone: scanOptions.timeZone,
                                        now: Int64(Date().timeIntervalSince1970))
        tail.classifier = classifier
        return classifier
    }
}
