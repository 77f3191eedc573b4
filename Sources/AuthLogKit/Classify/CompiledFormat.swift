import PCRE2

/// One rule as the classifier knows it: its message pattern's branch is marked `(*MARK:n)`
/// with n its index here, so the matching rule is found without trying the rules one by one,
/// and its field tests run on the fields the head decoded.
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
    /// The rule's tests on decoded fields (`field.status = 401`), all of which must hold.
    let tests: [FieldTest]
    /// The rule has a message pattern (`regex = …`), a branch of the combined regex.
    let hasMessagePattern: Bool
    /// `attempts-from-size`: the line's body size says how many attempts it holds.
    var attemptsFromSize: AttemptEstimate? = nil
}

/// A log format ready to classify lines: its record decoder, its rules with their field
/// tests, and the literals that let most lines skip decoding entirely. For a regex-decoded
/// format the head and every rule's message pattern are one anchored, JIT-compiled regex
/// (`head(?:(*MARK:0)rule0|(*MARK:1)rule1|…)`), so each line costs one match whatever the
/// number of rules. (Only a rule set too large for one regex is split, see `RuleParts`.)
public final class CompiledFormat: Sendable {
    public let name: String
    public let definition: FormatDefinition
    /// Path hints of every format, by name (for telling formats apart by a syslog program).
    let pathHintsByFormat: [String: [String]]
    let rules: [CompiledRule]
    /// Reads a line into fields. For the regex decoder (`regexDecoder` set) the classifier
    /// uses the rules' combined regex instead, which decodes and matches in one call.
    let decoder: any RecordDecoder
    let regexDecoder: RegexDecoder?
    /// The rules' message patterns: after the head (regex decoder), or alone, matched on the
    /// message another decoder read.
    let program: RuleProgram
    /// Some rule has a message pattern (else a non-regex decoder's lines need no regex at all).
    let hasMessagePatterns: Bool
    /// The `regex.NAME` field tests, indexed by `FieldTest.Check.regex`.
    let fieldRegexes: [Regex]
    /// Every line containing none of these cannot match; empty when some rule has no literal.
    let literals: [[UInt8]]
    /// True when some rule declares no literal: every line must then be matched.
    let matchesEveryLine: Bool
    /// Some rule wants the lines that name a user (`prefilter = named-user`).
    let findsNamedUsers: Bool
    let detect: Regex
    let hint: Regex?
    /// Each format's `ambiguous-user` regex, by format name (a wrapper holds its inner ones).
    let ambiguousUser: [String: Regex]
    /// Formats (this one or, for a wrapper, inner ones) whose user names are backslash-escaped.
    let decodesEscapes: Set<String>
    /// How a request URI names an application's REST route (the APIs every format states).
    let routes: RESTRoutes

    /// For a wrapper: which inner formats a line's program is matched against.
    let programRoutes: WrappedProgramRoutes?

    /// The head and the rules, in as few regexes as PCRE2 allows (one for every built-in format).
    var parts: [RulePart] { program.parts }

    init(_ definition: FormatDefinition, wrapping allInner: [FormatDefinition], expander: FragmentExpander,
         decoders: RecordDecoders = .builtin) throws(PatternError) {
        self.name = definition.name
        self.definition = definition
        self.routes = RESTRoutes(formats: allInner)
        // Only regex-decoded formats can follow a wrapper's head in its regex.
        let inner = allInner.filter { $0.decoder == RegexDecoder.name }
        self.pathHintsByFormat = Dictionary(inner.map { ($0.name, $0.pathHints) }, uniquingKeysWith: { first, _ in first })

        var rules: [CompiledRule] = []
        var fieldRegexTexts: [(text: String, source: PatternSource)] = []
        func branches(of format: FormatDefinition, under innerHead: String?) -> [RuleBranch] {
            format.rules.map { rule in
                defer {
                    let equivalents = !definition.wrapsOtherFormats ? [] : inner.filter { other in
                        other.name != format.name && other.rules.contains { $0.id == rule.id && $0.cause == rule.cause }
                    }.map { (format: $0.name, pathHints: $0.pathHints, qualifiedID: "\($0.name)/\(rule.id)") }
                    let tests = rule.fieldTests.map { test -> FieldTest in
                        switch test.test {
                        case .oneOf(let values):
                            return FieldTest(field: test.field, check: .oneOf(values))
                        case .regex(let pattern):
                            fieldRegexTexts.append((pattern.text, pattern.source))
                            return FieldTest(field: test.field, check: .regex(fieldRegexTexts.count - 1))
                        }
                    }
                    rules.append(CompiledRule(format: format.name, id: rule.id, cause: rule.cause, pairBy: rule.pairBy,
                                              findsNamedUsers: rule.findsNamedUsers, status: rule.status,
                                              qualifiedID: "\(format.name)/\(rule.id)", equivalents: equivalents,
                                              tests: tests, hasMessagePattern: rule.regex != nil,
                                              attemptsFromSize: rule.attemptsFromSize))
                }
                return RuleBranch(rule: rules.count, innerHead: innerHead, text: rule.regex?.text)
            }
        }
        let ruleBranches = definition.wrapsOtherFormats
            ? inner.filter { !$0.rules.isEmpty }.flatMap { branches(of: $0, under: $0.head.text) }
            : branches(of: definition, under: nil)
        let ruleSources = definition.wrapsOtherFormats ? inner.flatMap(\.rules) : definition.rules
        self.rules = rules
        self.hasMessagePatterns = ruleBranches.contains { $0.text != nil }
        // A format's own literals (a JSON log's `"status":401`) stand for the rules' text-line
        // ones and for the named-user search, which reads the Common Log Format.
        let formatLiterals = definition.wrapsOtherFormats ? [] : definition.literals
        self.matchesEveryLine = ruleSources.contains {
            $0.literals.isEmpty && (!$0.findsNamedUsers || !formatLiterals.isEmpty)
        } && formatLiterals.isEmpty
        self.findsNamedUsers = formatLiterals.isEmpty && ruleSources.contains(where: \.findsNamedUsers)
        var literals: [[UInt8]] = []
        for literal in formatLiterals + ruleSources.flatMap(\.literals) where !literal.isEmpty && !literals.contains(literal) {
            literals.append(literal)
        }
        self.literals = matchesEveryLine ? [] : literals

        let isRegexDecoded = definition.decoder == RegexDecoder.name
        if isRegexDecoded {
            let head: Regex
            do {
                // The head alone, with where it ends: the message.
                head = try Regex(try expander.expandSharingDefinitions("(?:\(definition.head.text))\(RuleParts.messageStart)"),
                                 options: [.anchored, .duplicateNames])
            } catch {
                throw PatternError(file: definition.head.source.file, line: definition.head.source.line,
                                   message: "format '\(definition.name)' head does not compile: \(error)")
            }
            let regexDecoder = RegexDecoder(head: head)
            self.regexDecoder = regexDecoder
            self.decoder = regexDecoder
        } else {
            guard !definition.wrapsOtherFormats, let factory = decoders.factories[definition.decoder] else {
                throw PatternError(file: definition.source.file, line: definition.source.line, message:
                    definition.wrapsOtherFormats ? "format '\(name)': a wrapper (wraps = all) is read by the regex decoder"
                        : "format '\(name)': unknown decoder '\(definition.decoder)'; known: "
                            + ([RegexDecoder.name] + decoders.factories.keys.sorted()).joined(separator: ", "))
            }
            self.regexDecoder = nil
            self.decoder = try factory(definition)
        }
        if !definition.wrapsOtherFormats {
            try Self.rejectTestsOfUndecodedFields(definition, decoded: decoder.decodedFields, expander: expander)
        }

        do {
            self.program = try RuleProgram(head: isRegexDecoded ? definition.head.text : "", branches: ruleBranches,
                                           expander: expander)
            self.programRoutes = definition.wrapsOtherFormats
                ? WrappedProgramRoutes(rules: rules, branches: ruleBranches,
                                       pathHintsByFormat: Self.programHints(of: inner), expander: expander)
                : nil
            self.fieldRegexes = try fieldRegexTexts.map { pattern throws in
                try Regex(try expander.expandSharingDefinitions(pattern.text), options: [.anchored, .duplicateNames])
            }
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
    }

    /// The names a syslog program gives itself for each format: its path hints, or for a
    /// format without any (one derived from the admin's configuration: `access_log syslog:…`
    /// writes that layout under nginx's name) those of the other formats of its server family.
    static func programHints(of formats: [FormatDefinition]) -> [String: [String]] {
        var byServer: [String: [String]] = [:]
        for format in formats {
            if let server = format.server { byServer[server, default: []] += format.pathHints }
        }
        var hints: [String: [String]] = [:]
        for format in formats where hints[format.name] == nil {
            hints[format.name] = format.pathHints.isEmpty ? format.server.flatMap { byServer[$0] } ?? [] : format.pathHints
        }
        return hints
    }

    /// A field test on a field the decoder never reads (nor the rule's own pattern) would
    /// never hold: refused, naming the test's line.
    private static func rejectTestsOfUndecodedFields(_ definition: FormatDefinition, decoded: Set<RecordField>,
                                                     expander: FragmentExpander) throws(PatternError) {
        for rule in definition.rules {
            var readable = decoded
            if let pattern = rule.regex, rule.fieldTests.contains(where: { !decoded.contains($0.field) }),
               let regex = try? Regex(expander.expandSharingDefinitions(pattern.text), options: [.duplicateNames],
                                      jit: false) {
                readable.formUnion(RecordField.allCases.filter { !regex.groupNumbers(named: $0.rawValue).isEmpty })
                if readable.contains(.request) { readable.formUnion([.method, .path]) }
            }
            for test in rule.fieldTests where !readable.contains(test.field) {
                throw PatternError(file: test.source.file, line: test.source.line,
                                   message: "rule '\(rule.id)' tests field '\(test.field.rawValue)', which format "
                                       + "'\(definition.name)' does not decode; it decodes: "
                                       + decoded.map(\.rawValue).sorted().joined(separator: ", "))
            }
        }
    }
}

/// All formats of a pattern set, compiled once and shared by every worker.
public final class CompiledPatterns: Sendable {
    public let patterns: PatternSet
    public let formats: [CompiledFormat]

    public init(_ patterns: PatternSet, decoders: RecordDecoders = .builtin) throws(PatternError) {
        self.patterns = patterns
        let expander = FragmentExpander(fragments: patterns.fragments)
        var formats: [CompiledFormat] = []
        for definition in patterns.formats {
            formats.append(try CompiledFormat(definition, wrapping: patterns.plainFormats, expander: expander,
                                              decoders: decoders))
        }
        self.formats = formats
    }

    public func format(named name: String) -> CompiledFormat? {
        formats.first { $0.name == name }
    }

    public var formatNames: [String] { formats.map(\.name) }
}
