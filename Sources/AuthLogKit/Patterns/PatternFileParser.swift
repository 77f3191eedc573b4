/// Reads the INI-like text of a pattern file into sections of key/value entries, keeping the
/// line of every value so that later errors can point at it.
///
/// The syntax is deliberately close to fail2ban's filter files, which admins already know:
///
///     # comment (also ';')
///     [section name]
///     key = value
///         continuation lines (indented) are appended to the value with their
///         indentation removed and nothing in between, so a long regex can be split
///
/// Keys may repeat (`literal` does); the parser keeps every occurrence in order. A value
/// keeps a final space only when it is escaped as `\ ` (see `trimmingSpaces`).
struct PatternFileParser {
    struct Entry: Equatable {
        var key: String
        var value: String
        /// 1-based line of the `key = value` line.
        var line: Int
        /// 1-based column where the value starts on that line (for error offsets).
        var column: Int
        /// True when the value continued on following lines (offsets past the first line
        /// can then only be reported relative to the value).
        var isMultiLine: Bool
    }

    struct Section: Equatable {
        /// The text between the brackets, e.g. `rule user-not-found`.
        var header: String
        var line: Int
        var entries: [Entry]

        func values(_ key: String) -> [Entry] { entries.filter { $0.key == key } }
        func value(_ key: String) -> Entry? { entries.last { $0.key == key } }
    }

    struct SyntaxError: Error, Equatable {
        var line: Int
        var message: String
    }

    static func parse(_ text: String) throws(SyntaxError) -> [Section] {
        var sections: [Section] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }

            if let first = line.first, first == " " || first == "\t" {
                // Continuation of the previous value.
                guard var section = sections.popLast(), var entry = section.entries.popLast() else {
                    throw SyntaxError(line: lineNumber, message: "indented line continues nothing")
                }
                entry.value += line.trimmingSpaces(keepingEscapedSpace: true)
                entry.isMultiLine = true
                section.entries.append(entry)
                sections.append(section)
                continue
            }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]"), trimmed.count > 2 else {
                    throw SyntaxError(line: lineNumber, message: "section header must look like [name]")
                }
                let header = String(trimmed.dropFirst().dropLast()).trimmingSpaces()
                sections.append(Section(header: header, line: lineNumber, entries: []))
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw SyntaxError(line: lineNumber, message: "expected 'key = value', '[section]' or a comment")
            }
            guard !sections.isEmpty else {
                throw SyntaxError(line: lineNumber, message: "'key = value' before any [section]")
            }
            let key = String(line[..<equals]).trimmingSpaces()
            guard !key.isEmpty else {
                throw SyntaxError(line: lineNumber, message: "missing key before '='")
            }
            var valueStart = line.index(after: equals)
            while valueStart < line.endIndex, line[valueStart] == " " || line[valueStart] == "\t" {
                valueStart = line.index(after: valueStart)
            }
            let value = String(line[valueStart...]).trimmingSpaces(keepingEscapedSpace: true)
            let column = line.distance(from: line.startIndex, to: valueStart) + 1
            sections[sections.count - 1].entries.append(
                Entry(key: key, value: value, line: lineNumber, column: column, isMultiLine: false))
        }
        return sections
    }
}

extension StringProtocol {
    /// Trims spaces and tabs only (no Foundation needed).
    ///
    /// With `keepingEscapedSpace`, a final space written as `\ ` survives: a regex that must
    /// end in a space (a head followed by its rules) says so visibly instead of relying on
    /// invisible trailing whitespace.
    func trimmingSpaces(keepingEscapedSpace: Bool = false) -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" {
            if keepingEscapedSpace, last == " ", slice.dropLast().trailingBackslashCount % 2 == 1 {
                break
            }
            slice = slice.dropLast()
        }
        return String(slice)
    }

    private var trailingBackslashCount: Int {
        var count = 0
        for character in reversed() {
            guard character == "\\" else { break }
            count += 1
        }
        return count
    }
}
