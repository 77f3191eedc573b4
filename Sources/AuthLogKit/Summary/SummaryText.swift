/// The summary as plain text (a terminal, a cron mail) or Markdown (a chat, a ticket). Both
/// lead with the headline, then causes with their meaning, clients, new offenders, paths and
/// users. Log text is escaped for the medium: control characters for text, Markdown's
/// special characters for Markdown.
public enum SummaryText {
    public enum Flavor { case text, markdown }

    public static func render(_ document: SummaryDocument, flavor: Flavor, style: TextStyle = TextStyle(enabled: false)) -> String {
        let aggregate = document.counted
        var out = ""
        func heading(_ text: String) {
            out += flavor == .markdown ? "\n## \(text)\n\n" : "\n" + style.bold(text) + "\n"
        }
        let files = document.report.files.count
        let title = "Authentication failures, \(document.windowText)"
        out += flavor == .markdown ? "# \(title)\n\n" : style.bold(title) + "\n"
        let headline = "**\(TextReport.format(document.total))** \(document.totalUnit) in \(files) file\(files == 1 ? "" : "s") · \(document.change) · \(document.windowDescription)"
        out += (flavor == .markdown ? headline
                : TerminalText.wrap(headline.replacingOccurrences(of: "**", with: ""), to: style.width).joined(separator: "\n")) + "\n"
        if let challenges = TextReport.challengeLine(document.report.requests) {
            out += (flavor == .markdown ? escape(challenges, .markdown)
                : TerminalText.wrap(challenges, to: style.width).joined(separator: "\n")) + "\n"
        }
        if document.total > 0 {
            out += (flavor == .markdown ? escape(TextReport.glance(aggregate), .markdown)
                : TerminalText.wrap(TextReport.glance(aggregate), to: style.width).joined(separator: "\n")) + "\n"
        }
        if let findings = document.report.requests?.findings, !findings.isEmpty {
            if flavor == .markdown {
                heading("Findings")
                for finding in findings {
                    out += "- **\(finding.kind.rawValue)** `\(escape(finding.key, .markdown))`: "
                        + escape(FindingText.describe(finding), .markdown) + ". " + keepingCodeSpans(finding.advice) + "\n"
                }
            } else {
                out += "\n" + FindingText.section(findings, files: document.report.requests?.evidenceFiles ?? EvidenceFiles(), perKind: min(document.top, 3), style: style)
            }
        }

        if document.total > 0 {
            heading("Why")
            var rows: [[String]] = []
            let compared = document.comparable != nil
            for (cause, count) in aggregate.byCause.nonZeroByCount {
                var row = [cause.rawValue, TextReport.format(count), TextReport.percent(count, of: document.total)]
                if let before = document.comparable?.byCause[cause.rawValue] {
                    let delta = SummaryDocument.difference(count, before)
                    row.append(delta == 0 ? "±0" : (delta > 0 ? "+" : "−") + TextReport.format(Int(clamping: delta.magnitude)))
                } else if compared {
                    row.append("new")
                }
                rows.append(row + [cause.meaning])
            }
            out += compared
                ? table(["CAUSE", "FAILURES", "SHARE", "CHANGE", "MEANING"], [false, true, true, true, false], rows, flavor, style)
                : table(["CAUSE", "FAILURES", "SHARE", "MEANING"], [false, true, true, false], rows, flavor, style)

            heading("Who: top clients")
            out += clients(aggregate.topIPs(document.top), flavor, style)

            heading("New offenders")
            if document.previous == nil {
                out += "No previous run to compare with: every client above is new.\n"
            } else if document.newOffenders.isEmpty {
                out += "None: every top client was already among the previous run's.\n"
            } else {
                out += clients(document.newOffenders, flavor, style)
            }

            heading("Where: top paths")
            out += table(["PATH", "FAILURES", "CAUSES"], [false, true, false],
                         aggregate.topPaths(document.top).map { [$0.key, TextReport.count($0.value.count, error: $0.error),
                                                                  TextReport.causeSummary($0.value.causes)] }, flavor, style)
            heading("As whom: top user names")
            out += table(["USER", "FAILURES", "CAUSES"], [false, true, false],
                         aggregate.topUsers(document.top).map { [$0.key, TextReport.count($0.value.count, error: $0.error),
                                                                  TextReport.causeSummary($0.value.causes)] }, flavor, style)
        }
        heading("Read")
        out += table(["FILE", "FORMAT", "LINES READ", "EVENTS"], [false, false, true, true],
                     document.report.files.map { [$0.path, $0.format ?? "empty", TextReport.format($0.lines), TextReport.format($0.events)] },
                     flavor, style)
        for input in document.report.unscanned {
            out += "- not read: \(escape(input.path, flavor)): \(escape(input.reason, flavor))\n"
        }
        return out
    }

    static func clients(_ entries: [(key: String, value: ClientTally, error: Int)], _ flavor: Flavor, _ style: TextStyle) -> String {
        table(["CLIENT", "FAILURES", "USERS TRIED", "CAUSES", "FIRST SEEN", "LAST SEEN"], [false, true, true, false, false, false],
              entries.map { [$0.key, TextReport.count($0.value.failures.count, error: $0.error),
                             ($0.value.users.isApproximate ? "~" : "") + TextReport.format($0.value.users.count),
                             TextReport.causeSummary($0.value.failures.causes), TextReport.time($0.value.failures.firstSeen),
                             TextReport.time($0.value.failures.lastSeen)] }, flavor, style)
    }

    static func table(_ titles: [String], _ rightAligned: [Bool], _ rows: [[String]], _ flavor: Flavor, _ style: TextStyle) -> String {
        guard !rows.isEmpty else { return flavor == .markdown ? "_none_\n" : "  none\n" }
        switch flavor {
        case .text:
            // Within the terminal's width: meanings and causes wrap, paths are cut in the middle.
            var table = TextTable(titles.enumerated().map { index, title in
                let fit: TextTable.Fit = ["MEANING", "CAUSES"].contains(title) ? .wrap : ["PATH", "FILE"].contains(title) ? .middle : .whole
                return .init(title: title, alignment: rightAligned[index] ? .right : .left, fit: fit)
            })
            for row in rows { table.add(row) }
            return table.render(style: style)
        case .markdown:
            var out = "| " + titles.joined(separator: " | ") + " |\n"
            out += "|" + rightAligned.map { $0 ? "---:|" : "---|" }.joined() + "\n"
            for row in rows { out += "| " + row.map { escape($0, .markdown) }.joined(separator: " | ") + " |\n" }
            return out
        }
    }

    /// Text for the medium: terminal-safe for text; for Markdown also every character that
    /// could open a link, an image, code, emphasis, HTML or an entity, or end a table cell.
    /// Advice in Markdown with its commands and config lines still code spans (`CGIPassAuth
    /// On`), the rest escaped. Inside a span Markdown is literal, so log text that lands there
    /// (a path in the advice) can make nothing but code; an unpaired backtick is escaped.
    static func keepingCodeSpans(_ text: String) -> String {
        let pieces = TerminalText.escape(text).split(separator: "`", omittingEmptySubsequences: false).map(String.init)
        var out = ""
        for (index, piece) in pieces.enumerated() {
            let isSpan = index % 2 == 1 && index < pieces.count - 1 && !piece.isEmpty
            if isSpan {
                out += "`" + piece + "`"
            } else {
                if index % 2 == 1 { out += "\\`" }
                out += escape(piece, .markdown)
            }
        }
        return out
    }

    static func escape(_ text: String, _ flavor: Flavor) -> String {
        let safe = TerminalText.escape(text)
        guard flavor == .markdown else { return safe }
        var out = ""
        for character in safe {
            if "\\`*_[]<>!|~&".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
