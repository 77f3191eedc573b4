/// The shared access rules' prefilter literals, rewritten for a layout of the admin's own.
///
/// Those literals are written for the Common Log Format: `" 401 ` is the end of the quoted
/// request, the status and the space after it. In a layout like `… $status "$request" …`
/// that text never occurs, and the prefilter would drop every refused line before a rule saw
/// it. So each literal of the shape the rule set uses is rebuilt from the text this layout
/// writes around the same value: `" 401 ` becomes `status=401;` for `status=$status;`.
/// A literal that cannot be rebuilt is dropped; a rule left with none reads every line
/// (slower, never blind). The rule ids stay the rule set's (`nginx-config:main/status-401`).
struct DerivedLiterals {
    let layout: LogLayout

    func fitted(_ rule: RuleDefinition) -> RuleDefinition {
        var rule = rule
        var literals: [[UInt8]] = []
        var unfit = false
        for literal in rule.literals {
            if let fitted = fit(literal) { literals.append(fitted) } else { unfit = true }
        }
        // One literal that cannot be placed means the prefilter cannot speak for the rule.
        rule.literals = unfit ? [] : literals
        if rule.findsNamedUsers, !keepsNamedUserShape {
            rule.findsNamedUsers = false
            rule.literals = []
        }
        return rule
    }

    /// `" 401 ` (status) or `"POST /wp-login` (request start), as this layout writes them.
    func fit(_ literal: [UInt8]) -> [UInt8]? {
        let quote = UInt8(ascii: "\""), space = UInt8(ascii: " ")
        // `" NNN `: a status after the quoted request.
        if literal.count == 6, literal[0] == quote, literal[1] == space, literal[5] == space,
           literal[2...4].allSatisfy({ (0x30...0x39).contains($0) }) {
            guard let index = layout.firstIndex(of: .status) else { return nil }
            return Array(textBefore(index, limit: 2).utf8) + Array(literal[2...4]) + Array(textAfter(index, limit: 1).utf8)
        }
        // `"METHOD …`: the start of the quoted request line.
        if literal.count > 2, literal[0] == quote, (0x41...0x5A).contains(literal[1]) {
            guard let index = layout.firstIndex(of: .request) else { return nil }
            return Array(textBefore(index, limit: 1).utf8) + Array(literal.dropFirst())
        }
        return literal
    }

    /// The last `limit` characters of the literal text just before piece `index`.
    private func textBefore(_ index: Int, limit: Int) -> String {
        String((layout.literal(at: index - 1) ?? "").suffix(limit))
    }

    private func textAfter(_ index: Int, limit: Int) -> String {
        String((layout.literal(at: index + 1) ?? "").prefix(limit))
    }

    /// `prefilter = named-user` looks for the user before the first " [" of a line (CLF's
    /// `$remote_user [$time_local]`), and skips the line only when that " [" follows " -"; it
    /// only speaks for a layout that writes exactly that, with nothing before the user that
    /// could make an earlier " [" follow " -". Without it every line is read (4× slower), so
    /// the words admins put before the user (`$host`, Apache's `%l` and `%v`) are allowed.
    var keepsNamedUserShape: Bool {
        guard let user = layout.firstIndex(of: .user), let after = layout.literal(at: user + 1),
              let before = layout.literal(at: user - 1), before.hasSuffix(" ") else { return false }
        // Apache's `%t` writes its own brackets: `%u %t` is `bob [20/Nov/…]`.
        let bracketFollows = after == " " && layout.pieces.indices.contains(user + 2)
            && layout.pieces[user + 2] == .variable(name: "%t", value: .time(.bracketedCLF))
        guard after.hasPrefix(" [") || bracketFollows else { return false }
        for (index, piece) in layout.pieces[..<user].enumerated() {
            switch piece {
            case .literal(let text): if text.contains("[") { return false }
            case .variable(let name, let value):
                switch value {
                case .client, .integer, .decimal, .status, .method, .time(.clf), .time(.iso8601), .time(.localISO8601):
                    continue
                case .skip where Self.oneWordVariables.contains(name):
                    // One word, but it may begin with "[" (an IPv6 literal Host): the text
                    // before it must then not end in "-", which only a client never does.
                    var afterClient = false
                    if index >= 2, case .variable(_, .client) = layout.pieces[index - 2] { afterClient = true }
                    guard index == 0 || (afterClient && layout.literal(at: index - 1) == " ") else { return false }
                default:
                    return false
                }
            }
        }
        return true
    }

    /// Variables whose value is one word without a space: the virtual host (nginx validates
    /// the Host header and refuses one with a space; Apache's `%v` is the configured name),
    /// the protocol and scheme, and Apache's `%l`, the identd answer that is `-` on every
    /// server without `IdentityCheck On`.
    static let oneWordVariables: Set<String> = ["$host", "$server_name", "$hostname", "$scheme", "$server_protocol",
                                                "$server_addr", "%v", "%V", "%l", "%H", "%A"]
}
