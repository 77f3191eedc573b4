/// A wrapper around each line of a log, put there by whatever stored it rather than by the
/// server that wrote the line: the container runtime (CRI, docker's json-file driver) or
/// journald (`journalctl -o json`). A file whose first lines are wrapped is read through an
/// `EnvelopeReader`, which hands each inner line on to the classifier; the inner lines are
/// classified one by one with every format (a container's stdout and stderr hold the access
/// and the error lines of nginx or httpd in one file).
///
/// Envelopes are not `[format]`s: they carry no rules, and a format's rules are untouched by
/// being read from inside one. The journal's fields are put back into the syslog form
/// (`TIME HOST PROGRAM: MESSAGE`), so the syslog format's program name decides the inner
/// format exactly as it does for rsyslog's files.
public enum Envelope: String, Sendable, CaseIterable {
    /// `2026-11-20T09:00:00.123456789Z stdout F <line>`; `P` marks a part of a long line.
    case cri
    /// `{"log":"<line>\n","stream":"stdout","time":"…"}`; a part of a long line lacks the `\n`.
    case dockerJSON = "docker-json"
    /// One `journalctl -o json` entry per line.
    case journalJSON = "journal-json"

    /// Lines looked at to decide; most of them must be of one envelope.
    static let sampleLines = 8

    /// The envelope most of the sample's first lines are in, if any.
    static func detect(sample: UnsafeRawBufferPointer) -> Envelope? {
        var counts = [Int](repeating: 0, count: allCases.count)
        var examined = 0
        var start = 0
        var values = [(range: Range<Int>, kind: JSONLineFields.Kind)?](repeating: nil, count: detectionKeys.keys.count)
        while start < sample.count, examined < sampleLines {
            let newline = sample[start...].firstIndex(of: 0x0A)
            let end = newline ?? sample.count
            // The sample may end inside its last line: a JSON line cut short is no evidence.
            if newline == nil, examined > 0 { break }
            let line = UnsafeRawBufferPointer(rebasing: sample[start..<end])
            start = end + 1
            guard !line.isEmpty else { continue }
            examined += 1
            if let kind = kind(of: line, values: &values), let index = allCases.firstIndex(of: kind) { counts[index] += 1 }
        }
        guard let best = counts.indices.max(by: { counts[$0] < counts[$1] }), counts[best] > 0,
              counts[best] * 2 > examined else { return nil }
        return allCases[best]
    }

    private static let detectionKeys = JSONLineFields(["log", "stream", "MESSAGE", "__REALTIME_TIMESTAMP", "__CURSOR"])

    private static func kind(of line: UnsafeRawBufferPointer,
                             values: inout [(range: Range<Int>, kind: JSONLineFields.Kind)?]) -> Envelope? {
        if CRILine(line) != nil { return .cri }
        guard line.first == UInt8(ascii: "{"), detectionKeys.read(line, into: &values) else { return nil }
        if values[0]?.kind == .string, values[1]?.kind == .string { return .dockerJSON }
        if values[2] != nil, values[3] != nil || values[4] != nil { return .journalJSON }
        return nil
    }

    /// The prefilter's literals for the outer lines, from those the inner formats want. CRI
    /// keeps the inner line as it is, plus its partial lines (which join the next one). JSON
    /// escapes `"` and `\` (docker also `<`, `>`, `&`): a literal is searched by its longest run
    /// of bytes no encoder changes (`" 401 ` as ` 401 `), a literal without one makes every
    /// line a candidate. A journal message that is no UTF-8 is an array of numbers, which no
    /// literal finds: such entries are always candidates.
    func outerLines(wanted: LineClassifier.WantedLines) -> LineClassifier.WantedLines {
        guard !wanted.everyLine else { return wanted }
        switch self {
        case .cri:
            return (wanted.literals + [Array(" stdout P ".utf8), Array(" stderr P ".utf8)], wanted.namedUsers, false)
        case .dockerJSON, .journalJSON:
            var literals: [[UInt8]] = []
            for literal in wanted.literals {
                let run = Self.longestUnescapedRun(literal)
                if run.isEmpty { return ([], wanted.namedUsers, true) }
                if !literals.contains(run) { literals.append(run) }
            }
            if self == .journalJSON { literals += [Array("\"MESSAGE\":[".utf8), Array("\"MESSAGE\" : [".utf8)] }
            return (literals, wanted.namedUsers, false)
        }
    }

    /// The longest stretch of `literal` whose bytes JSON encoders write as they are.
    static func longestUnescapedRun(_ literal: [UInt8]) -> [UInt8] {
        var best: ArraySlice<UInt8> = []
        var runStart = 0
        for index in 0...literal.count {
            let kept = index < literal.count && Self.isWrittenAsIs(literal[index])
            if !kept {
                if index - runStart > best.count { best = literal[runStart..<index] }
                runStart = index + 1
            }
        }
        return Array(best)
    }

    private static func isWrittenAsIs(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), 0x7F: return false
        default: return byte >= 0x20
        }
    }
}

/// One CRI log line (`TIME STREAM TAG CONTENT`), as containerd and CRI-O write them under
/// /var/log/pods and /var/log/containers.
struct CRILine {
    let time: Range<Int>
    let isStderr: Bool
    let isPartial: Bool
    let content: Range<Int>

    init?(_ line: UnsafeRawBufferPointer) {
        // RFC 3339 with nanoseconds: at least `2026-11-20T09:00:00Z`.
        guard line.count >= 30, let firstSpace = line.firstIndex(of: 0x20), firstSpace >= 20,
              line[0] >= 0x30, line[0] <= 0x39, line[4] == UInt8(ascii: "-"), line[10] == UInt8(ascii: "T")
        else { return nil }
        let streamStart = firstSpace + 1
        guard streamStart + 9 <= line.count, line[streamStart + 6] == 0x20, line[streamStart + 8] == 0x20 || line[streamStart + 8] == UInt8(ascii: ":")
        else { return nil }
        let stream = line[streamStart..<(streamStart + 6)]
        if stream.elementsEqual("stdout".utf8) {
            isStderr = false
        } else if stream.elementsEqual("stderr".utf8) {
            isStderr = true
        } else {
            return nil
        }
        let tag = line[streamStart + 7]
        guard tag == UInt8(ascii: "F") || tag == UInt8(ascii: "P") else { return nil }
        isPartial = tag == UInt8(ascii: "P")
        // The tag may grow `:`-separated attributes in later runtimes; the content follows
        // the next space.
        guard let contentSpace = line[(streamStart + 8)...].firstIndex(of: 0x20) else { return nil }
        time = 0..<firstSpace
        content = (contentSpace + 1)..<line.count
    }
}
