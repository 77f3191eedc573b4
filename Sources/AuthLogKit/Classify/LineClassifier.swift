import Foundation
import PCRE2

/// Matches single lines against one compiled format and turns a match into an `AuthEvent`.
///
/// One per worker: it owns the PCRE2 match data and the timestamp cache. Only the fields of
/// a matching line are ever decoded into strings; a line that does not match costs one
/// PCRE2 call and nothing else.
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
    /// One matcher per regex of the format (one, unless a user's rules outgrew PCRE2's size
    /// limit), and the one that matched the current line with a copy of its group numbers,
    /// read on every match without going through the shared format object.
    private let matchers: [Matcher]
    private let partGroups: [FieldGroups]
    private var matcher: Matcher
    private var groups: FieldGroups
    private let timestamps: TimestampParser
    private lazy var headMatcher = Matcher(format.head, limits: limits)
    /// `ambiguous-user` matchers, by format name, made when first needed.
    private var ambiguousUserMatchers: [String: Matcher] = [:]
    private let limits: MatchLimits

    /// The other formats, for lines this format's head rejects: a file whose lines switch
    /// format (an error log that moved to syslog halfway, `docker logs` mixing access and
    /// error lines). Built when first needed; they have no fallbacks of their own.
    private let otherFormats: [CompiledFormat]
    private let timeZone: TimeZone
    private let now: Int64
    private lazy var fallbacks: [LineClassifier] = otherFormats.map {
        LineClassifier(format: $0, limits: limits, timeZone: timeZone, now: now)
    }

    init(format: CompiledFormat, limits: MatchLimits, timeZone: TimeZone, now: Int64,
         otherFormats: [CompiledFormat] = []) {
        self.format = format
        self.matchers = format.parts.map { Matcher($0.regex, limits: limits) }
        self.partGroups = format.parts.map(\.groups)
        self.matcher = matchers[0]
        self.groups = partGroups[0]
        self.timestamps = TimestampParser(localZone: timeZone, now: now)
        self.limits = limits
        self.otherFormats = otherFormats.filter { $0 !== format }
        self.timeZone = timeZone
        self.now = now
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

    /// The time a line states, read by the format's head alone: the first line of a file
    /// tells when the log begins, whatever the line says.
    func time(of line: UnsafeRawBufferPointer) -> Int64? {
        guard case .match = headMatcher.match(line) else { return nil }
        for numbers in [format.headGroups.time, format.headGroups.syslogTime] {
            if let range = headMatcher.range(ofFirstSetGroupIn: numbers) {
                return timestamps.parse(UnsafeRawBufferPointer(rebasing: line[range]))
            }
        }
        return nil
    }

    func classify(_ line: UnsafeRawBufferPointer, file: String, lineNumber: Int) -> Outcome {
        switch matchParts(line) {
        case .match:
            break
        case .noMatch:
            return otherFormats.isEmpty ? .noMatch : classifyWithOtherFormats(line, file: file, lineNumber: lineNumber)
        case .limitExceeded, .failed:
            return .limitExceeded
        }
        guard let markIndex = matcher.markNumber(), markIndex < format.rules.count else { return .noMatch }
        let rule = format.rules[markIndex]

        var time: Int64? = nil
        if let raw = bytes(groups.time, in: line) { time = timestamps.parse(raw) }
        if time == nil, let raw = bytes(groups.syslogTime, in: line) { time = timestamps.parse(raw) }

        var method = text(groups.method, in: line)
        var path = bytes(groups.path, in: line).map { FieldDecoding.string(Self.withoutQuery($0)) }
        var route: String? = nil
        if let request = bytes(groups.request, in: line) {
            let parts = Self.split(request: request)
            if method == nil { method = parts.method.map(FieldDecoding.string) }
            if path == nil { path = parts.path.map { FieldDecoding.string(Self.withoutQuery($0)) } }
            route = parts.path.flatMap(RESTRoute.of(uri:))
        }

        let userBytes = bytes(groups.user, in: line)
        var user = userBytes.map { raw in
            format.decodesEscapes.contains(rule.format) ? FieldDecoding.unescapedString(raw) : FieldDecoding.string(raw)
        }
        if user == "-" || user == "" { user = nil }
        var ip = text(groups.ip, in: line)
        if ip != nil, isAmbiguous(format: rule.format, userBytes: userBytes) { ip = nil }
        var status = rule.status
        if let raw = bytes(groups.status, in: line), let value = Self.integer(raw) { status = value }

        var formatName = rule.format
        var ruleID = rule.qualifiedID
        if !rule.equivalents.isEmpty, let program = text(groups.program, in: line)?.lowercased() {
            let hints = format.pathHintsByFormat[formatName] ?? []
            if !hints.contains(where: program.contains),
               let better = rule.equivalents.first(where: { $0.pathHints.contains(where: program.contains) }) {
                formatName = better.format
                ruleID = better.qualifiedID
            }
        }

        // Another literal may have brought an anonymous line to a named-user rule.
        if rule.findsNamedUsers, user == nil { return .noMatch }
        guard let cause = rule.cause else {
            return .attempt(RequestAttempt(time: time, file: file, line: lineNumber, format: formatName,
                                           ip: ip, method: method, path: path, route: route,
                                           status: status, user: user, rule: ruleID))
        }
        return .event(AuthEvent(
            time: time, file: file, line: lineNumber, format: formatName, ip: ip,
            method: method, path: path, status: status, user: user, cause: cause,
            rule: ruleID, route: route))
    }

    /// The format's regexes in order, the first that matches decides (as the first matching
    /// branch of one alternation would); `matcher` and `groups` are then that regex's.
    @inline(__always)
    private func matchParts(_ line: UnsafeRawBufferPointer) -> MatchOutcome {
        if matchers.count == 1 { return matcher.match(line) }
        for index in matchers.indices {
            let result = matchers[index].match(line)
            if case .noMatch = result { continue }
            matcher = matchers[index]
            groups = partGroups[index]
            return result
        }
        return .noMatch
    }

    /// A line no rule of this format matched: if the format's own head accepts it, it is
    /// this format's line and no failure; otherwise the first other format that reads it
    /// decides. Only lines that reached PCRE2 and failed get here, so a file of one format
    /// pays one more head match on those rare lines.
    private func classifyWithOtherFormats(_ line: UnsafeRawBufferPointer, file: String, lineNumber: Int) -> Outcome {
        switch headMatcher.match(line) {
        case .match: return .noMatch
        case .noMatch: break
        case .limitExceeded, .failed: return .limitExceeded
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
    private func isAmbiguous(format name: String, userBytes: UnsafeRawBufferPointer?) -> Bool {
        if matcher.range(ofFirstSetGroupIn: groups.ambiguous) != nil { return true }
        guard let userBytes, let regex = format.ambiguousUser[name] else { return false }
        let check: Matcher
        if let existing = ambiguousUserMatchers[name] {
            check = existing
        } else {
            check = Matcher(regex, limits: limits)
            ambiguousUserMatchers[name] = check
        }
        // A check that cannot finish (a match limit) leaves the client in doubt too.
        return check.match(userBytes) != .noMatch
    }

    @inline(__always)
    private func bytes(_ numbers: [Int], in line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard let range = matcher.range(ofFirstSetGroupIn: numbers) else { return nil }
        return UnsafeRawBufferPointer(rebasing: line[range])
    }

    @inline(__always)
    private func text(_ numbers: [Int], in line: UnsafeRawBufferPointer) -> String? {
        bytes(numbers, in: line).map(FieldDecoding.string)
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
