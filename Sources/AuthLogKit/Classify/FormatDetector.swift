import PCRE2

/// Decides a file's format from its first lines, so that an admin can point authlog at
/// /var/log and each file is read the right way.
///
/// Each format's `detect` regex is tried at the start of up to `sampleLines` lines; the
/// format matching the most lines wins. Combined access logs look the same whichever server
/// wrote them, so ties are broken by words of the file's path (`/var/log/nginx/…`), then by
/// lines matching a format's `hint` (content only that server writes, such as nginx's
/// upper-case `\xHH`), then by the order of the pattern files.
struct FormatDetector {
    let formats: [CompiledFormat]
    var sampleLines = 200

    struct Score: Comparable {
        var detected = 0
        var hinted = 0
        var pathHinted = false

        static func < (lhs: Score, rhs: Score) -> Bool {
            if lhs.detected != rhs.detected { return lhs.detected < rhs.detected }
            if lhs.pathHinted != rhs.pathHinted { return !lhs.pathHinted }
            return lhs.hinted < rhs.hinted
        }
    }

    func detect(sample: UnsafeRawBufferPointer, path: String) -> CompiledFormat? {
        detectWithMix(sample: sample, path: path)?.format
    }

    /// The format, and whether the sample also holds lines only another format reads (an
    /// access log with error lines in it, as `docker logs` writes them): such a file's lines
    /// must all reach the classifier, which reads them with the other formats.
    func detectWithMix(sample: UnsafeRawBufferPointer, path: String) -> (format: CompiledFormat, mixed: Bool)? {
        let matchers = formats.map { format in
            (detect: Matcher(format.detect), hint: format.hint.map { Matcher($0) })
        }
        var scores = [Score](repeating: Score(), count: formats.count)
        // Per sampled line, the formats that read it (a bit each; more formats than bits are
        // left out of the mix test, not of detection).
        var readers: [UInt64] = []
        let lowerPath = path.lowercased()
        for (index, format) in formats.enumerated() {
            scores[index].pathHinted = format.definition.pathHints.contains { lowerPath.contains($0) }
        }

        guard let base = sample.baseAddress else { return nil }
        var start = 0
        var examined = 0
        while start < sample.count, examined < sampleLines {
            var end = ByteSearch.first(0x0A, in: base, from: start, to: sample.count) ?? sample.count
            let next = end + 1
            if end > start, sample[end - 1] == 0x0D { end -= 1 }
            defer { start = next }
            guard end > start else { continue }
            examined += 1
            let line = UnsafeRawBufferPointer(rebasing: sample[start..<end])
            var lineReaders: UInt64 = 0
            for index in formats.indices {
                if matchers[index].detect.match(line) == .match {
                    if index < 64 { lineReaders |= 1 << UInt64(index) }
                    scores[index].detected += 1
                    if let hint = matchers[index].hint, hint.match(line) == .match { scores[index].hinted += 1 }
                }
            }
            readers.append(lineReaders)
        }
        var best: Int? = nil
        for index in formats.indices where scores[index].detected > 0 {
            if best == nil || scores[best!] < scores[index] { best = index }
        }
        guard let best else { return nil }
        let bestBit: UInt64 = best < 64 ? 1 << UInt64(best) : 0
        let mixed = bestBit != 0 && readers.contains { $0 != 0 && $0 & bestBit == 0 }
        return (formats[best], mixed)
    }
}
