import Foundation
import PCRE2

/// Reading `[format]` and `[rule NAME]` sections into definitions.
extension PatternLoader {
    /// A `[format]` section either defines a format or, holding only `name`, reopens an
    /// existing one so that the rules after it are added to it.
    static func formatSection(_ section: PatternFileParser.Section, file: File,
                              formats: inout [FormatDefinition],
                              expander: FragmentExpander) throws(PatternError) -> Int {
        try rejectPairsWith(section, file: file)
        let known: Set<String> = Set(["name", "description", "detect", "hint", "path-hint", "head", "wraps",
                                      "ambiguous-user", "escapes", "rules", "decoder", "literal"]).union(roleKeys)
        // A decoder other than the regex one reads its own keys (`json.ip = …`).
        let decoderName = section.value("decoder")?.value
        let decoderPrefix = decoderName.flatMap { $0 == RegexDecoder.name ? nil : $0 + "." }
        try rejectUnknownKeys(section, known: known, file: file, allowingPrefixes: decoderPrefix.map { [$0] } ?? [])
        guard let name = section.value("name")?.value, !name.isEmpty else {
            throw PatternError(file: file.name, line: section.line, message: "[format] needs 'name = …'")
        }
        let existing = formats.firstIndex { $0.name == name }
        if section.entries.allSatisfy({ $0.key == "name" }) {
            guard let existing else {
                throw PatternError(file: file.name, line: section.line,
                                   message: "format '\(name)' is not defined; a new format needs 'detect' and 'head'")
            }
            return existing
        }
        if let existing {
            throw PatternError(file: file.name, line: section.line,
                               message: "format '\(name)' is already defined at \(formats[existing].source); "
                                   + "to add rules to it, give its [format] section only 'name'")
        }
        let decoder = section.value("decoder")?.value ?? RegexDecoder.name
        // Only the regex decoder reads a line with the head; another decoder may do without one.
        let needsHead = decoder == RegexDecoder.name
        guard let detect = section.value("detect"), let head = section.value("head") ?? (needsHead ? nil : .init(
            key: "head", value: "", line: section.line, column: 0, isMultiLine: false)) else {
            throw PatternError(file: file.name, line: section.line, message: "format '\(name)' needs 'detect' and 'head'")
        }
        let wraps = section.value("wraps")?.value
        if let wraps, wraps != "all" {
            throw PatternError(file: file.name, line: section.value("wraps")!.line,
                               message: "'wraps' can only be 'all' (the message is any other format)")
        }
        var definition = FormatDefinition(
            name: name,
            description: section.value("description")?.value ?? name,
            detect: text(detect, in: file),
            hint: section.value("hint").map { text($0, in: file) },
            pathHints: (section.value("path-hint")?.value ?? "").split(separator: " ").map { String($0).lowercased() },
            head: text(head, in: file),
            wrapsOtherFormats: wraps != nil,
            rules: [],
            source: PatternSource(file: file.name, line: section.line, column: 1))
        definition.decoder = decoder
        if let decoderPrefix {
            definition.decoderSettings = section.entries.filter { $0.key.hasPrefix(decoderPrefix) }.map {
                (String($0.key.dropFirst(decoderPrefix.count)), $0.value,
                 PatternSource(file: file.name, line: $0.line, column: $0.column))
            }
        }
        for entry in section.values("literal") {
            let literal = try unquote(entry, file: file)
            guard !literal.isEmpty else {
                throw PatternError(file: file.name, line: entry.line, message: "empty literal")
            }
            definition.literals.append(Array(literal.utf8))
        }
        definition.ruleSets = (section.value("rules")?.value ?? "").split(separator: " ").map(String.init)
        try readRole(section, file: file, into: &definition)
        definition.ambiguousUser = section.value("ambiguous-user").map { text($0, in: file) }
        if let escapes = section.value("escapes") {
            guard escapes.value == "backslash" || escapes.value == "none" else {
                throw PatternError(file: file.name, line: escapes.line,
                                   message: "'escapes' is 'backslash' (\\xHH, \\\", \\\\) or 'none', not '\(escapes.value)'")
            }
            definition.decodesBackslashEscapes = escapes.value == "backslash"
        }
        if let ambiguous = definition.ambiguousUser {
            try validate(ambiguous, what: "format '\(name)' ambiguous-user", expander: expander)
        }
        try validate(definition.detect, what: "format '\(name)' detect", expander: expander)
        if let hint = definition.hint { try validate(hint, what: "format '\(name)' hint", expander: expander) }
        try validate(definition.head, what: "format '\(name)' head", expander: expander)
        formats.append(definition)
        return formats.count - 1
    }

    static func ruleSection(_ section: PatternFileParser.Section, file: File,
                            expander: FragmentExpander) throws(PatternError) -> RuleDefinition {
        try rejectUnknownKeys(section, known: ["cause", "status", "literal", "regex", "pair-by", "prefilter", "attempts-from-size"],
                              file: file, allowingPrefixes: [fieldTestPrefix, fieldRegexPrefix])
        let id = String(section.header.dropFirst("rule".count)).trimmingSpaces()
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw PatternError(file: file.name, line: section.line,
                               message: "a rule needs a name of letters, digits, '-', '_' or '.': [rule user-not-found]")
        }
        guard let causeEntry = section.value("cause") else {
            throw PatternError(file: file.name, line: section.line, message: "rule '\(id)' needs 'cause = …'")
        }
        let cause = Cause(rawValue: causeEntry.value)
        guard cause != nil || causeEntry.value == "none" else {
            throw PatternError(file: file.name, line: causeEntry.line,
                               message: "unknown cause '\(causeEntry.value)'; one of: "
                                   + Cause.allCases.map(\.rawValue).joined(separator: ", ") + ", none")
        }
        var pairBy = PairingKey.path
        if let entry = section.value("pair-by") {
            guard let value = PairingKey(rawValue: entry.value) else {
                throw PatternError(file: file.name, line: entry.line, message: "unknown pair-by '\(entry.value)'; one of: "
                                       + PairingKey.allCases.map(\.rawValue).joined(separator: ", "))
            }
            pairBy = value
        }
        var status: Int? = nil
        if let statusEntry = section.value("status") {
            guard let value = Int(statusEntry.value), (100...599).contains(value) else {
                throw PatternError(file: file.name, line: statusEntry.line,
                                   message: "status must be an HTTP status code, not '\(statusEntry.value)'")
            }
            status = value
        }
        let fieldTests = try fieldTests(of: section, rule: id, file: file, expander: expander)
        var regex: PatternText? = nil
        if let regexEntry = section.value("regex") {
            regex = try rulePattern(regexEntry, rule: id, what: "regex", file: file, expander: expander)
        } else if fieldTests.isEmpty {
            throw PatternError(file: file.name, line: section.line,
                               message: "rule '\(id)' needs 'regex = …' (its message) or a field test ('field.status = 401')")
        }
        var literals: [[UInt8]] = []
        for entry in section.values("literal") {
            let literal = try unquote(entry, file: file)
            guard !literal.isEmpty else {
                throw PatternError(file: file.name, line: entry.line, message: "empty literal")
            }
            literals.append(Array(literal.utf8))
        }
        var findsNamedUsers = false
        if let entry = section.value("prefilter") {
            guard entry.value == "named-user" else {
                throw PatternError(file: file.name, line: entry.line,
                                   message: "unknown prefilter '\(entry.value)'; the only one is named-user")
            }
            findsNamedUsers = true
        }
        var estimate: AttemptEstimate? = nil
        if let entry = section.value("attempts-from-size") {
            let numbers = entry.value.split(separator: " ").compactMap { Int($0) }
            guard numbers.count == 3, entry.value.split(separator: " ").count == 3, numbers[0] >= 0,
                  numbers[2] >= 0, numbers[1] > 2 * numbers[2] else {
                throw PatternError(file: file.name, line: entry.line, message:
                    "attempts-from-size needs ENVELOPE PER-ATTEMPT TOLERANCE in bytes, the tolerance under half the "
                    + "size per attempt: attempts-from-size = 199 214 8")
            }
            // The size comes from the rule's own capture or from the format's decoder (a head's
            // (?<bytes>…), json.bytes), which a test on it (regex.bytes) requires to be read.
            let captures = regex?.text.contains("(?<bytes>") == true
            guard cause != nil, captures || fieldTests.contains(where: { $0.field == .bytes }) else {
                throw PatternError(file: file.name, line: entry.line, message:
                    "rule '\(id)': attempts-from-size needs a failure cause and the body size: a 'regex' capturing it "
                    + "as (?<bytes>…), or a test on the field the format decodes ('regex.bytes = …')")
            }
            estimate = AttemptEstimate(envelope: numbers[0], perAttempt: numbers[1], tolerance: numbers[2])
        }
        return RuleDefinition(id: id, cause: cause, pairBy: pairBy, status: status, literals: literals,
                              findsNamedUsers: findsNamedUsers, fieldTests: fieldTests, regex: regex,
                              attemptsFromSize: estimate,
                              source: PatternSource(file: file.name, line: section.line, column: 1))
    }

    /// `field.NAME = A|B*`: the field is one of the values (`*` at the end: starts with it).
    static let fieldTestPrefix = "field."
    /// `regex.NAME = …`: a regex matched from the field's start.
    static let fieldRegexPrefix = "regex."

    /// A rule's tests on decoded fields, in the order written (the classifier reorders none:
    /// cheap byte compares are written first by convention, regexes after them).
    static func fieldTests(of section: PatternFileParser.Section, rule id: String, file: File,
                           expander: FragmentExpander) throws(PatternError) -> [FieldTestDefinition] {
        var tests: [FieldTestDefinition] = []
        for entry in section.entries {
            let isRegex = entry.key.hasPrefix(fieldRegexPrefix)
            guard isRegex || entry.key.hasPrefix(fieldTestPrefix) else { continue }
            let name = String(entry.key.dropFirst(isRegex ? fieldRegexPrefix.count : fieldTestPrefix.count))
            guard let field = RecordField(rawValue: name) else {
                throw PatternError(file: file.name, line: entry.line,
                                   message: "rule '\(id)': '\(entry.key)' tests no field authlog decodes; fields: "
                                       + RecordField.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let source = PatternSource(file: file.name, line: entry.line, column: entry.column)
            if isRegex {
                let pattern = try rulePattern(entry, rule: id, what: entry.key, file: file, expander: expander)
                tests.append(FieldTestDefinition(field: field, test: .regex(pattern), source: source))
                continue
            }
            var values: [FieldTestDefinition.Value] = []
            for alternative in entry.value.split(separator: "|", omittingEmptySubsequences: false) {
                var text = alternative.trimmingSpaces()
                let isPrefix = text.hasSuffix("*")
                if isPrefix { text.removeLast() }
                guard !text.isEmpty else {
                    throw PatternError(file: file.name, line: entry.line,
                                       message: "rule '\(id)': '\(entry.key) = \(entry.value)' has an empty value; "
                                           + "write the values apart with '|' (field.status = 401|403, field.status = 2*)")
                }
                values.append(.init(bytes: Array(text.utf8), isPrefix: isPrefix))
            }
            tests.append(FieldTestDefinition(field: field, test: .oneOf(values), source: source))
        }
        return tests
    }

    /// A regex of a rule (its message pattern or a field's), checked on its own.
    static func rulePattern(_ entry: PatternFileParser.Entry, rule id: String, what: String, file: File,
                            expander: FragmentExpander) throws(PatternError) -> PatternText {
        let pattern = text(entry, in: file)
        if pattern.text.contains("(*MARK") || pattern.text.contains("(*:") {
            throw PatternError(file: file.name, line: entry.line,
                               message: "rule '\(id)': (*MARK) is reserved: authlog marks each rule itself")
        }
        try validate(pattern, what: "rule '\(id)' \(what)", expander: expander)
        return pattern
    }
}
