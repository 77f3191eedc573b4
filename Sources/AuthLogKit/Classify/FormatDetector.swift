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
        let matchers = formats.map { format in
            (detect: Matcher(format.detect), hint: format.hint.map { Matcher($0) })
        }
        var scores = [Score](repeating: Score(), count: formats.count)
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
            for index in formats.indices {
                if matchers[index].detect.match(line) == .match {
                    scores[index].detected += 1
                    if let hint = matchers[index].hint, hint.match(line) == .match { scores[index].hinted += 1 }
                }
            }
        }
        var best: Int? = nil
        for index in formats.indices where scores[index].detected > 0 {
            if best == nil || scores[best!] < scores[index] { best = index }
        }
        return best.map { formats[$0] }
    }
}
