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

    /// Reads the text as UTF-8 bytes: every byte the syntax gives meaning to is ASCII, and
    /// walking `Character`s (grapheme breaking) made parsing the built-in files a fifth of the
    /// start-up of every run. `\r\n` ends a line like `\n`.
    static func parse(_ text: String) throws(SyntaxError) -> [Section] {
        let bytes = Array(text.utf8)
        func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        var sections: [Section] = []
        var lineNumber = 0
        var lineStart = 0
        while lineStart <= bytes.count {
            let newline = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            defer { lineStart = newline + 1 }
            lineNumber += 1
            var lineEnd = newline
            if lineEnd > lineStart, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            let line = lineStart..<lineEnd
            let trimmed = trimSpaces(bytes, line)
            if trimmed.isEmpty || bytes[trimmed.lowerBound] == UInt8(ascii: "#")
                || bytes[trimmed.lowerBound] == UInt8(ascii: ";") { continue }

            if isSpace(bytes[line.lowerBound]) {
                // Continuation of the previous value.
                guard var section = sections.popLast(), var entry = section.entries.popLast() else {
                    throw SyntaxError(line: lineNumber, message: "indented line continues nothing")
                }
                entry.value += string(trimSpaces(bytes, line, keepingEscapedSpace: true))
                entry.isMultiLine = true
                section.entries.append(entry)
                sections.append(section)
                continue
            }
            if bytes[trimmed.lowerBound] == UInt8(ascii: "[") {
                guard bytes[trimmed.upperBound - 1] == UInt8(ascii: "]"), trimmed.count > 2 else {
                    throw SyntaxError(line: lineNumber, message: "section header must look like [name]")
                }
                let header = string(trimSpaces(bytes, (trimmed.lowerBound + 1)..<(trimmed.upperBound - 1)))
                sections.append(Section(header: header, line: lineNumber, entries: []))
                continue
            }
            guard let equals = bytes[line].firstIndex(of: UInt8(ascii: "=")) else {
                throw SyntaxError(line: lineNumber, message: "expected 'key = value', '[section]' or a comment")
            }
            guard !sections.isEmpty else {
                throw SyntaxError(line: lineNumber, message: "'key = value' before any [section]")
            }
            let key = string(trimSpaces(bytes, line.lowerBound..<equals))
            guard !key.isEmpty else {
                throw SyntaxError(line: lineNumber, message: "missing key before '='")
            }
            var valueStart = equals + 1
            while valueStart < line.upperBound, isSpace(bytes[valueStart]) { valueStart += 1 }
            let value = string(trimSpaces(bytes, valueStart..<line.upperBound, keepingEscapedSpace: true))
            // The column counts characters, not bytes, as an editor does.
            let column = string(line.lowerBound..<valueStart).count + 1
            sections[sections.count - 1].entries.append(
                Entry(key: key, value: value, line: lineNumber, column: column, isMultiLine: false))
        }
        return sections
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    /// `range` without its leading and trailing spaces and tabs; with `keepingEscapedSpace`, a
    /// final space written as `\ ` stays (see `trimmingSpaces`).
    private static func trimSpaces(_ bytes: [UInt8], _ range: Range<Int>, keepingEscapedSpace: Bool = false) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper, isSpace(bytes[lower]) { lower += 1 }
        while upper > lower, isSpace(bytes[upper - 1]) {
            if keepingEscapedSpace, bytes[upper - 1] == UInt8(ascii: " ") {
                var backslashes = 0
                while upper - 2 - backslashes >= lower, bytes[upper - 2 - backslashes] == UInt8(ascii: "\\") { backslashes += 1 }
                if backslashes % 2 == 1 { break }
            }
            upper -= 1
        }
        return lower..<upper
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
