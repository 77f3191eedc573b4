/// The summary as one self-contained HTML page: no scripts, fonts or stylesheets from
/// elsewhere, charts as inline SVG, readable on a phone. Every piece of text from the logs
/// is escaped; the page is also well-formed XML, so tests parse it strictly.
public enum SummaryHTML {
    /// `comparesRuns`: summary's page shows what changed since the previous run; scan's has
    /// no previous run and leaves that out. `banLists`: the lists of the "block these" box,
    /// rendered per format (`HTMLBlockBox`); nil renders them with the default ban settings.
    public static func render(_ document: SummaryDocument, comparesRuns: Bool = true,
                              banLists: [HTMLBlockBox.RenderedList]? = nil) -> String {
        let aggregate = document.counted
        let findings = document.report.requests?.findings ?? []
        var h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
        h += "<title>" + escape("Authentication failures, \(document.windowText)") + "</title>"
        h += "<style>" + style + "</style></head><body>"
        h += "<header><h1>Authentication failures</h1><p class=\"window\">" + escape(document.windowText) + " · "
            + escape(document.windowDescription) + "</p>"
        h += "<p class=\"headline\"><strong>" + TextReport.format(document.total) + "</strong> " + document.totalUnit
            + " in \(document.report.files.count) file"
            + (document.report.files.count == 1 ? "" : "s") + (comparesRuns ? " · " + escape(document.change) : "") + "</p>"
        if let challenges = TextReport.challengeLine(document.report.requests) {
            h += "<p class=\"challenges\">" + escape(challenges) + "</p>"
        }
        if document.total > 0 { h += "<p class=\"glance\">" + escape(TextReport.glance(aggregate)) + "</p>" }
        h += "</header>"
        h += tiles(document, findings: findings)

        h += HTMLFindings.section(findings, files: document.report.requests?.evidenceFiles ?? EvidenceFiles())
        h += HTMLBlockBox.render(banLists ?? HTMLBlockBox.lists(document.report.requests, settings: BanSettings()))
        if document.total > 0 {
            h += "<section><h2>Failures over time</h2>" + timeline(aggregate) + legend(aggregate) + "</section>"
            h += "<section><h2>Why</h2>" + table([("Cause", false), ("Failures", true), ("Share", true), ("Meaning", false)],
                aggregate.byCause.nonZeroByCount.map { cause, count in
                    ["<span class=\"swatch\" style=\"background:\(color(cause))\"></span>" + cause.rawValue, TextReport.format(count),
                     TextReport.percent(count, of: document.total), escape(cause.meaning)]
                })
            if let requests = document.report.requests, !requests.byLayer.isEmpty {
                h += "<h3>Which layer refused</h3>" + table([("Layer", false), ("Requests", true), ("Share", true), ("Meaning", false)],
                    requests.byLayer.map { layer, count in
                        [layer.rawValue, TextReport.format(count), TextReport.percent(count, of: requests.aggregate.total), escape(layer.meaning)]
                    })
            }
            h += "</section>"

            let ips = aggregate.topIPs(document.top)
            h += "<section><h2>Who: top clients</h2>" + bars(ips.map { ($0.key, $0.value.failures.count) })
            h += clientTable(ips) + "</section>"
            if comparesRuns {
                h += "<section><h2>New offenders</h2>"
                if document.previous == nil {
                    h += "<p>No previous run to compare with.</p>"
                } else if document.newOffenders.isEmpty {
                    h += "<p>None: every top client was already among the previous run's.</p>"
                } else {
                    h += clientTable(document.newOffenders)
                }
                h += "</section>"
            }
            let paths = aggregate.topPaths(document.top)
            h += "<section><h2>Where: top paths</h2>" + bars(paths.map { ($0.key, $0.value.count) })
            h += simpleTable("Path", paths.map { ($0.key, TextReport.count($0.value.count, error: $0.error), TextReport.causeSummary($0.value.causes)) })
            h += "</section>"
            let users = aggregate.topUsers(document.top)
            h += "<section><h2>As whom: top user names</h2>"
            h += simpleTable("User", users.map { ($0.key, TextReport.count($0.value.count, error: $0.error), TextReport.causeSummary($0.value.causes)) })
            h += "</section>"
        }
        h += "<section><h2>Read</h2>" + table([("File", false), ("Format", false), ("Lines read", true), ("Events", true)],
            document.report.files.map { file in
                ["<span class=\"key\">" + escape(file.path) + "</span>", escape(file.format ?? "empty"),
                 TextReport.format(file.lines), TextReport.format(file.events)]
            })
        for input in document.report.unscanned {
            h += "<p class=\"note\">Not read: " + escape(input.path) + ": " + escape(input.reason) + "</p>"
        }
        h += "</section><footer>Generated by authlog at " + CivilTime.shortDisplay(document.generatedAt) + " UTC.</footer></body></html>\n"
        return h
    }

    /// The four figures an admin reads first.
    static func tiles(_ document: SummaryDocument, findings: [Finding]) -> String {
        let attackers = Set(findings.filter { $0.kind.category == .attack }
            .flatMap { ($0.keyDimension == .ip ? [$0.key] : []) + $0.blocks }).count
        let users = document.counted.byUser
        let toFix = findings.filter { $0.kind.category == .fix }.count
        let figures: [(String, String, String)] = [
            (TextReport.format(document.total), document.report.requests == nil ? "failures" : "failed requests", ""),
            (TextReport.format(attackers), "attacking addresses", attackers > 0 ? " attack" : ""),
            ((users.isApproximate ? "~" : "") + TextReport.format(users.count), "accounts targeted", ""),
            (TextReport.format(toFix), "things to fix", toFix > 0 ? " fix" : ""),
        ]
        return "<section class=\"tiles\">" + figures.map { value, label, tone in
            "<div class=\"tile\(tone)\"><span class=\"figure\">\(value)</span><span class=\"label\">\(label)</span></div>"
        }.joined() + "</section>"
    }

    // MARK: - Charts

    /// Stacked bars of failures per hour (per day beyond two weeks), one colour per cause.
    static func timeline(_ aggregate: FailureAggregate) -> String {
        guard let firstHour = aggregate.byHour.keys.min(), let lastHour = aggregate.byHour.keys.max() else {
            return "<p>No timestamps.</p>"
        }
        let perDay = lastHour - firstHour > 24 * 14
        let step: Int64 = perDay ? 24 : 1
        let start = CivilTime.floorDivide(firstHour, step).0, end = CivilTime.floorDivide(lastHour, step).0
        var buckets = [CauseCounts](repeating: CauseCounts(), count: Int(end - start + 1))
        for (hour, counts) in aggregate.byHour { buckets[Int(CivilTime.floorDivide(hour, step).0 - start)].merge(counts) }
        let totals = buckets.map { bucket in Cause.allCases.reduce(0) { $0 + bucket[$1] } }
        let peak = max(totals.max() ?? 1, 1)
        let width = 720.0, height = 180.0, left = 44.0, bottom = 22.0
        let barWidth = (width - left) / Double(buckets.count)
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height + bottom))\" role=\"img\" aria-label=\"failures per \(perDay ? "day" : "hour")\">"
        svg += "<text x=\"0\" y=\"12\" class=\"axis\">\(TextReport.format(peak))</text><text x=\"0\" y=\"\(Int(height))\" class=\"axis\">0</text>"
        svg += "<line x1=\"\(left)\" y1=\"\(height)\" x2=\"\(width)\" y2=\"\(height)\" class=\"base\"/>"
        for (index, bucket) in buckets.enumerated() {
            var y = height
            let x = left + Double(index) * barWidth
            for cause in Cause.allCases where bucket[cause] > 0 {
                let segment = Double(bucket[cause]) / Double(peak) * (height - 16)
                y -= segment
                svg += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(max(barWidth - 1, 0.5)))\" height=\"\(fmt(segment))\" fill=\"\(color(cause))\">"
                    + "<title>\(label(start + Int64(index), step)) \(cause.rawValue): \(bucket[cause])</title></rect>"
            }
        }
        let labelEvery = max(1, buckets.count / 6)
        for index in stride(from: 0, to: buckets.count, by: labelEvery) {
            svg += "<text x=\"\(fmt(left + Double(index) * barWidth))\" y=\"\(Int(height + 16))\" class=\"axis\">\(label(start + Int64(index), step))</text>"
        }
        return svg + "</svg>"
    }

    static func legend(_ aggregate: FailureAggregate) -> String {
        "<p class=\"legend\">" + aggregate.byCause.nonZeroByCount.map {
            "<span><span class=\"swatch\" style=\"background:\(color($0.cause))\"></span>\($0.cause.rawValue)</span>"
        }.joined(separator: " ") + "</p>"
    }

    /// Horizontal bars for a top list; labels are log text, escaped and cut to fit.
    static func bars(_ items: [(String, Int)]) -> String {
        guard let peak = items.map(\.1).max(), peak > 0 else { return "" }
        let row = 22.0, width = 720.0, labelWidth = 300.0
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(row * Double(items.count) + 4))\" role=\"img\" aria-label=\"top list\">"
        for (index, item) in items.enumerated() {
            let y = Double(index) * row + 2
            let length = Double(item.1) / Double(peak) * (width - labelWidth - 70)
            svg += "<text x=\"0\" y=\"\(fmt(y + 15))\" class=\"label\">" + escape(TerminalText.truncate(TerminalText.escape(item.0), to: 42)) + "</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(fmt(y + 3))\" width=\"\(fmt(max(length, 1)))\" height=\"\(fmt(row - 6))\" class=\"bar\"/>"
            svg += "<text x=\"\(fmt(labelWidth + length + 6))\" y=\"\(fmt(y + 15))\" class=\"axis\">\(TextReport.format(item.1))</text>"
        }
        return svg + "</svg>"
    }

    // MARK: - Tables

    /// A table whose cells say their column (`data-label`), so that on a narrow screen each
    /// row stacks into lines "Column: value" instead of running off the side. Cells are HTML.
    static func table(_ headers: [(title: String, numeric: Bool)], _ rows: [[String]]) -> String {
        guard !rows.isEmpty else { return "<p>None.</p>" }
        var h = "<table><thead><tr>" + headers.map { "<th" + ($0.numeric ? " class=\"n\"" : "") + ">\($0.title)</th>" }.joined()
            + "</tr></thead><tbody>"
        for row in rows {
            h += "<tr>" + zip(headers, row).map { header, cell in
                "<td data-label=\"\(header.title)\"" + (header.numeric ? " class=\"n\"" : "") + ">" + cell + "</td>"
            }.joined() + "</tr>"
        }
        return h + "</tbody></table>"
    }

    static func clientTable(_ entries: [(key: String, value: ClientTally, error: Int)]) -> String {
        table([("Client", false), ("Failures", true), ("Users tried", true), ("Causes", false), ("First seen", false), ("Last seen", false)],
              entries.map { entry in
                  ["<span class=\"key\">" + escape(entry.key) + "</span>", TextReport.count(entry.value.failures.count, error: entry.error),
                   (entry.value.users.isApproximate ? "~" : "") + TextReport.format(entry.value.users.count),
                   escape(TextReport.causeSummary(entry.value.failures.causes)),
                   TextReport.time(entry.value.failures.firstSeen), TextReport.time(entry.value.failures.lastSeen)]
              })
    }

    static func simpleTable(_ title: String, _ rows: [(String, String, String)]) -> String {
        table([(title, false), ("Failures", true), ("Causes", false)],
              rows.map { ["<span class=\"key\">" + escape($0.0) + "</span>", $0.1, escape($0.2)] })
    }

    // MARK: - Helpers

    /// HTML (and XML) escaping, after making control characters visible.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in TerminalText.escape(text) {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static func color(_ cause: Cause) -> String {
        switch cause {
        case .unknownUser: "#d62728"
        case .passwordMismatch: "#ff7f0e"
        case .missingCredentials: "#bcbd22"
        case .wrongScheme: "#8c564b"
        case .expiredToken: "#9467bd"
        case .invalidToken: "#c5b0d5"
        case .invalidNonce: "#e377c2"
        case .invalidClient: "#7f7f7f"
        case .deniedByRule: "#1f77b4"
        case .notAuthorized: "#17becf"
        case .http401: "#aec7e8"
        case .http403: "#98df8a"
        case .loginFailed: "#ffbb78"
        }
    }

    private static func label(_ bucket: Int64, _ step: Int64) -> String {
        let text = CivilTime.shortDisplay(bucket * step * 3600)  // "2026-11-20 06:00"
        return step == 24 ? String(text.prefix(10)) : String(text.dropFirst(5))
    }

    private static func fmt(_ value: Double) -> String { String(Double(Int(value * 10)) / 10) }

    /// No fixed widths: the page is as wide as the screen, long keys wrap anywhere, and below
    /// 640 px every table row stacks into labelled lines, the tiles into two columns.
    static let style = """
        *{box-sizing:border-box}html{-webkit-text-size-adjust:100%}\
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:980px;padding:12px;color:#222;background:#fff;overflow-wrap:anywhere}\
        h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin:1.4em 0 .4em;border-bottom:1px solid #ddd}h3{font-size:1em;margin:.8em 0 .3em}\
        .headline{font-size:1.2em}.window,.glance,.note,footer,.dim{color:#555}.dim{font-weight:normal;font-size:.85em}\
        .tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(9em,1fr));gap:8px;margin:.8em 0}\
        .tile{border:1px solid #ddd;border-radius:6px;padding:8px 10px;background:#fafafa}.tile.attack{border-color:#d62728;background:#fff3f3}.tile.fix{border-color:#e6a100;background:#fffaf0}\
        .figure{display:block;font-size:1.6em;font-weight:700}.tile .label{display:block;color:#555;font-size:.9em}\
        table{border-collapse:collapse;width:100%}th,td{padding:3px 8px;text-align:left;vertical-align:top}\
        th{font-weight:600;border-bottom:1px solid #bbb}tr:nth-child(even){background:#f6f6f6}.n{text-align:right;white-space:nowrap}\
        .key{font-family:ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere;word-break:break-all}\
        .chart{width:100%;height:auto;display:block}.axis{font-size:11px;fill:#555}.label{font-size:12px;font-family:ui-monospace,monospace;fill:#222}\
        .bar{fill:#d62728}.base{stroke:#999}.swatch{display:inline-block;width:.8em;height:.8em;margin-right:.35em;border-radius:2px}\
        .legend span{margin-right:.9em;white-space:nowrap}footer{margin-top:2em;font-size:.85em}\
        .cards{display:grid;gap:8px}.card{border:1px solid #ddd;border-left:4px solid #999;border-radius:4px;padding:6px 10px}\
        .card.attack{border-left-color:#d62728}.card.fix{border-left-color:#e6a100}.card.benign{border-left-color:#2ca02c}\
        .card h3{margin:.1em 0 .3em}.card ul{margin:0;padding-left:1.1em}.card li{margin:.2em 0}.evidence{font-size:.85em}\
        .kind{font-weight:600}.kind.attack,dt.attack{color:#b00}.kind.fix,dt.fix{color:#a60}.kind.benign,dt.benign{color:#080}\
        .spark{display:block;width:100%;max-width:300px;height:14px;margin:.2em 0}.track{fill:#eee}.hit{fill:#d62728}\
        dt{font-weight:600;margin-top:.4em}dd{margin:0 0 0 1em}details summary{cursor:pointer;color:#555}\
        .block{border:2px solid #d62728;border-radius:6px;padding:0 10px 8px}.block h2{border:0}\
        pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;padding:6px;margin:.3em 0;user-select:all;font-size:.9em}\
        @media (max-width:640px){body{padding:8px}table,thead,tbody,tr,th,td{display:block}thead{display:none}\
        tr{border-bottom:1px solid #ddd;padding:3px 0}td{padding:1px 4px}td.n{text-align:left}\
        td::before{content:attr(data-label) ": ";color:#666;font-size:.85em}}
        """
}
