/// The "block these" box of the HTML page: the ban list in each format, selectable and copyable
/// without a script (a `<pre>` per format behind `<details>`, the first one open).
///
/// The seam for the ban list renderer: `render(_:)` takes the lists already rendered, one
/// per format (`plain`, `nginx`, `nftables`…). Until the renderer is merged, the page fills it
/// with `plainList(_:)` alone: the keys of the attack findings about addresses.
public enum HTMLBlockBox {
    public struct RenderedList: Sendable {
        /// The `--ban-format` value ("plain", "nginx"…).
        public var format: String
        public var text: String

        public init(format: String, text: String) {
            self.format = format
            self.text = text
        }
    }

    /// Addresses of attack findings, once each, in the findings' order: what to block.
    public static func plainList(_ findings: [Finding]) -> String {
        var seen = Set<String>()
        var lines: [String] = []
        for finding in findings where finding.kind.category == .attack && finding.kind.dimension == .ip {
            if seen.insert(finding.key).inserted { lines.append(finding.key) }
        }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    public static func render(_ lists: [RenderedList]) -> String {
        let nonEmpty = lists.filter { !$0.text.isEmpty }
        guard !nonEmpty.isEmpty else { return "" }
        var h = "<section class=\"block\"><h2>Block these</h2><p class=\"note\">The addresses of the attack findings;"
            + " never a misconfigured client or a colleague's typo. Select a list to copy it.</p>"
        for (index, list) in nonEmpty.enumerated() {
            h += "<details" + (index == 0 ? " open=\"open\"" : "") + "><summary>" + SummaryHTML.escape(list.format)
                + "</summary><pre class=\"banlist\">"
                // Line by line: the escape shows a newline as `\n`, which a list must keep.
                + list.text.split(separator: "\n", omittingEmptySubsequences: false).map { SummaryHTML.escape(String($0)) }
                    .joined(separator: "\n") + "</pre></details>"
        }
        return h + "</section>"
    }
}
