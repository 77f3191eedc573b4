/// The "block these" box of the HTML page: the ban list in each format, selectable and copyable
/// without a script (a `<pre>` per format behind `<details>`, the first one open).
///
/// `render(_:)` takes the lists already rendered, one per format (`plain`, `nginx`,
/// `nftables`…); `lists(_:settings:)` renders them with the scan's or summary's ban settings.
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

    /// The ban list of `--output bans` (`BanList`: attack findings only, never a colleague, a
    /// trusted proxy, a never-ban network or this machine) in every format, the chosen one first.
    public static func lists(_ findings: [Finding], settings: BanSettings, challengeOnlyClients: [IPAddress] = []) -> [RenderedList] {
        let list = settings.list(findings, challengeOnlyClients: challengeOnlyClients)
        guard !list.entries.isEmpty else { return [] }
        let formats = [settings.format] + BanFormat.allCases.filter { $0 != settings.format }
        return formats.map { RenderedList(format: $0.rawValue, text: list.render($0)) }
    }

    /// The lists of a scan's findings, sparing its challenge-only clients.
    public static func lists(_ requests: RequestReport?, settings: BanSettings) -> [RenderedList] {
        lists(requests?.findings ?? [], settings: settings, challengeOnlyClients: requests?.challengeOnlyClients ?? [])
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
