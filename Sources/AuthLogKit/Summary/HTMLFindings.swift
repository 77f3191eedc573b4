/// The findings of the HTML page as an admin acts on them: one card per key (an address with
/// brute-force and credential-stuffing is one card naming both), the advice said once per kind
/// below the cards rather than in every row, a small timeline per finding and the evidence
/// behind `<details>`. Everything from the logs is escaped (`SummaryHTML.escape`).
enum HTMLFindings {
    /// The findings grouped by key, in the order of the findings (their kinds' order, then
    /// weight), so the most urgent key comes first.
    static func groups(_ findings: [Finding]) -> [(key: String, findings: [Finding])] {
        var order: [String] = []
        var byKey: [String: [Finding]] = [:]
        for finding in findings {
            // A user named like an address is still another thing than that address.
            let key = finding.keyDimension.rawValue + "\u{0}" + finding.key
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(finding)
        }
        return order.map { key in (byKey[key]![0].key, byKey[key]!) }
    }

    static func section(_ findings: [Finding], files: EvidenceFiles) -> String {
        guard !findings.isEmpty else { return "" }
        var h = "<section><h2>Findings</h2><div class=\"cards\">"
        for group in groups(findings) {
            let worst = group.findings[0].kind.category.rawValue
            h += "<article class=\"card " + worst + "\"><h3><span class=\"key\">" + SummaryHTML.escape(group.key)
                + "</span> <span class=\"dim\">" + group.findings[0].keyDimension.rawValue + "</span></h3><ul>"
            for finding in group.findings {
                h += "<li><span class=\"kind " + finding.kind.category.rawValue + "\">" + finding.kind.rawValue + "</span> "
                    + SummaryHTML.escape(FindingText.describe(finding))
                if let span = span(of: finding) { h += timeline(span, failures: failures(of: finding)) }
                if !finding.evidence.isEmpty {
                    h += "<details><summary>evidence (\(finding.evidence.count) line\(finding.evidence.count == 1 ? "" : "s"))</summary><ul class=\"evidence\">"
                    for evidence in finding.evidence {
                        h += "<li class=\"key\">" + SummaryHTML.escape(FindingText.reference(evidence, files)) + "</li>"
                    }
                    h += "</ul></details>"
                }
                h += "</li>"
            }
            h += "</ul></article>"
        }
        h += "</div>" + adviceOncePerKind(findings) + "</section>"
        return h
    }

    /// What to do, once per kind: the advice of a kind's findings differs only when a rule
    /// words it per key, so each distinct text is said once, with the keys it is for.
    static func adviceOncePerKind(_ findings: [Finding]) -> String {
        var h = "<h3>What to do</h3><dl class=\"advice\">"
        for kind in Finding.Kind.allCases {
            let ofKind = findings.filter { $0.kind == kind }
            guard !ofKind.isEmpty else { continue }
            var seen: [String] = []
            for finding in ofKind where !seen.contains(finding.advice) { seen.append(finding.advice) }
            h += "<dt class=\"" + kind.category.rawValue + "\">" + kind.rawValue + " <span class=\"dim\">(\(ofKind.count))</span></dt>"
            for advice in seen { h += "<dd>" + SummaryHTML.escape(advice) + "</dd>" }
        }
        return h + "</dl>"
    }

    // MARK: - Timeline

    /// When the finding's failures happened, from the figures every time-bearing rule gives.
    static func span(of finding: Finding) -> ClosedRange<Int64>? {
        var times: [Int64] = []
        for figure in finding.figures { if case .time(let value) = figure.value { times.append(value) } }
        guard let first = times.min(), let last = times.max() else { return nil }
        return first...last
    }

    static func failures(of finding: Finding) -> Int? {
        for name in ["failures", "attempts", "requests"] { if case .int(let value)? = finding.figure(name) { return value } }
        return nil
    }

    /// A strip of hours from the day the finding began, at least a day long and at most two
    /// weeks, with the finding's hours filled: its failures spread over the hours from its
    /// first to its last (a finding carries its span and count, not each failure's time), so
    /// it shows when, how long and how densely it acted. The report's window is not used as
    /// the scale: one old line in the logs would squeeze every finding into a pixel.
    static func timeline(_ span: ClosedRange<Int64>, failures: Int?) -> String {
        let firstHour = CivilTime.floorDivide(span.lowerBound, 86400).0 * 24
        let lastHour = CivilTime.floorDivide(span.upperBound, 3600).0
        let hours = Int(min(max(lastHour - firstHour + 1, 24), 24 * 14))
        let from = Int(CivilTime.floorDivide(span.lowerBound, 3600).0 - firstHour)
        let to = Int(max(Int64(from), min(lastHour - firstHour, Int64(hours - 1))))
        let width = 300.0, height = 18.0
        let step = width / Double(hours)
        let perHour = failures.map { Double($0) / Double(to - from + 1) }
        var svg = "<svg class=\"spark\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" preserveAspectRatio=\"none\" role=\"img\""
            + " aria-label=\"failures per hour from \(CivilTime.shortDisplay(firstHour * 3600)), \(hours) hours\">"
        svg += "<rect x=\"0\" y=\"0\" width=\"\(Int(width))\" height=\"\(Int(height))\" class=\"track\"/>"
        for hour in from...to {
            svg += "<rect x=\"\(fmt(Double(hour) * step))\" y=\"2\" width=\"\(fmt(max(step - 0.3, 0.6)))\" height=\"\(Int(height - 4))\" class=\"hit\">"
                + "<title>" + CivilTime.shortDisplay((firstHour + Int64(hour)) * 3600)
                + (perHour.map { " ~" + TextReport.format(Int($0.rounded(.up))) + " failures" } ?? "") + "</title></rect>"
        }
        return svg + "</svg>"
    }

    private static func fmt(_ value: Double) -> String { String(Double(Int(value * 10)) / 10) }
}
