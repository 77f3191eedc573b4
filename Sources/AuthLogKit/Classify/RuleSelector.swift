import PCRE2

/// Finds the first rule of a format, in the rules' order, whose field tests hold and whose
/// message pattern (if it has one) matches. One per worker and format: it owns the matchers.
///
/// The combined regex reports the first rule whose message pattern matched (its mark) or,
/// through a group's sentinel, that the head matched and no pattern did. The rules of field
/// tests only, which have no branch, are then tested in order before the marked rule. The one
/// case the match cannot settle is a marked rule whose tests fail: the next rule whose pattern
/// matches is unknown, and the line is matched again with the rules after it (compiled when
/// first needed). No built-in rule has both a pattern and tests, and the syslog wrapper
/// resumes only past an access format's rules, so a line normally costs one PCRE2 call.
final class RuleSelector {
    enum Selection {
        case rule(Int)
        case none
        case limitExceeded
    }

    /// A part of the combined regex with its matcher, so one reference holds both.
    final class PartMatcher {
        let part: RulePart
        let matcher: Matcher

        init(_ part: RulePart, limits: MatchLimits) {
            self.part = part
            self.matcher = Matcher(part.regex, limits: limits)
        }
    }

    private let rules: [CompiledRule]
    private let program: RuleProgram
    private let limits: MatchLimits
    private let parts: [PartMatcher]
    /// The rules from a given index on, compiled when a line first needs them.
    private var resumed: [Int: [PartMatcher]] = [:]
    private let fieldRegexes: [Matcher]

    init(format: CompiledFormat, limits: MatchLimits) {
        self.rules = format.rules
        self.program = format.program
        self.limits = limits
        self.parts = format.program.parts.map { PartMatcher($0, limits: limits) }
        self.fieldRegexes = format.fieldRegexes.map { Matcher($0, limits: limits) }
    }

    /// Matches `subject` (the line; or, for a non-regex decoder, the message at `offset` in
    /// the record's `bytes`) and selects the rule. `fields` starts each match as `base` (the
    /// decoder's fields) and gets the groups of the match that decided.
    func select(_ subject: UnsafeRawBufferPointer, offset: Int, record bytes: UnsafeRawBufferPointer,
                fields: inout RecordFields, base: RecordFields) -> Selection {
        var parts = self.parts
        var index = 0
        while index < parts.count {
            let part = parts[index]
            switch part.matcher.match(subject) {
            case .match: break
            case .noMatch:
                index += 1
                continue
            case .limitExceeded, .failed:
                return .limitExceeded
            }
            fields = base
            part.part.groups.fill(&fields, from: part.matcher, subjectEnd: subject.count, offset: offset)
            guard let mark = part.matcher.markNumber() else { return .none }
            let resumeAt: Int
            switch decide(mark: mark, in: part.part, fields: fields, bytes: bytes) {
            case .rule(let rule): return .rule(rule)
            case .limitExceeded: return .limitExceeded
            case .resume(let rule): resumeAt = rule
            }
            if resumeAt == part.part.rules.upperBound {
                index += 1  // the next part starts there
                continue
            }
            guard let rest = resumed(at: resumeAt) else { return .limitExceeded }
            parts = rest
            index = 0
        }
        return .none
    }

    /// For a decoder whose format has no message patterns: the rules' tests, in order.
    func selectByTests(record bytes: UnsafeRawBufferPointer, fields: RecordFields) -> Selection {
        for index in rules.indices {
            switch FieldTest.run(rules[index].tests, on: fields, in: bytes, regexes: fieldRegexes) {
            case .holds: return .rule(index)
            case .fails: continue
            case .limitExceeded: return .limitExceeded
            }
        }
        return .none
    }

    private enum Decision {
        case rule(Int)
        case limitExceeded
        /// No rule up to here holds: the rules from this index on decide.
        case resume(Int)
    }

    /// The rules of the group the mark names, in order: those of tests only are tested; of
    /// those with a pattern, the ones before the marked rule did not match, the marked one did.
    @inline(__always)
    private func decide(mark: Int, in part: RulePart, fields: RecordFields, bytes: UnsafeRawBufferPointer) -> Decision {
        let isSentinel = mark >= rules.count
        let group: Range<Int>
        if isSentinel {
            group = part.ruleGroups[mark - rules.count].rules
        } else {
            group = part.ruleGroups.first { $0.rules.contains(mark) }?.rules ?? mark..<(mark + 1)
        }
        for index in group {
            let rule = rules[index]
            if rule.hasMessagePattern, isSentinel || index < mark { continue }
            switch FieldTest.run(rule.tests, on: fields, in: bytes, regexes: fieldRegexes) {
            case .holds: return .rule(index)
            case .limitExceeded: return .limitExceeded
            case .fails: if index == mark { return .resume(index + 1) }
            }
        }
        return .resume(group.upperBound)
    }

    private func resumed(at rule: Int) -> [PartMatcher]? {
        if let parts = resumed[rule] { return parts }
        // Every piece compiled as part of the whole; only resources can fail here, and the
        // line is then counted as skipped, not misread.
        guard let parts = try? program.parts(from: rule).map({ PartMatcher($0, limits: limits) }) else { return nil }
        resumed[rule] = parts
        return parts
    }
}
