import PCRE2

/// One rule as the combined regex knows it: its branch is marked `(*MARK:n)` with n its
/// index here, so the matching rule is found without trying the rules one by one.
public struct CompiledRule: Sendable {
    /// The format whose head the rule follows (for a syslog line: the wrapped format).
    public let format: String
    public let id: String
    /// Nil for a rule that records a request which is no failure (`cause = none`).
    public let cause: Cause?
    public let pairBy: PairingKey
    /// The rule's lines are those that name a user (`prefilter = named-user`).
    public let findsNamedUsers: Bool
    public let status: Int?
    /// `format/id`, as events report it.
    public let qualifiedID: String
    /// For rules reached through a wrapper (syslog): other formats with a rule of the same
    /// id and cause, which the same line would match just as well. nginx and Apache write
    /// identical combined access lines; the syslog program name tells them apart.
    public let equivalents: [(format: String, pathHints: [String], qualifiedID: String)]
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
    /// Set when the rule's own structure leaves the client in doubt (a line cut short).
    let ambiguous: [Int]

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
        ambiguous = regex.groupNumbers(named: "ambiguous")
    }
}

/// A log format ready to classify lines: one anchored, JIT-compiled regex holding the head
/// and every rule (`head(?:(*MARK:0)rule0|(*MARK:1)rule1|…)`), so each line costs one match
/// whatever the number of rules, plus the literals that let most lines skip PCRE2 entirely.
/// (Only a rule set too large for one regex is split, see `RuleParts`.)
public final class CompiledFormat: Sendable {
    public let name: String
    public let definition: FormatDefinition
    /// Path hints of every format, by name (for telling formats apart by a syslog program).
    let pathHintsByFormat: [String: [String]]
    /// The head and the rules, in as few regexes as PCRE2 allows (one for every built-in
    /// format), tried in order.
    let parts: [RulePart]
    let rules: [CompiledRule]
    /// Every line containing none of these cannot match; empty when some rule has no literal.
    let literals: [[UInt8]]
    /// True when some rule declares no literal: every line must then be matched.
    let matchesEveryLine: Bool
    /// Some rule wants the lines that name a user (`prefilter = named-user`).
    let findsNamedUsers: Bool
    let detect: Regex
    let hint: Regex?
    /// The head alone, to read the time of a file's first line whatever it says.
    let head: Regex
    let headGroups: FieldGroups
    /// Each format's `ambiguous-user` regex, by format name (a wrapper holds its inner ones).
    let ambiguousUser: [String: Regex]
    /// Formats (this one or, for a wrapper, inner ones) whose user names are backslash-escaped.
    let decodesEscapes: Set<String>

    init(_ definition: FormatDefinition, wrapping inner: [FormatDefinition], expander: FragmentExpander) throws(PatternError) {
        self.name = definition.name
        self.definition = definition
        self.pathHintsByFormat = Dictionary(inner.map { ($0.name, $0.pathHints) }, uniquingKeysWith: { first, _ in first })

        var rules: [CompiledRule] = []
        func branches(of format: FormatDefinition, under innerHead: String?) -> [RuleBranch] {
            format.rules.map { rule in
                defer {
                    let equivalents = !definition.wrapsOtherFormats ? [] : inner.filter { other in
                        other.name != format.name && other.rules.contains { $0.id == rule.id && $0.cause == rule.cause }
                    }.map { (format: $0.name, pathHints: $0.pathHints, qualifiedID: "\($0.name)/\(rule.id)") }
                    rules.append(CompiledRule(format: format.name, id: rule.id, cause: rule.cause, pairBy: rule.pairBy,
                                              findsNamedUsers: rule.findsNamedUsers, status: rule.status,
                                              qualifiedID: "\(format.name)/\(rule.id)", equivalents: equivalents))
                }
                return RuleBranch(innerHead: innerHead, text: "(*MARK:\(rules.count))(?:\(rule.regex.text))")
            }
        }
        let ruleBranches = definition.wrapsOtherFormats
            ? inner.filter { !$0.rules.isEmpty }.flatMap { branches(of: $0, under: $0.head.text) }
            : branches(of: definition, under: nil)
        let ruleSources = definition.wrapsOtherFormats ? inner.flatMap(\.rules) : definition.rules
        self.rules = rules
        self.matchesEveryLine = ruleSources.contains { $0.literals.isEmpty && !$0.findsNamedUsers }
        self.findsNamedUsers = ruleSources.contains(where: \.findsNamedUsers)
        var literals: [[UInt8]] = []
        for literal in ruleSources.flatMap(\.literals) where !literals.contains(literal) {
            literals.append(literal)
        }
        self.literals = matchesEveryLine ? [] : literals

        do {
            self.parts = try RuleParts.compile(head: definition.head.text, branches: ruleBranches,
                                               expand: expander.expandSharingDefinitions)
            self.head = try Regex(try expander.expandSharingDefinitions(definition.head.text),
                                  options: [.anchored, .duplicateNames])
            self.detect = try Regex(try expander.expandSharingDefinitions(definition.detect.text),
                                    options: [.anchored, .duplicateNames])
            self.hint = try definition.hint.map { hint throws in
                try Regex(try expander.expandSharingDefinitions(hint.text), options: [.duplicateNames])
            }
            var ambiguousUser: [String: Regex] = [:]
            for format in [definition] + (definition.wrapsOtherFormats ? inner : []) {
                guard let text = format.ambiguousUser?.text else { continue }
                ambiguousUser[format.name] = try Regex(try expander.expandSharingDefinitions(text), options: [.duplicateNames])
            }
            self.ambiguousUser = ambiguousUser
            self.decodesEscapes = Set(([definition] + (definition.wrapsOtherFormats ? inner : []))
                .filter(\.decodesBackslashEscapes).map(\.name))
        } catch {
            // Every piece compiled on its own when the files were loaded; only their
            // combination can fail here (e.g. PCRE2's pattern size limit).
            // Name the file that added rules last (a user's file), not only the format's own.
            let added = ruleSources.last { $0.source.file != definition.source.file }?.source
            let source = added ?? definition.source
            throw PatternError(file: source.file, line: source.line,
                               message: "format '\(name)': its rules do not compile together"
                                   + (added == nil ? "" : " with the rules of this file") + ": \(error)")
        }
        self.headGroups = FieldGroups(head)
    }
}

/// All formats of a pattern set, compiled once and shared by every worker.
public final class CompiledPatterns: Sendable {
    public let patterns: PatternSet
    public let formats: [CompiledFormat]

    public init(_ patterns: PatternSet) throws(PatternError) {
        self.patterns = patterns
        let expander = FragmentExpander(fragments: patterns.fragments)
        var formats: [CompiledFormat] = []
        for definition in patterns.formats {
            formats.append(try CompiledFormat(definition, wrapping: patterns.plainFormats, expander: expander))
        }
        self.formats = formats
    }

    public func format(named name: String) -> CompiledFormat? {
        formats.first { $0.name == name }
    }

    public var formatNames: [String] { formats.map(\.name) }
}
