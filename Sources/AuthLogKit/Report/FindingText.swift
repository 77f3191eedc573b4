/// Findings for people: grouped as attacks to block, things to fix, and things that are not
/// attacks; each with one line of figures, the advice, and where to look. Keys and figures
/// come from log lines and are escaped for the terminal.
public enum FindingText {
    /// `perKind` findings of each kind are shown in full; the rest are named on one line.
    public static func section(_ findings: [Finding], perKind: Int, style: TextStyle) -> String {
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
                    out += "      " + describe(finding) + "\n"
                    out += "      → " + TerminalText.escape(finding.advice) + "\n"
                    if !finding.evidence.isEmpty {
                        out += "      " + style.dim("see " + finding.evidence.map(TerminalText.escape).joined(separator: ", ")) + "\n"
                    }
                }
                if ofKind.count > perKind {
                    let rest = ofKind.dropFirst(perKind)
                    let names = rest.prefix(8).map { TerminalText.escape($0.key) }.joined(separator: ", ")
                    out += "  " + style.dim("  + \(rest.count) more \(kind.rawValue): \(names)\(rest.count > 8 ? ", …" : "") (all in --output json)") + "\n"
                }
            }
        }
        return out
    }

    /// The figures of a finding as a sentence.
    public static func describe(_ finding: Finding) -> String {
        func int(_ name: String) -> String {
            if case .int(let value) = finding.figure(name) { return TextReport.format(value) }
            return "?"
        }
        func text(_ name: String) -> String {
            switch finding.figure(name) {
            case .text(let value): TerminalText.escape(value)
            case .time(let value): CivilTime.shortDisplay(value)
            case .int(let value): TextReport.format(value)
            case nil: "?"
            }
        }
        var span = ""
        if case .time(let first) = finding.figure("first_seen"), case .time(let last) = finding.figure("last_seen") {
            span = " · \(CivilTime.shortDisplay(first)) → \(CivilTime.shortDisplay(last))"
        }
        switch finding.kind {
        case .bruteForce:
            let users = finding.figure("users") == .int(1) ? "one user name" : "\(int("users")) user names"
            return "\(int("failures")) wrong credentials on \(text("surface")), \(users), most often '\(text("top_user"))'" + span
        case .credentialStuffing:
            return "\(int("users")) different user names in \(int("failures")) failures (\(int("unknown_users")) unknown) on \(text("surface"))" + span
        case .distributedAttack:
            return "\(int("failures")) failures from \(int("ips")) addresses, \(text("per_ip")) each" + span
        case .probe:
            return "\(int("requests")) refused requests for \(int("paths")) sensitive files: \(text("examples"))" + span
        case .wordpressLoginPressure:
            return "\(int("posts")) login POSTs answered 200, \(int("unexplained")) with no debug.log line"
        case .misconfiguredClient:
            return "\(int("failures")) failures on \(text("path")) every \(text("interval_seconds")) s as '\(text("user"))' (\(text("cause")))" + span
        case .missingAuthorizationHeader:
            return "\(int("failures")) REST calls without credentials from \(int("clients")) clients, most on \(text("top_route"))" + span
        case .expiredCredentials:
            return "\(int("failures")) failures from \(int("clients")) client(s), up to \(int("busiest_hour")) in one hour, most from \(text("top_client"))" + span
        case .userTypo:
            let failures = finding.figure("failures") == .int(1) ? "once" : "\(int("failures")) times"
            let sessions = finding.figure("sessions") == .int(1) ? "" : " (\(int("sessions")) times, from \(int("ips")) addresses)"
            return "failed \(failures), then got in\(sessions), on \(text("paths"))"
        case .newFailure:
            return "refused \(int("failures")) times (\(text("cause"))) to \(int("clients")) clients since \(text("since")) UTC; served \(int("served_before")) before"
        }
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
