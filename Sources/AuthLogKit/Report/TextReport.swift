/// The report a person reads in a terminal: a headline that answers "how bad, since when",
/// then what to do (findings), why (causes with their meaning, the layer that refused), who
/// (clients), where (paths), as whom (users), and what was read. Counts are failed requests
/// (an access line and the error line explaining it count once) when requests were joined.
/// Every piece of log text passes through `TerminalText.escape`.
public enum TextReport {
    public static func render(_ report: ScanReport, top: Int, style: TextStyle, includeFiles: Bool = true) -> String {
        let requests = report.requests
        let aggregate = requests?.aggregate ?? report.aggregate
        var out = ""
        let scanned = report.files.count
        var headline = requests == nil
            ? "\(format(aggregate.total)) authentication failure\(aggregate.total == 1 ? "" : "s")"
            : "\(format(aggregate.total)) failed request\(aggregate.total == 1 ? "" : "s")"
                + " (\(format(report.aggregate.total)) log line\(report.aggregate.total == 1 ? "" : "s"))"
        headline += " in \(scanned) file\(scanned == 1 ? "" : "s")"
        if let first = aggregate.firstSeen, let last = aggregate.lastSeen {
            headline += ", \(CivilTime.shortDisplay(first)) → \(CivilTime.shortDisplay(last)) UTC"
        }
        out += TerminalText.wrap(headline, to: style.width).map(style.bold).joined(separator: "\n") + "\n"
        if let challenges = challengeLine(requests) { out += TerminalText.wrap(challenges, to: style.width).joined(separator: "\n") + "\n" }
        if aggregate.total == 0 {
            if includeFiles { out += "\n" + filesSection(report, style: style) }
            return out
        }
        out += TerminalText.wrap(glance(aggregate), to: style.width).joined(separator: "\n") + "\n"
        if let requests {
            out += "\n" + FindingText.section(requests.findings, files: requests.evidenceFiles, perKind: min(top, 3), style: style)
        }

        out += "\n" + style.bold("Why") + "\n"
        var causes = TextTable([.init(title: "CAUSE", alignment: .left), .init(title: "FAILURES", alignment: .right),
                                .init(title: "SHARE", alignment: .right), .init(title: "", alignment: .left),
                                .init(title: "MEANING", alignment: .left, maxWidth: 70, fit: .wrap)])
        let largest = aggregate.byCause.nonZeroByCount.first?.count ?? 1
        for (cause, count) in aggregate.byCause.nonZeroByCount {
            causes.add([cause.rawValue, format(count), percent(count, of: aggregate.total),
                        bar(count, of: largest, width: 12), cause.meaning])
        }
        out += causes.render(style: style)
        if let requests {
            out += unexplainedNote(requests.unexplained, style: style)
            out += "\n" + layerSection(requests, style: style)
        }

        let ips = aggregate.topIPs(top)
        if !ips.isEmpty {
            out += "\n" + style.bold("Who: top clients") + "\n"
            var table = TextTable([.init(title: "CLIENT", alignment: .left, maxWidth: 40),
                                   .init(title: "FAILURES", alignment: .right), .init(title: "USERS", alignment: .right),
                                   .init(title: "CAUSES", alignment: .left, maxWidth: 52, fit: .wrap),
                                   .init(title: "FIRST SEEN", alignment: .left), .init(title: "LAST SEEN", alignment: .left)])
            for (ip, client, error) in ips {
                table.add([ip, count(client.failures.count, error: error),
                           (client.users.isApproximate ? "~" : "") + format(client.users.count),
                           causeSummary(client.failures.causes), time(client.failures.firstSeen),
                           time(client.failures.lastSeen)])
            }
            out += table.render(style: style)
        }

        let paths = aggregate.topPaths(top)
        if !paths.isEmpty {
            out += "\n" + style.bold("Where: top paths") + "\n"
            var table = TextTable([.init(title: "PATH", alignment: .left, maxWidth: 56, fit: .middle),
                                   .init(title: "FAILURES", alignment: .right),
                                   .init(title: "CAUSES", alignment: .left, maxWidth: 52, fit: .wrap)])
            for (path, tally, error) in paths {
                table.add([path, count(tally.count, error: error), causeSummary(tally.causes)])
            }
            out += table.render(style: style)
        }

        let users = aggregate.topUsers(top)
        if !users.isEmpty {
            out += "\n" + style.bold("As whom: top user names") + "\n"
            var table = TextTable([.init(title: "USER", alignment: .left, maxWidth: 40),
                                   .init(title: "FAILURES", alignment: .right),
                                   .init(title: "CAUSES", alignment: .left, maxWidth: 52, fit: .wrap)])
            for (user, tally, error) in users {
                table.add([user, count(tally.count, error: error), causeSummary(tally.causes)])
            }
            out += table.render(style: style)
        }

        if aggregate.byIP.isApproximate || aggregate.byPath.isApproximate || aggregate.byUser.isApproximate {
            out += "\n" + style.dim("± counts are estimates: more distinct keys were seen than --max-keys keeps;"
                                      + " each may be over by at most the figure after ±.") + "\n"
        }
        if includeFiles { out += "\n" + filesSection(report, style: style) }
        return out
    }

    /// The one line on challenges (every report format says it under the headline), or nil
    /// when there were none: they are no failures, so no other figure holds them.
    public static func challengeLine(_ requests: RequestReport?) -> String? {
        guard let count = requests?.challenges, count > 0 else { return nil }
        return "\(format(count)) challenge\(count == 1 ? "" : "s") (a 401 to a request without credentials, answered at once "
            + "by a login that worked): not counted as failures"
    }

    /// Access-log refusals no other log explains, split by whether a user name was sent.
    static func unexplainedNote(_ counts: UnexplainedCounts, style: TextStyle) -> String {
        var parts: [String] = []
        if counts.status401WithUser > 0 { parts.append("\(format(counts.status401WithUser)) 401 with a user name (a wrong password nothing else logged)") }
        if counts.status401WithoutUser > 0 { parts.append("\(format(counts.status401WithoutUser)) 401 without one (no credentials sent, or lost on the way)") }
        if counts.status403WithUser > 0 { parts.append("\(format(counts.status403WithUser)) 403 with a user name (logged in, not allowed)") }
        if counts.status403WithoutUser > 0 {
            let writes = counts.restWrite403WithoutUser
            parts.append("\(format(counts.status403WithoutUser)) 403 without one"
                         + (writes > 0 ? " (\(format(writes)) of them REST writes: probably `invalid-nonce`, a stale nonce of a logged-in "
                            + "browser, which WordPress refuses without a log line)" : ""))
        }
        guard !parts.isEmpty else { return "" }
        return TerminalText.wrap("http-401/http-403: " + parts.joined(separator: "; "), to: style.width - 4).enumerated()
            .map { ($0.offset == 0 ? "  " : "    ") + style.dim($0.element) + "\n" }.joined()
    }

    static func layerSection(_ requests: RequestReport, style: TextStyle) -> String {
        var out = style.bold("Which layer refused") + "\n"
        var table = TextTable([.init(title: "LAYER", alignment: .left), .init(title: "REQUESTS", alignment: .right),
                               .init(title: "SHARE", alignment: .right), .init(title: "MEANING", alignment: .left, maxWidth: 70, fit: .wrap)])
        let total = requests.aggregate.total
        for (layer, count) in requests.byLayer {
            table.add([layer.rawValue, format(count), percent(count, of: total), layer.meaning])
        }
        out += table.render(style: style)
        if requests.paired > 0 {
            out += style.dim("  \(format(requests.paired)) access-log line(s) joined with the error/debug line that says why") + "\n"
        }
        return out
    }

    /// "1,234", or "1,234 ±56" for an estimate that may be over by 56.
    static func count(_ value: Int, error: Int) -> String {
        error > 0 ? "\(format(value)) ±\(format(error))" : format(value)
    }

    /// One line naming the biggest cause, client, path and user: the answer at a glance.
    static func glance(_ aggregate: FailureAggregate) -> String {
        var parts: [String] = []
        if let cause = aggregate.byCause.nonZeroByCount.first {
            parts.append("mostly \(cause.cause.rawValue) (\(percent(cause.count, of: aggregate.total)))")
        }
        if let ip = aggregate.topIPs(1).first {
            parts.append("top client \(TerminalText.escape(ip.key)) (\(format(ip.value.failures.count)))")
        }
        if let path = aggregate.topPaths(1).first {
            parts.append("top path \(TerminalText.truncateMiddle(TerminalText.escape(path.key), to: 40)) (\(format(path.value.count)))")
        }
        if let user = aggregate.topUsers(1).first {
            parts.append("top user \(TerminalText.truncate(TerminalText.escape(user.key), to: 30)) (\(format(user.value.count)))")
        }
        return parts.joined(separator: " · ")
    }

    static func filesSection(_ report: ScanReport, style: TextStyle) -> String {
        var out = style.bold("Read") + "\n"
        var table = TextTable([.init(title: "FILE", alignment: .left, maxWidth: 60, fit: .middle), .init(title: "FORMAT", alignment: .left),
                               .init(title: "LINES", alignment: .right), .init(title: "EVENTS", alignment: .right),
                               .init(title: "SKIPPED", alignment: .right)])
        for file in report.files {
            table.add([file.path, (file.format ?? "empty") + (file.formatForced ? " (forced)" : ""),
                       format(file.lines), format(file.events), format(file.skipped)])
        }
        out += table.render(style: style)
        for input in report.unscanned.prefix(8) {
            out += "  " + style.dim("not read: \(TerminalText.escape(input.path)): \(TerminalText.escape(input.reason))") + "\n"
        }
        if report.unscanned.count > 8 {
            out += "  " + style.dim("… and \(report.unscanned.count - 8) more not read (all are listed in --output json)") + "\n"
        }
        return out
    }

    static func causeSummary(_ causes: CauseCounts) -> String {
        let items = causes.nonZeroByCount
        var parts = items.prefix(2).map { "\($0.cause.rawValue) \(format($0.count))" }
        if items.count > 2 { parts.append("+\(items.count - 2) more") }
        return parts.joined(separator: ", ")
    }

    static func time(_ seconds: Int64?) -> String {
        seconds.map(CivilTime.shortDisplay) ?? "-"
    }

    /// 12345 → "12,345"
    static func format(_ value: Int) -> String { CountText.grouped(value) }

    static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "0%" }
        let value = Double(part) * 100 / Double(whole)
        if value >= 10 || value == 0 { return "\(Int(value.rounded()))%" }
        let tenths = (value * 10).rounded() / 10
        return tenths < 0.1 ? "<0.1%" : "\(tenths)%"
    }

    static func bar(_ part: Int, of whole: Int, width: Int) -> String {
        guard whole > 0 else { return "" }
        let eighths = max(1, Int((Double(part) / Double(whole) * Double(width * 8)).rounded()))
        let blocks = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + blocks[eighths % 8]
    }
}
