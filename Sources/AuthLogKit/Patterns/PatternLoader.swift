import Foundation
import PCRE2

/// Reads pattern files (the built-in ones, then the user's) into a validated `PatternSet`.
///
/// Everything is checked before a scan starts, so a broken file stops the run with an error
/// that names the file, the line and the offset, instead of failing halfway through a log:
/// every fragment, head and rule is compiled on its own and errors are traced back through
/// fragment expansion to the text the user wrote.
public enum PatternLoader {
    /// A pattern file's name and text.
    public struct File: Sendable {
        public var name: String
        public var text: String
        public init(name: String, text: String) {
            self.name = name
            self.text = text
        }
    }

    /// The pattern files compiled into the binary from the repository's `patterns/`.
    public static var builtinFiles: [File] {
        BuiltinPatternFiles.files.filter { $0.name.hasSuffix(".conf") }.map { File(name: "patterns/" + $0.name, text: $0.text) }
    }

    /// The `*.conf` files of a directory, sorted by name. A user file whose name matches a
    /// built-in file replaces it; other files add fragments, formats or rules.
    public static func files(inDirectory path: String) throws(PatternError) -> [File] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw PatternError(file: path, line: 0, message: "cannot read pattern directory: \(describe(error))")
        }
        var files: [File] = []
        for name in names.sorted() where name.hasSuffix(".conf") {
            let filePath = (path as NSString).appendingPathComponent(name)
            if let size = (try? FileManager.default.attributesOfItem(atPath: filePath))?[.size] as? Int,
               size > maximumFileSize {
                throw PatternError(file: filePath, line: 0, message: "pattern file is \(size) bytes; the limit is \(maximumFileSize) (1 MiB)")
            }
            guard let data = FileManager.default.contents(atPath: filePath) else {
                throw PatternError(file: filePath, line: 0, message: "cannot read pattern file")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw PatternError(file: filePath, line: 0, message: "pattern file is not UTF-8 text")
            }
            files.append(File(name: filePath, text: text))
        }
        return files
    }

    /// Built-in files, with user files overriding those of the same base name.
    public static func load(userDirectories: [String] = []) throws(PatternError) -> PatternSet {
        var files = builtinFiles
        for directory in userDirectories {
            for file in try self.files(inDirectory: directory) {
                let base = baseName(file.name)
                files.removeAll { baseName($0.name) == base }
                files.append(file)
            }
        }
        return try load(files)
    }

    /// Pattern files are a few kilobytes; a larger one is refused before it is parsed, so a
    /// damaged or hostile file fails at once with a clear error instead of after minutes.
    public static let maximumFileSize = 1 << 20

    public static func load(_ files: [File]) throws(PatternError) -> PatternSet {
        var parsed: [(File, [PatternFileParser.Section])] = []
        for file in files {
            guard file.text.utf8.count <= maximumFileSize else {
                throw PatternError(file: file.name, line: 0, message: "pattern file is \(file.text.utf8.count) bytes; "
                                       + "the limit is \(maximumFileSize) (1 MiB)")
            }
            do {
                parsed.append((file, try PatternFileParser.parse(file.text)))
            } catch {
                throw PatternError(file: file.name, line: error.line, message: error.message)
            }
        }

        // Fragments first: any file may use any file's fragments.
        var fragments: [String: PatternText] = [:]
        for (file, sections) in parsed {
            for section in sections where section.header == "fragments" {
                for entry in section.entries {
                    guard isFragmentName(entry.key) else {
                        throw PatternError(file: file.name, line: entry.line,
                                           message: "fragment name '\(entry.key)' must be upper case letters, digits and '_'")
                    }
                    if let existing = fragments[entry.key] {
                        throw PatternError(file: file.name, line: entry.line,
                                           message: "fragment <\(entry.key)> is already defined at \(existing.source)")
                    }
                    fragments[entry.key] = text(entry, in: file)
                }
            }
        }
        let expander = FragmentExpander(fragments: fragments)
        for name in fragments.keys.sorted() {
            try validate(fragments[name]!, what: "fragment <\(name)>", expander: expander)
        }

        var formats: [FormatDefinition] = []
        var ruleSets: [RuleSetDefinition] = []
        var includeLines: [Int: (file: String, line: Int)] = [:]  // format index → its `rules =` line
        for (file, sections) in parsed {
            var current: RuleOwner? = nil  // what the [rule] sections that follow belong to
            for section in sections {
                if section.header == "fragments" { continue }
                if section.header == "format" {
                    let index = try formatSection(section, file: file, formats: &formats, expander: expander)
                    if let entry = section.value("rules") { includeLines[index] = (file.name, entry.line) }
                    current = .format(index)
                    continue
                }
                if section.header.hasPrefix("rules ") {
                    current = .ruleSet(try ruleSetSection(section, file: file, ruleSets: &ruleSets))
                    continue
                }
                if section.header.hasPrefix("rule ") || section.header == "rule" {
                    guard let current else {
                        throw PatternError(file: file.name, line: section.line,
                                           message: "[\(section.header)] comes before any [format] or [rules NAME] section")
                    }
                    let rule = try ruleSection(section, file: file, expander: expander)
                    switch current {
                    case .format(let index):
                        if formats[index].rules.contains(where: { $0.id == rule.id }) {
                            throw PatternError(file: file.name, line: section.line,
                                               message: "format '\(formats[index].name)' already has a rule '\(rule.id)'")
                        }
                        formats[index].rules.append(rule)
                    case .ruleSet(let index):
                        if ruleSets[index].rules.contains(where: { $0.id == rule.id }) {
                            throw PatternError(file: file.name, line: section.line,
                                               message: "rule set '\(ruleSets[index].name)' already has a rule '\(rule.id)'")
                        }
                        ruleSets[index].rules.append(rule)
                    }
                    continue
                }
                throw PatternError(file: file.name, line: section.line, message: "unknown section [\(section.header)]; "
                                       + "expected [format], [fragments], [rules NAME] or [rule NAME]")
            }
        }
        for index in formats.indices where !formats[index].ruleSets.isEmpty {
            try includeRuleSets(into: &formats[index], from: ruleSets, at: includeLines[index]!)
        }
        try rejectRulesMovingTheClient(formats, expander: expander)
        try rejectLoginFormRulesWithoutPaths(formats)
        for format in formats where format.rules.isEmpty && !format.wrapsOtherFormats {
            throw PatternError(file: format.source.file, line: format.source.line,
                               message: "format '\(format.name)' has no [rule …] sections")
        }
        return PatternSet(fragments: fragments, formats: formats, files: files.map(\.name), ruleSets: ruleSets)
    }

    /// What a `[rule]` section adds to: the format or the rule set last opened in its file.
    private enum RuleOwner {
        case format(Int)
        case ruleSet(Int)
    }

    /// `[rules NAME]` opens a rule set, or reopens one so that the rules after it are added.
    static func ruleSetSection(_ section: PatternFileParser.Section, file: File,
                               ruleSets: inout [RuleSetDefinition]) throws(PatternError) -> Int {
        let name = String(section.header.dropFirst("rules".count)).trimmingSpaces()
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }),
              section.entries.isEmpty else {
            throw PatternError(file: file.name, line: section.line,
                               message: "a rule set is a header of its own, named with letters, digits, '-' or '_': "
                                   + "[rules access-log], followed by its [rule …] sections")
        }
        if let existing = ruleSets.firstIndex(where: { $0.name == name }) { return existing }
        ruleSets.append(RuleSetDefinition(name: name, rules: [],
                                          source: PatternSource(file: file.name, line: section.line, column: 1)))
        return ruleSets.count - 1
    }

    /// A format's rules become those of its rule sets, in the order named, then its own: the
    /// rule ids (`nginx-access/status-401`) and their order are the format's as if written in it.
    static func includeRuleSets(into format: inout FormatDefinition, from ruleSets: [RuleSetDefinition],
                                at include: (file: String, line: Int)) throws(PatternError) {
        var rules: [RuleDefinition] = []
        for name in format.ruleSets {
            guard let set = ruleSets.first(where: { $0.name == name }) else {
                throw PatternError(file: include.file, line: include.line,
                                   message: "format '\(format.name)' includes rule set '\(name)', which no [rules \(name)] "
                                       + "section defines" + (ruleSets.isEmpty ? "" : "; defined: "
                                       + ruleSets.map(\.name).joined(separator: ", ")))
            }
            rules += set.rules
        }
        rules += format.rules
        for (index, rule) in rules.enumerated() {
            if let first = rules[..<index].first(where: { $0.id == rule.id }) {
                throw PatternError(file: rule.source.file, line: rule.source.line,
                                   message: "format '\(format.name)' already has a rule '\(rule.id)' (at \(first.source))")
            }
        }
        format.rules = rules
    }

    // MARK: - Helpers

    static func text(_ entry: PatternFileParser.Entry, in file: File) -> PatternText {
        PatternText(text: entry.value,
                    source: PatternSource(file: file.name, line: entry.line,
                                          column: entry.isMultiLine ? 0 : entry.column))
    }

    /// A literal is taken as written, or between double quotes when it must keep spaces at
    /// its ends or contain a quote (`"\" 401 "`: backslash escapes `"` and `\`).
    static func unquote(_ entry: PatternFileParser.Entry, file: File) throws(PatternError) -> String {
        let value = entry.value
        guard value.hasPrefix("\""), value.count >= 2 else { return value }
        guard value.hasSuffix("\"") else {
            throw PatternError(file: file.name, line: entry.line, message: "literal opens a quote it does not close")
        }
        var result = ""
        var escaped = false
        for character in value.dropFirst().dropLast() {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    static func rejectUnknownKeys(_ section: PatternFileParser.Section, known: Set<String>,
                                  file: File, allowingPrefixes prefixes: [String] = []) throws(PatternError) {
        for entry in section.entries where !known.contains(entry.key) {
            if prefixes.contains(where: { entry.key.hasPrefix($0) }) { continue }
            throw PatternError(file: file.name, line: entry.line,
                               message: "unknown key '\(entry.key)' in [\(section.header)]; expected one of: "
                                   + (known.sorted() + prefixes.map { "\($0)NAME" }).joined(separator: ", "))
        }
    }

    static func isFragmentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("A"..."Z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}

func describe(_ error: any Error) -> String {
    if let error = error as? CocoaError, let underlying = error.underlying as? POSIXError {
        return String(cString: strerror(underlying.code.rawValue))
    }
    return (error as NSError).localizedDescription
}
