import PCRE2

/// One regex holding the head and a run of a format's rules, each branch marked with its
/// rule's index in the format (`(*MARK:n)`), so the matching rule is known from any part.
struct RulePart: Sendable {
    let regex: Regex
    let groups: FieldGroups
}

/// A rule's branch as it goes into a combined regex, with the head of the inner format it
/// follows when the format wraps others (syslog).
struct RuleBranch {
    let innerHead: String?
    let text: String
}

/// Compiles a format's rules into as few regexes as PCRE2's pattern size limit allows.
///
/// One regex for every rule is the fast case (one match a line whatever the number of
/// rules), and what every built-in format gets. A user's pattern file with hundreds of rules
/// can outgrow PCRE2's limit (64 KiB of compiled code with Debian's build); then the rules
/// are halved until each run compiles, and the runs are tried in the rules' order, so the
/// first rule that matches still wins, exactly as in one alternation.
enum RuleParts {
    static func compile(head: String, branches: [RuleBranch],
                        expand: (String) throws -> String) throws -> [RulePart] {
        let pattern = try expand(combined(head: head, branches[...]))
        switch Result(catching: { () throws(PCRE2Error) -> Regex in
            try Regex(pattern, options: [.anchored, .duplicateNames, .dollarEndOnly])
        }) {
        case .success(let regex):
            return [RulePart(regex: regex, groups: FieldGroups(regex))]
        case .failure(let error) where error.isPatternTooLarge && branches.count > 1:
            let middle = branches.count / 2
            return try compile(head: head, branches: Array(branches[..<middle]), expand: expand)
                + compile(head: head, branches: Array(branches[middle...]), expand: expand)
        case .failure(let error):
            throw error
        }
    }

    /// `head(?:b0|b1|…)`, or for a wrapper `head(?:(?:inner0)(?:b0|b1)|(?:inner1)(?:b2))`
    /// with consecutive branches of one inner format under its head.
    static func combined(head: String, _ branches: ArraySlice<RuleBranch>) -> String {
        var alternatives: [String] = []
        var run: [String] = []
        var runHead: String?? = nil
        func closeRun() {
            guard let innerHead = runHead, !run.isEmpty else { return }
            let joined = run.joined(separator: "|")
            alternatives.append(innerHead.map { "(?:\($0))(?:\(joined))" } ?? joined)
            run = []
        }
        for branch in branches {
            if runHead == nil || runHead! != branch.innerHead {
                closeRun()
                runHead = .some(branch.innerHead)
            }
            run.append(branch.text)
        }
        closeRun()
        return "(?:\(head))(?:\(alternatives.joined(separator: "|")))"
    }
}
