/// Replaces `<NAME>` references with fragment text, remembering which part of the result
/// came from where so that a PCRE2 error offset can be traced back to the pattern file.
///
/// A fragment is inserted as `(?:…)`, so an alternation inside it never leaks into the
/// surrounding regex. Names are upper case; `(?<name>`, `(?P<name>`, `\k<name>` and `\<`
/// are regex syntax and are left alone.
struct FragmentExpander {
    let fragments: [String: PatternText]

    /// The expanded regex and, for each byte of it, nothing more than needed to map an
    /// offset back: the pieces copied verbatim from the original text.
    struct Expansion {
        var text: String
        /// (offset in `text`, offset in the original, length) for each verbatim piece.
        var verbatimPieces: [(expanded: Int, original: Int, length: Int)]
        /// (range in `text`, fragment name) for each top-level fragment insertion.
        var fragmentPieces: [(range: Range<Int>, name: String)]

        /// Where an offset of the expanded text lies in the original pattern text.
        func location(ofExpandedOffset offset: Int) -> (originalOffset: Int?, fragment: String?) {
            for piece in verbatimPieces where offset >= piece.expanded && offset <= piece.expanded + piece.length {
                return (piece.original + (offset - piece.expanded), nil)
            }
            for piece in fragmentPieces where piece.range.contains(offset) {
                return (nil, piece.name)
            }
            return (nil, nil)
        }
    }

    enum ExpansionError: Error, Equatable {
        case unknownFragment(name: String, originalOffset: Int)
        case recursive(chain: [String])
    }

    func expand(_ pattern: String) throws(ExpansionError) -> Expansion {
        try expand(pattern, chain: [])
    }

    private func expand(_ pattern: String, chain: [String]) throws(ExpansionError) -> Expansion {
        let bytes = Array(pattern.utf8)
        var output: [UInt8] = []
        var verbatim: [(Int, Int, Int)] = []
        var fragmentPieces: [(Range<Int>, String)] = []
        var verbatimStart = 0
        var index = 0

        func flushVerbatim(upTo end: Int) {
            if end > verbatimStart {
                verbatim.append((output.count, verbatimStart, end - verbatimStart))
                output.append(contentsOf: bytes[verbatimStart..<end])
            }
        }

        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {  // an escaped character is never a reference
                index += 2
                continue
            }
            guard byte == UInt8(ascii: "<"), let nameEnd = referenceEnd(bytes, from: index),
                  !isGroupSyntax(bytes, before: index) else {
                index += 1
                continue
            }
            let name = String(decoding: bytes[(index + 1)..<nameEnd], as: UTF8.self)
            guard let fragment = fragments[name] else {
                throw .unknownFragment(name: name, originalOffset: index)
            }
            if chain.contains(name) { throw .recursive(chain: chain + [name]) }
            flushVerbatim(upTo: index)
            let inner = try expand(fragment.text, chain: chain + [name])
            let start = output.count
            output.append(contentsOf: Array("(?:".utf8))
            output.append(contentsOf: Array(inner.text.utf8))
            output.append(UInt8(ascii: ")"))
            fragmentPieces.append((start..<output.count, name))
            index = nameEnd + 1
            verbatimStart = index
        }
        flushVerbatim(upTo: bytes.count)
        return Expansion(text: String(decoding: output, as: UTF8.self),
                         verbatimPieces: verbatim.map { ($0.0, $0.1, $0.2) },
                         fragmentPieces: fragmentPieces.map { ($0.0, $0.1) })
    }

    /// Index of the `>` closing a `<NAME>` reference that starts at `start`, if it is one.
    func referenceEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start + 1
        guard index < bytes.count, bytes[index] >= UInt8(ascii: "A"), bytes[index] <= UInt8(ascii: "Z") else {
            return nil
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ">") { return index }
            let isNameByte = (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
            guard isNameByte else { return nil }
            index += 1
        }
        return nil
    }

    /// True for `(?<`, `(?P<`, `\k<` and `\g<`: the `<` opens a group name, not a fragment.
    func isGroupSyntax(_ bytes: [UInt8], before index: Int) -> Bool {
        // `(?<` and `(?P<`, but not a quantifier `)?<NAME>`.
        if index >= 2, bytes[index - 1] == UInt8(ascii: "?"), bytes[index - 2] == UInt8(ascii: "(") { return true }
        if index >= 3, bytes[index - 1] == UInt8(ascii: "P"), bytes[index - 2] == UInt8(ascii: "?"),
           bytes[index - 3] == UInt8(ascii: "(") { return true }
        if index >= 2, bytes[index - 2] == UInt8(ascii: "\\"),
           bytes[index - 1] == UInt8(ascii: "k") || bytes[index - 1] == UInt8(ascii: "g") { return true }
        return false
    }
}

extension FragmentExpander {
    /// Expands like `expand`, but inserts each fragment that captures nothing only once, as
    /// a `(?(DEFINE)…)` group called by `(?&name)`. Combining every rule of a format into one
    /// regex would otherwise repeat the long address fragments dozens of times and exceed
    /// PCRE2's compiled-size limit. Fragments that capture (like <HOST>, which captures `ip`)
    /// are inlined, because captures inside a subroutine call are not kept.
    func expandSharingDefinitions(_ pattern: String) throws(ExpansionError) -> String {
        var definitions: [String: String] = [:]
        let body = try shared(pattern, chain: [], definitions: &definitions)
        guard !definitions.isEmpty else { return body }
        let defines = definitions.keys.sorted().map { "(?<\(Self.definitionPrefix)\($0)>\(definitions[$0]!))" }
        return body + "(?(DEFINE)" + defines.joined() + ")"
    }

    static let definitionPrefix = "_f_"

    private func shared(_ pattern: String, chain: [String],
                        definitions: inout [String: String]) throws(ExpansionError) -> String {
        let bytes = Array(pattern.utf8)
        var output: [UInt8] = []
        var index = 0
        var copiedUpTo = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            guard bytes[index] == UInt8(ascii: "<"), let nameEnd = referenceEnd(bytes, from: index),
                  !isGroupSyntax(bytes, before: index) else {
                index += 1
                continue
            }
            let name = String(decoding: bytes[(index + 1)..<nameEnd], as: UTF8.self)
            guard let fragment = fragments[name] else { throw .unknownFragment(name: name, originalOffset: index) }
            if chain.contains(name) { throw .recursive(chain: chain + [name]) }
            output.append(contentsOf: bytes[copiedUpTo..<index])
            if try captures(name, chain: chain) {
                let inner = try shared(fragment.text, chain: chain + [name], definitions: &definitions)
                output.append(contentsOf: Array("(?:\(inner))".utf8))
            } else {
                if definitions[name] == nil {
                    definitions[name] = ""  // reserve, then fill (fragments form no loops)
                    definitions[name] = try shared(fragment.text, chain: chain + [name], definitions: &definitions)
                }
                output.append(contentsOf: Array("(?&\(Self.definitionPrefix)\(name))".utf8))
            }
            index = nameEnd + 1
            copiedUpTo = index
        }
        output.append(contentsOf: bytes[copiedUpTo...])
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether the fragment, or one it refers to, has a capturing group.
    private func captures(_ name: String, chain: [String]) throws(ExpansionError) -> Bool {
        guard let fragment = fragments[name] else { return false }
        let bytes = Array(fragment.text.utf8)
        var index = 0
        var inClass = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") { index += 2; continue }
            if inClass {
                if byte == UInt8(ascii: "]") { inClass = false }
                index += 1
                continue
            }
            if byte == UInt8(ascii: "[") {
                inClass = true
                // A ']' right after '[' or '[^' is a member, not the end of the class.
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "^") { index += 1 }
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "]") { index += 1 }
                index += 1
                continue
            }
            if byte == UInt8(ascii: "(") {
                let next = index + 1 < bytes.count ? bytes[index + 1] : 0
                if next != UInt8(ascii: "?") && next != UInt8(ascii: "*") { return true }
                if next == UInt8(ascii: "?"), index + 3 < bytes.count {
                    let third = bytes[index + 2], fourth = bytes[index + 3]
                    if third == UInt8(ascii: "<"), fourth != UInt8(ascii: "="), fourth != UInt8(ascii: "!") { return true }
                    if third == UInt8(ascii: "P"), fourth == UInt8(ascii: "<") { return true }
                    if third == UInt8(ascii: "'") { return true }
                }
            }
            if byte == UInt8(ascii: "<"), let nameEnd = referenceEnd(bytes, from: index), !isGroupSyntax(bytes, before: index) {
                let inner = String(decoding: bytes[(index + 1)..<nameEnd], as: UTF8.self)
                if chain.contains(inner) { throw .recursive(chain: chain + [inner]) }
                if try captures(inner, chain: chain + [name]) { return true }
                index = nameEnd + 1
                continue
            }
            index += 1
        }
        return false
    }
}
