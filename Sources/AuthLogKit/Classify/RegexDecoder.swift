import PCRE2

/// The decoder of text logs: the format's `head` regex, whose named groups are the fields
/// (`time`, `ip`, `user`, `request`, `status`…), and whose end is where the message begins.
/// A wrapper's head (syslog) is followed by the head of the format it wraps, which decodes
/// the inner bytes in the same match.
///
/// For speed the head is fused with its format's rules: their message patterns follow the
/// head in one regex, marked `(*MARK:n)` (see `RuleParts`), so a line costs one PCRE2 call
/// however many rules there are, and the mark names the first message pattern that matched.
/// Rules of field tests only need no branch; the tests run on the fields after the match.
/// `decode(_:into:)` alone (the head without the rules) serves what only needs the fields:
/// the time of a file's first line, and whether a line is the format's at all.
final class RegexDecoder: RecordDecoder {
    static let name = "regex"

    let head: Regex
    let headGroups: FieldGroups
    let decodedFields: Set<RecordField>

    init(head: Regex) {
        self.head = head
        self.headGroups = FieldGroups(head)
        var fields = Set(RecordField.allCases.filter { !head.groupNumbers(named: $0.rawValue).isEmpty })
        if fields.contains(.request) { fields.formUnion([.method, .path]) }
        self.decodedFields = fields
    }

    func makeScratch(limits: MatchLimits) -> any RecordDecoderScratch {
        Scratch(self, limits: limits)
    }

    final class Scratch: RecordDecoderScratch {
        let decoder: RegexDecoder
        private let matcher: Matcher

        init(_ decoder: RegexDecoder, limits: MatchLimits) {
            self.decoder = decoder
            self.matcher = Matcher(decoder.head, limits: limits)
        }

        func decode(_ line: UnsafeRawBufferPointer, into fields: inout RecordFields) -> DecodeOutcome {
            switch matcher.match(line) {
            case .match:
                decoder.headGroups.fill(&fields, from: matcher, subjectEnd: line.count, offset: 0)
                return .record(bytes: line)
            case .noMatch: return .noRecord
            case .limitExceeded, .failed: return .limitExceeded
            }
        }
    }
}

/// Group numbers of the fields authlog reads, looked up once per regex. With duplicate
/// names (one per rule branch) each field has a list, and the set one is taken.
struct FieldGroups: Sendable {
    let time: [Int]
    let syslogTime: [Int]
    let ip: [Int]
    let user: [Int]
    let request: [Int]
    let method: [Int]
    let path: [Int]
    let status: [Int]
    let program: [Int]
    let forwarded: [Int]
    let bytes: [Int]
    /// Set when the rule's own structure leaves the client in doubt (a line cut short).
    let ambiguous: [Int]
    /// The empty group where the head ends (`RuleParts.messageStart`).
    let message: [Int]

    init(_ regex: Regex) {
        time = regex.groupNumbers(named: "time")
        syslogTime = regex.groupNumbers(named: "syslog_time")
        ip = regex.groupNumbers(named: "ip")
        user = regex.groupNumbers(named: "user")
        request = regex.groupNumbers(named: "request")
        method = regex.groupNumbers(named: "method")
        path = regex.groupNumbers(named: "path")
        status = regex.groupNumbers(named: "status")
        program = regex.groupNumbers(named: "program")
        forwarded = regex.groupNumbers(named: "forwarded")
        bytes = regex.groupNumbers(named: "bytes")
        ambiguous = regex.groupNumbers(named: "ambiguous")
        message = regex.groupNumbers(named: "message")
    }

    /// Sets each field not set yet to its group's range, shifted by `offset` (the subject's
    /// start in the record's bytes: a message matched on its own).
    @inline(__always)
    func fill(_ fields: inout RecordFields, from matcher: Matcher, subjectEnd: Int, offset: Int) {
        if fields.time == nil { fields.time = Self.range(time, matcher, offset) }
        if fields.syslogTime == nil { fields.syslogTime = Self.range(syslogTime, matcher, offset) }
        if fields.ip == nil { fields.ip = Self.range(ip, matcher, offset) }
        if fields.user == nil { fields.user = Self.range(user, matcher, offset) }
        if fields.request == nil { fields.request = Self.range(request, matcher, offset) }
        if fields.method == nil { fields.method = Self.range(method, matcher, offset) }
        if fields.path == nil { fields.path = Self.range(path, matcher, offset) }
        if fields.status == nil { fields.status = Self.range(status, matcher, offset) }
        if fields.program == nil { fields.program = Self.range(program, matcher, offset) }
        if !forwarded.isEmpty, fields.forwarded == nil { fields.forwarded = Self.range(forwarded, matcher, offset) }
        if !bytes.isEmpty, fields.bytes == nil { fields.bytes = Self.range(bytes, matcher, offset) }
        if !fields.ambiguous { fields.ambiguous = matcher.range(ofFirstSetGroupIn: ambiguous) != nil }
        if fields.message == nil, let start = matcher.range(ofFirstSetGroupIn: message)?.lowerBound {
            fields.message = (start + offset)..<(subjectEnd + offset)
        }
    }

    @inline(__always)
    private static func range(_ numbers: [Int], _ matcher: Matcher, _ offset: Int) -> Range<Int>? {
        guard let range = matcher.range(ofFirstSetGroupIn: numbers) else { return nil }
        return (range.lowerBound + offset)..<(range.upperBound + offset)
    }
}
