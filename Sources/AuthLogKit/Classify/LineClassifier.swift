import Foundation
import PCRE2

/// Decodes single lines of one compiled format, selects the rule they satisfy and turns a
/// match into an `AuthEvent`.
///
/// One per worker: it owns the decoder's scratch, the rules' matchers and the timestamp
/// cache. Only the fields of a matching line are ever decoded into strings; a line that does
/// not match costs one PCRE2 call (a regex-decoded format) and nothing else.
final class LineClassifier {
    enum Outcome {
        case event(AuthEvent)
        /// A request that is no failure, kept for pairing and findings (`cause = none`).
        case attempt(RequestAttempt)
        case noMatch
        /// The match hit a PCRE2 limit: the line cannot be judged and is counted as skipped.
        case limitExceeded
    }

    let format: CompiledFormat
    private let selector: RuleSelector
    /// The decoder's own state: the head alone for a regex-decoded format (the time of a
    /// first line; whether a line is the format's), every line's fields for another decoder.
    private lazy var scratch: any RecordDecoderScratch = format.decoder.makeScratch(limits: limits)
    /// Set for a format read by another decoder than the regex one: its lines are decoded
    /// first, then the rules' message patterns (if any) run on the message.
    private let decodesThroughScratch: Bool
    private let timestamps: TimestampParser
    /// `ambiguous-user` matchers, by format name, made when first needed.
    /// Per rule: its format's `ambiguous-user` matcher, made when first needed. Per rule
    /// rather than per format name, so a matched line costs no hashing of a name.
    private var ambiguousUserMatchers: [Matcher?]
    private let ambiguousUserRegexes: [Regex?]
    /// Per rule: its format writes user names backslash-escaped.
    private let decodesEscapes: [Bool]
    private let limits: MatchLimits

    /// The other formats, for lines this format's head rejects: a file whose lines switch
    /// format (an error log that moved to syslog halfway, `docker logs` mixing access and
    /// error lines). Built when first needed; they have no fallbacks of their own.
    private let otherFormats: [CompiledFormat]
    private let timeZone: TimeZone
    private let now: Int64
    /// Whose `forwarded` header names the client (`--trusted-proxy`); empty: nobody's.
    private let trustedProxies: TrustedProxies
    /// A wrapper's selectors by set of inner formats, and by the program names seen last
    /// (a syslog file interleaves a few programs: most lines find theirs in the first entries).
    private var selectorsByFormats: [UInt64: RuleSelector] = [:]
    private var recentPrograms: [(name: [UInt8], selector: RuleSelector)] = []
    private var nextRecentProgram = 0
    private lazy var fallbacks: [LineClassifier] = otherFormats.map {
        LineClassifier(format: $0, limits: limits, timeZone: timeZone, now: now, trustedProxies: trustedProxies)
    }

    init(format: CompiledFormat, limits: MatchLimits, timeZone: TimeZone, now: Int64,
         otherFormats: [CompiledFormat] = [], trustedProxies: TrustedProxies = TrustedProxies([])) {
        self.format = format
        self.selector = RuleSelector(format: format, limits: limits)
        self.decodesThroughScratch = format.regexDecoder == nil
        self.timestamps = TimestampParser(localZone: timeZone, now: now)
        self.limits = limits
        self.otherFormats = otherFormats.filter { $0 !== format }
        self.timeZone = timeZone
        self.now = now
        self.trustedProxies = trustedProxies
        self.decodesEscapes = format.rules.map { format.decodesEscapes.contains($0.format) }
        self.ambiguousUserRegexes = format.rules.map { format.ambiguousUser[$0.format] }
        self.ambiguousUserMatchers = Array(repeating: nil, count: format.rules.count)
    }

    /// Which lines can give this format an outcome: those holding one of its literals, those
    /// naming a user (`prefilter = named-user`), or every line.
    typealias WantedLines = (literals: [[UInt8]], namedUsers: Bool, everyLine: Bool)

    var linesWanted: WantedLines {
        (format.literals, format.findsNamedUsers, format.matchesEveryLine)
    }

    /// The same for a file whose lines mix formats: the lines any of the formats wants.
    var linesWantedWithOtherFormats: WantedLines {
        var literals = format.literals
        for other in otherFormats {
            for literal in other.literals where !literals.contains(literal) { literals.append(literal) }
        }
        let everyLine = format.matchesEveryLine || otherFormats.contains(where: \.matchesEveryLine)
        return (everyLine ? [] : literals, format.findsNamedUsers || otherFormats.contains(where: \.findsNamedUsers), everyLine)
    }

    /// The time a line states, read by the format's decoder alone: the first line of a file
    /// tells when the log begins, whatever the line says.
    func time(of line: UnsafeRawBufferPointer) -> Int64? {
        var fields = RecordFields()
        guard case .record(let bytes) = scratch.decode(line, into: &fields) else { return nil }
        for range in [fields.time, fields.syslogTime] {
            if let range { return timestamps.parse(UnsafeRawBufferPointer(rebasing: bytes[range])) }
        }
        return nil
    }

    func classify(_ line: UnsafeRawBufferPointer, file: String, lineNumber: Int) -> Outcome {
        var fields = RecordFields()
        var record = line
        let selection: RuleSelector.Selection
        if let routes = format.programRoutes {
            switch scratch.decode(line, into: &fields) {
            case .record: selection = selectWrapped(line, routes: routes, fields: &fields)
            case .noRecord: return otherFormats.isEmpty ? .noMatch : classifyWithOtherFormats(line, file: file, lineNumber: lineNumber)
            case .limitExceeded: return .limitExceeded
            }
        } else if !decodesThroughScratch {
            selection = selector.select(line, offset: 0, record: line, fields: &fields, base: RecordFields())
        } else {
            switch scratch.decode(line, into: &fields) {
            case .record(let decoded): record = decoded
            case .noRecord: return otherFormats.isEmpty ? .noMatch : classifyWithOtherFormats(line, file: file, lineNumber: lineNumber)
            case .limitExceeded: return .limitExceeded
            }
            selection = selectOnMessage(of: record, fields: &fields)
        }
        let ruleIndex: Int
        switch selection {
        case .rule(let index): ruleIndex = index
        case .none:
            return otherFormats.isEmpty ? .noMatch : classifyWithOtherFormats(line, file: file, lineNumber: lineNumber)
        case .limitExceeded: return .limitExceeded
        }
        return outcome(of: format.rules[ruleIndex], index: ruleIndex, fields: fields, in: record, file: file,
                       lineNumber: lineNumber)
    }

    /// A non-regex decoder's record: the rules' message patterns, when there are any, run on
    /// the message the decoder read (an absent message is empty).
    private func selectOnMessage(of bytes: UnsafeRawBufferPointer, fields: inout RecordFields) -> RuleSelector.Selection {
        guard format.hasMessagePatterns else { return selector.selectByTests(record: bytes, fields: fields) }
        let message = fields.message ?? bytes.endIndex..<bytes.endIndex
        let decoded = fields
        return selector.select(UnsafeRawBufferPointer(rebasing: bytes[message]), offset: message.lowerBound,
                               record: bytes, fields: &fields, base: decoded)
    }

    /// A wrapped line (its head decoded into `fields`): the rules of the formats its program
    /// writes, matched on the message.
    private func selectWrapped(_ line: UnsafeRawBufferPointer, routes: WrappedProgramRoutes,
                               fields: inout RecordFields) -> RuleSelector.Selection {
        guard let message = fields.message?.lowerBound,
              let chosen = wrappedSelector(program: fields.program.map { UnsafeRawBufferPointer(rebasing: line[$0]) },
                                           routes: routes) else {
            return selector.select(line, offset: 0, record: line, fields: &fields, base: RecordFields())
        }
        var base = fields
        // Where the inner head ends is the message, as when one regex read both heads.
        base.message = nil
        // Matched in the whole line from the message on: an inner head may look behind it
        // (wp-fail2ban's checks the program's tag).
        return chosen.select(line, from: message, offset: 0, record: line, fields: &fields, base: base)
    }

    private func wrappedSelector(program: UnsafeRawBufferPointer?, routes: WrappedProgramRoutes) -> RuleSelector? {
        var name = program ?? UnsafeRawBufferPointer(start: nil, count: 0)
        // `wordpress(HOST)`: the part in parentheses is the request's Host header, the
        // client's text. It neither chooses formats nor makes each line a new name.
        if let open = name.firstIndex(of: UInt8(ascii: "(")) { name = UnsafeRawBufferPointer(rebasing: name[..<open]) }
        for entry in recentPrograms where entry.name.elementsEqual(name) { return entry.selector }
        let formats = routes.formats(forProgram: name)
        let chosen: RuleSelector
        if let known = selectorsByFormats[formats] {
            chosen = known
        } else {
            guard let program = routes.program(for: formats) else { return nil }
            chosen = RuleSelector(format: format, program: program, limits: limits)
            selectorsByFormats[formats] = chosen
        }
        let entry = (name: [UInt8](name), selector: chosen)
        if recentPrograms.count < 8 {
            recentPrograms.append(entry)
        } else {
            recentPrograms[nextRecentProgram] = entry
            nextRecentProgram = (nextRecentProgram + 1) % recentPrograms.count
        }
        return chosen
    }

    /// The event or request record of a line `rule` matched, its fields turned into values.
    private func outcome(of rule: CompiledRule, index ruleIndex: Int, fields: RecordFields, in line: UnsafeRawBufferPointer,
                         file: String, lineNumber: Int) -> Outcome {
        var time: Int64? = nil
        if let raw = bytes(fields.time, in: line) { time = timestamps.parse(raw) }
        if time == nil, let raw = bytes(fields.syslogTime, in: line) { time = timestamps.parse(raw) }

        var method = text(fields.method, in: line)
        var path = bytes(fields.path, in: line).map { FieldDecoding.string(Self.withoutQuery($0)) }
        var route: String? = nil
        if let request = bytes(fields.request, in: line) {
            let parts = Self.split(request: request)
            if method == nil { method = parts.method.map(FieldDecoding.string) }
            if path == nil { path = parts.path.map { FieldDecoding.string(Self.withoutQuery($0)) } }
            route = parts.path.flatMap(format.routes.route(of:))
        }

        let userBytes = bytes(fields.user, in: line)
        var user = userBytes.map { raw in
            decodesEscapes[ruleIndex] ? FieldDecoding.unescapedString(raw) : FieldDecoding.string(raw)
        }
        if user == "-" || user == "" { user = nil }
        var ip = text(fields.ip, in: line)
        if ip != nil, isAmbiguous(rule: ruleIndex, fields: fields, userBytes: userBytes) { ip = nil }
        var peer: String? = nil
        // Only with --trusted-proxy: without it a header is the client's word, never believed.
        if !trustedProxies.isEmpty, let connecting = ip, let header = bytes(fields.forwarded, in: line),
           let client = trustedProxies.client(peer: connecting, forwarded: FieldDecoding.string(header)) {
            peer = connecting
            ip = client
        }
        var status = rule.status
        if let raw = bytes(fields.status, in: line), let value = Self.integer(raw) { status = value }

        var formatName = rule.format
        var ruleID = rule.qualifiedID
        if !rule.equivalents.isEmpty, let program = text(fields.program, in: line)?.lowercased() {
            let hints = format.pathHintsByFormat[formatName] ?? []
            if !hints.contains(where: program.contains),
               let better = rule.equivalents.first(where: { $0.pathHints.contains(where: program.contains) }) {
                formatName = better.format
                ruleID = better.qualifiedID
            }
        }

        // Another literal may have brought an anonymous line to a named-user rule.
        if rule.findsNamedUsers, user == nil { return .noMatch }
        var attempts = 1
        if let estimate = rule.attemptsFromSize {
            // A body off the estimate's lattice is no answer of faults (a call that worked):
            // kept as a request that is no failure, as the rules after this one would keep it.
            guard let raw = bytes(fields.bytes, in: line), let size = Self.integer(raw),
                  let estimated = estimate.attempts(bytes: size) else {
                return .attempt(RequestAttempt(time: time, file: file, line: lineNumber, format: formatName,
                                               ip: ip, method: method, path: path, route: route,
                                               status: status, user: user, rule: ruleID, peer: peer))
            }
            attempts = estimated
        }
        guard let cause = rule.cause else {
            return .attempt(RequestAttempt(time: time, file: file, line: lineNumber, format: formatName,
                                           ip: ip, method: method, path: path, route: route,
                                           status: status, user: user, rule: ruleID, peer: peer))
        }
        return .event(AuthEvent(
            time: time, file: file, line: lineNumber, format: formatName, ip: ip,
            method: method, path: path, status: status, user: user, cause: cause,
            rule: ruleID, route: route, peer: peer, attempts: attempts))
    }

    /// A line no rule of this format matched: if the format's own decoder reads it, it is
    /// this format's line and no failure; otherwise the first other format that reads it
    /// decides. Only lines that reached PCRE2 and failed get here, so a file of one format
    /// pays one more head match on those rare lines.
    private func classifyWithOtherFormats(_ line: UnsafeRawBufferPointer, file: String, lineNumber: Int) -> Outcome {
        var fields = RecordFields()
        switch scratch.decode(line, into: &fields) {
        case .record: return .noMatch
        case .noRecord: break
        case .limitExceeded: return .limitExceeded
        }
        for other in fallbacks {
            let outcome = other.classify(line, file: file, lineNumber: lineNumber)
            if case .noMatch = outcome { continue }
            return outcome
        }
        return .noMatch
    }

    /// True when the line has another reading that names another client: a rule's
    /// `(?<ambiguous>)` group is set (a line cut short), or the user name holds an unfinished
    /// copy of the line's context (the format's `ambiguous-user`). The event is kept; its
    /// client is not believed, so nothing can be made to blame an address it chose.
    private func isAmbiguous(rule: Int, fields: RecordFields, userBytes: UnsafeRawBufferPointer?) -> Bool {
        if fields.ambiguous { return true }
        guard let userBytes, let regex = ambiguousUserRegexes[rule] else { return false }
        let check: Matcher
        if let existing = ambiguousUserMatchers[rule] {
            check = existing
        } else {
            check = Matcher(regex, limits: limits)
            ambiguousUserMatchers[rule] = check
        }
        // A check that cannot finish (a match limit) leaves the client in doubt too.
        return check.match(userBytes) != .noMatch
    }

    @inline(__always)
    private func bytes(_ range: Range<Int>?, in line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        range.map { UnsafeRawBufferPointer(rebasing: line[$0]) }
    }

    @inline(__always)
    private func text(_ range: Range<Int>?, in line: UnsafeRawBufferPointer) -> String? {
        bytes(range, in: line).map(FieldDecoding.string)
    }

    /// `METHOD URI PROTO` → method and URI, split at single spaces like the servers write
    /// them. A request line without a space (`-`, a TLS handshake) has neither.
    static func split(request: UnsafeRawBufferPointer) -> (method: UnsafeRawBufferPointer?, path: UnsafeRawBufferPointer?) {
        guard let firstSpace = request.firstIndex(of: UInt8(ascii: " ")) else { return (nil, nil) }
        let afterMethod = request[(firstSpace + 1)...]
        let uriEnd = afterMethod.firstIndex(of: UInt8(ascii: " ")) ?? request.endIndex
        return (UnsafeRawBufferPointer(rebasing: request[..<firstSpace]),
                UnsafeRawBufferPointer(rebasing: request[(firstSpace + 1)..<uriEnd]))
    }

    static func withoutQuery(_ uri: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard let question = uri.firstIndex(of: UInt8(ascii: "?")) else { return uri }
        return UnsafeRawBufferPointer(rebasing: uri[..<question])
    }

    static func integer(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 9 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}
