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
                                      "ambiguous-user", "escapes"]).union(roleKeys)
        try rejectUnknownKeys(section, known: known, file: file)
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
        guard let detect = section.value("detect"), let head = section.value("head") else {
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
        try rejectUnknownKeys(section, known: ["cause", "status", "literal", "regex", "pair-by", "prefilter"], file: file)
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
        guard let regexEntry = section.value("regex") else {
            throw PatternError(file: file.name, line: section.line, message: "rule '\(id)' needs 'regex = …'")
        }
        let regex = text(regexEntry, in: file)
        if regex.text.contains("(*MARK") || regex.text.contains("(*:") {
            throw PatternError(file: file.name, line: regexEntry.line,
                               message: "rule '\(id)': (*MARK) is reserved: authlog marks each rule itself")
        }
        try validate(regex, what: "rule '\(id)' regex", expander: expander)
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
        return RuleDefinition(id: id, cause: cause, pairBy: pairBy, status: status, literals: literals,
                              findsNamedUsers: findsNamedUsers, regex: regex,
                              source: PatternSource(file: file.name, line: section.line, column: 1))
    }
}
