/// Findings for people: grouped as attacks to block, things to fix, and things that are not
/// attacks; each with one line of figures, the advice, and where to look. Keys and figures
/// come from log lines and are escaped for the terminal.
public enum FindingText {
    /// `perKind` findings of each kind are shown in full; the rest are named on one line.
    /// `files` names the inputs their evidence points into.
    public static func section(_ findings: [Finding], files: EvidenceFiles, perKind: Int, style: TextStyle) -> String {
        guard !findings.isEmpty else { return style.bold("Findings") + "\n  none: no attack, misconfiguration or new failure stands out\n" }
        let groups: [(Finding.Category, String)] = [(.attack, "Attacks: block these"), (.fix, "To fix: clients or setup"),
                                                    (.benign, "Not attacks: do not block")]
        var counts: [String] = []
        for (category, _) in groups {
            let count = findings.filter { $0.kind.category == category }.count
            if count > 0 { counts.append("\(count) \(category == .attack ? "attack" : category == .fix ? "to fix" : "not attack")\(count == 1 || category != .attack ? "" : "s")") }
        }
        var out = style.bold("Findings") + "  " + style.dim(counts.joined(separator: " · ")) + "\n"
        for (category, title) in groups {
            let inCategory = findings.filter { $0.kind.category == category }
            guard !inCategory.isEmpty else { continue }
            out += "\n  " + (category == .attack ? style.red(title) : category == .fix ? style.yellow(title) : title) + "\n"
            for kind in Finding.Kind.allCases {
                let ofKind = inCategory.filter { $0.kind == kind }
                guard !ofKind.isEmpty else { continue }
                for finding in ofKind.prefix(perKind) {
                    out += "  " + style.bold(pad(kind.rawValue, 29)) + " " + TerminalText.escape(finding.key) + "\n"
                    out += wrapped(describe(finding), first: "      ", rest: "      ", style.width)
                    out += wrapped(TerminalText.escape(finding.advice), first: "      → ", rest: "        ", style.width)
                    if !finding.evidence.isEmpty {
                        let references = finding.evidence.map { TerminalText.escape(reference($0, files)) }
                        for line in TerminalText.wrap("see " + references.joined(separator: ", "), to: max(style.width - 6, 20)) {
                            out += "      " + style.dim(line) + "\n"
                        }
                    }
                }
                if ofKind.count > perKind {
                    let rest = ofKind.dropFirst(perKind)
                    let names = rest.prefix(8).map { TerminalText.escape($0.key) }.joined(separator: ", ")
                    for line in TerminalText.wrap("+ \(rest.count) more \(kind.rawValue): \(names)\(rest.count > 8 ? ", …" : "") (all in --output json)",
                                                  to: max(style.width - 6, 20)) {
                        out += "    " + style.dim(line) + "\n"
                    }
                }
            }
        }
        return out
    }

    /// The figures of a finding as a sentence, in its rule's words, log text escaped for
    /// the terminal.
    public static func describe(_ finding: Finding) -> String {
        FindingRegistry.rule(for: finding.kind).describe(FindingFigures(finding, escapingText: TerminalText.escape))
    }

    /// A line of evidence as people and editors read it: `file:line`.
    public static func reference(_ evidence: Evidence, _ files: EvidenceFiles) -> String {
        "\(files.name(of: evidence.input)):\(evidence.line)"
    }

    /// `text` wrapped to `width` at spaces (never inside an address or a user name), its first
    /// line after `first`, the others after `rest`.
    static func wrapped(_ text: String, first: String, rest: String, _ width: Int) -> String {
        let lines = TerminalText.wrap(text, to: max(width - TerminalText.width(rest), 20))
        return lines.enumerated().map { ($0.offset == 0 ? first : rest) + $0.element + "\n" }.joined()
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
