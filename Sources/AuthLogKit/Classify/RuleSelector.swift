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
///
/// This runs for every candidate line, so what it reads per line is held in flat tables of
/// plain values (`RuleTests`): no rule, part or test struct holding references is copied,
/// which would cost a retain and a release per reference and line.
final class RuleSelector {
    enum Selection {
        case rule(Int)
        case none
        case limitExceeded
    }

    /// A part of the combined regex with its matcher and what the selection reads of it.
    final class PartMatcher {
        let matcher: Matcher
        let groups: FieldGroups
        /// The index after the part's last rule: a resume there is the next part's start.
        let rulesEnd: Int
        /// The rules of each group of the part, by sentinel (`mark - ruleCount`).
        let sentinelGroups: [Range<Int>]

        init(_ part: RulePart, limits: MatchLimits) {
            self.matcher = Matcher(part.regex, limits: limits)
            self.groups = part.groups
            self.rulesEnd = part.rules.upperBound
            self.sentinelGroups = part.ruleGroups.map(\.rules)
        }
    }

    private let program: RuleProgram
    private let limits: MatchLimits
    private let parts: [PartMatcher]
    /// The first part: every built-in format has only one (see `RuleParts`).
    private let onlyPart: PartMatcher
    /// The rules from a given index on, compiled when a line first needs them.
    private var resumed: [Int: [PartMatcher]] = [:]
    private let ruleCount: Int
    /// Per rule: it has a message pattern (a branch of the regex).
    private let hasPattern: [Bool]
    /// Per rule: the rules of its group (rules of tests only are tested before a marked one).
    private let groupOfRule: [Range<Int>]
    private let tests: RuleTests

    /// `program` is the format's own, or a wrapped program's share of its rules
    /// (`WrappedProgramRoutes`).
    init(format: CompiledFormat, program: RuleProgram? = nil, limits: MatchLimits) {
        let program = program ?? format.program
        self.program = program
        self.limits = limits
        self.parts = program.parts.map { PartMatcher($0, limits: limits) }
        self.onlyPart = parts[0]
        self.ruleCount = format.rules.count
        self.hasPattern = format.rules.map(\.hasMessagePattern)
        var groupOfRule = format.rules.indices.map { $0..<($0 + 1) }
        for part in program.parts {
            for group in part.ruleGroups {
                for rule in group.rules where rule < groupOfRule.count { groupOfRule[rule] = group.rules }
            }
        }
        self.groupOfRule = groupOfRule
        self.tests = RuleTests(format.rules.map(\.tests), regexes: format.fieldRegexes.map { Matcher($0, limits: limits) })
    }

    /// Matches `subject` (the line; or, for a non-regex decoder, the message at `offset` in
    /// the record's `bytes`) and selects the rule. `fields` starts each match as `base` (the
    /// decoder's fields) and gets the groups of the match that decided.
    /// A wrapped line's message is matched from `start` in the line (see `Matcher.match`).
    func select(_ subject: UnsafeRawBufferPointer, from start: Int = 0, offset: Int, record bytes: UnsafeRawBufferPointer,
                fields: inout RecordFields, base: RecordFields) -> Selection {
        var resumeAt = 0
        var outcome = parts.count == 1
            ? select(part: onlyPart, subject, from: start, offset: offset, record: bytes, fields: &fields, base: base,
                     resumeAt: &resumeAt)
            : select(in: parts, subject, from: start, offset: offset, record: bytes, fields: &fields, base: base,
                     resumeAt: &resumeAt)
        while case .none = outcome, resumeAt > 0 {
            // Rare: a marked rule's tests failed inside a part; match again from the next rule.
            guard let rest = resumed(at: resumeAt) else { return .limitExceeded }
            resumeAt = 0
            outcome = select(in: rest, subject, from: start, offset: offset, record: bytes, fields: &fields, base: base,
                             resumeAt: &resumeAt)
        }
        return outcome
    }

    /// The parts in order (see `select(part:…)`).
    @inline(__always)
    private func select(in parts: [PartMatcher], _ subject: UnsafeRawBufferPointer, from start: Int, offset: Int,
                        record bytes: UnsafeRawBufferPointer, fields: inout RecordFields, base: RecordFields,
                        resumeAt: inout Int) -> Selection {
        for part in parts {
            let outcome = select(part: part, subject, from: start, offset: offset, record: bytes, fields: &fields,
                                 base: base, resumeAt: &resumeAt)
            if case .none = outcome, resumeAt == -1 {  // the next part starts where this one ended
                resumeAt = 0
                continue
            }
            return outcome
        }
        return .none
    }

    /// One part: no match, or the rule its match selects. `resumeAt` is set to the rule the
    /// selection must go on from when a marked rule's tests failed: -1 for the rule after the
    /// part (the next part's first), else a rule inside it, whose rest is matched again.
    @inline(__always)
    private func select(part: PartMatcher, _ subject: UnsafeRawBufferPointer, from start: Int, offset: Int,
                        record bytes: UnsafeRawBufferPointer, fields: inout RecordFields, base: RecordFields,
                        resumeAt: inout Int) -> Selection {
        switch part.matcher.match(subject, from: start) {
        case .match: break
        case .noMatch:
            resumeAt = -1
            return .none
        case .limitExceeded, .failed: return .limitExceeded
        }
        fields = base
        part.groups.fill(&fields, from: part.matcher, subjectEnd: subject.count, offset: offset)
        guard let mark = part.matcher.markNumber() else { return .none }
        let group = mark >= ruleCount ? part.sentinelGroups[mark - ruleCount] : groupOfRule[mark]
        switch decide(mark: mark, group: group, fields: &fields, bytes: bytes) {
        case .rule(let rule): return .rule(rule)
        case .limitExceeded: return .limitExceeded
        case .resume(let rule):
            resumeAt = rule == part.rulesEnd ? -1 : rule
            return .none
        }
    }

    /// For a decoder whose format has no message patterns: the rules' tests, in order.
    func selectByTests(record bytes: UnsafeRawBufferPointer, fields: RecordFields) -> Selection {
        for index in 0..<ruleCount {
            var fields = fields
            switch tests.run(rule: index, on: &fields, in: bytes) {
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
    private func decide(mark: Int, group: Range<Int>, fields: inout RecordFields, bytes: UnsafeRawBufferPointer) -> Decision {
        let isSentinel = mark >= ruleCount
        for index in group {
            if hasPattern[index], isSentinel || index < mark { continue }
            switch tests.run(rule: index, on: &fields, in: bytes) {
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
