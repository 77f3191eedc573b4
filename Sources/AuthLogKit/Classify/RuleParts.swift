import PCRE2

/// A rule as it goes into a combined regex: its index in the format, the head of the inner
/// format it follows when the format wraps others (syslog), and its message pattern, nil for
/// a rule of field tests only (which needs no branch: the head's match is all it reads).
struct RuleBranch: Sendable {
    let rule: Int
    let innerHead: String?
    let text: String?
}

/// Consecutive rules of one combined regex under one head. When some of them have no message
/// pattern, the group ends in an empty branch marked `(*MARK:sentinel)`, so that the head's
/// match is reported even when no message pattern matched: those rules then test its fields.
struct RuleGroup: Sendable {
    let rules: Range<Int>
    let hasSentinel: Bool
}

/// One regex holding the head and a run of a format's rules, each branch marked with its
/// rule's index in the format (`(*MARK:n)`), so the matching rule is known from any part.
struct RulePart: Sendable {
    let regex: Regex
    let groups: FieldGroups
    /// The rules the part covers, and their groups; a group's sentinel is marked
    /// `ruleCount + its index here`.
    let rules: Range<Int>
    let ruleGroups: [RuleGroup]
}

/// Compiles a format's rules into as few regexes as PCRE2's pattern size limit allows.
///
/// One regex for every rule is the fast case (one match a line whatever the number of
/// rules), and what every built-in format gets. A user's pattern file with hundreds of rules
/// can outgrow PCRE2's limit (64 KiB of compiled code with Debian's build); then the rules
/// are halved until each run compiles, and the runs are tried in the rules' order, so the
/// first rule that matches still wins, exactly as in one alternation.
enum RuleParts {
    static func compile(head: String, branches: ArraySlice<RuleBranch>, ruleCount: Int,
                        expand: (String) throws -> String) throws -> [RulePart] {
        let (text, ruleGroups) = combined(head: head, branches, ruleCount: ruleCount)
        let pattern = try expand(text)
        switch Result(catching: { () throws(PCRE2Error) -> Regex in
            try Regex(pattern, options: [.anchored, .duplicateNames, .dollarEndOnly])
        }) {
        case .success(let regex):
            let covered = (branches.first?.rule ?? 0)..<((branches.last?.rule ?? -1) + 1)
            return [RulePart(regex: regex, groups: FieldGroups(regex), rules: covered, ruleGroups: ruleGroups)]
        case .failure(let error) where error.isPatternTooLarge && branches.count > 1:
            let middle = branches.startIndex + branches.count / 2
            return try compile(head: head, branches: branches[..<middle], ruleCount: ruleCount, expand: expand)
                + compile(head: head, branches: branches[middle...], ruleCount: ruleCount, expand: expand)
        case .failure(let error):
            throw error
        }
    }

    /// `head(?<message>)(?:b0|b1|…)`, or for a wrapper
    /// `head(?:(?:inner0)(?<message>)(?:b0|b1)|(?:inner1)(?<message>)(?:b2))` with consecutive
    /// branches of one inner format under its head; the empty `message` group marks where
    /// the message (what the rules' patterns read) begins.
    static func combined(head: String, _ branches: ArraySlice<RuleBranch>,
                         ruleCount: Int) -> (text: String, groups: [RuleGroup]) {
        var alternatives: [String] = []
        var groups: [RuleGroup] = []
        var run: [RuleBranch] = []
        func closeRun() {
            guard let first = run.first, let last = run.last else { return }
            var texts = run.compactMap { branch in branch.text.map { "(*MARK:\(branch.rule))(?:\($0))" } }
            let hasSentinel = texts.count < run.count
            if hasSentinel { texts.append("(*MARK:\(ruleCount + groups.count))") }
            groups.append(RuleGroup(rules: first.rule..<(last.rule + 1), hasSentinel: hasSentinel))
            let joined = texts.joined(separator: "|")
            alternatives.append(first.innerHead.map { "(?:\($0))\(messageStart)(?:\(joined))" } ?? joined)
            run = []
        }
        for branch in branches {
            if let first = run.first, first.innerHead != branch.innerHead { closeRun() }
            run.append(branch)
        }
        closeRun()
        let wraps = branches.first?.innerHead != nil
        return ("(?:\(head))\(wraps ? "" : messageStart)(?:\(alternatives.joined(separator: "|")))", groups)
    }

    /// An empty group where a head ends: the message starts there.
    static let messageStart = "(?<message>)"
}

/// A format's rules as the combined regexes read them, with what it takes to compile the
/// rules after any one of them again: a rule whose pattern matched but whose field tests
/// failed leaves the next candidate unknown, and the match resumes with the rules after it.
struct RuleProgram: Sendable {
    let head: String
    let branches: [RuleBranch]
    let parts: [RulePart]
    let expander: FragmentExpander

    /// The rules' sentinel marks count from `ruleCount`, the number of the format's rules
    /// (more than `branches` for a wrapped program's share of them).
    let ruleCount: Int

    init(head: String, branches: [RuleBranch], ruleCount: Int? = nil, expander: FragmentExpander) throws {
        self.head = head
        self.branches = branches
        self.expander = expander
        self.ruleCount = ruleCount ?? branches.count
        self.parts = try RuleParts.compile(head: head, branches: branches[...], ruleCount: self.ruleCount,
                                           expand: expander.expandSharingDefinitions)
    }

    /// The parts covering the rules from `rule` on. Every piece compiled before, as part of
    /// the whole: this only fails on resources (PCRE2 out of memory).
    func parts(from rule: Int) throws -> [RulePart] {
        guard let start = branches.firstIndex(where: { $0.rule >= rule }) else { return [] }
        return try RuleParts.compile(head: head, branches: branches[start...], ruleCount: ruleCount,
                                     expand: expander.expandSharingDefinitions)
    }
}
