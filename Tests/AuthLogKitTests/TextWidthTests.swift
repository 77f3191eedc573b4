import Testing
@testable import AuthLogKit

/// The text report within the terminal's width (issue 15, item 8): wrapped at spaces, paths
/// cut in the middle, addresses and user names never broken.
@Suite struct TextWidthTests {
    @Test func widthIsColumnsElseOneHundredWhenNotATerminal() {
        #expect(TerminalWidth.current(environment: ["COLUMNS": "72"]) == 72)
        #expect(TerminalWidth.current(environment: ["COLUMNS": "5"]) == TerminalWidth.narrowest)
        // Tests run with standard output on a pipe: no tty, no COLUMNS.
        #expect(TerminalWidth.current(toTerminal: false, environment: [:]) == 100)
        #expect(TerminalWidth.current(environment: ["COLUMNS": "wide"]) == TerminalWidth.current(environment: [:]))
    }

    @Test func longPathsAreCutInTheMiddleAtSlashes() {
        let cut = TerminalText.truncateMiddle("/wp-json/wp/v2/plugins/some-plugin/v1/users/me", to: 24)
        #expect(cut.hasPrefix("/wp-json/"))
        #expect(cut.hasSuffix("/users/me"))
        #expect(cut.contains("…"))
        #expect(TerminalText.width(cut) <= 24)
        #expect(TerminalText.truncateMiddle("/short", to: 24) == "/short")
    }

    @Test func wrappingNeverBreaksAnAddressOrAUserName() {
        let address = "2001:db8:1234:5678:9abc:def0:1234:5678"
        let lines = TerminalText.wrap("Block \(address) now; user administrator-of-everything tried", to: 20)
        #expect(lines.contains(address), "the address is whole on a line of its own")
        #expect(lines.contains { $0.contains("administrator-of-everything") })
        #expect(lines.allSatisfy { TerminalText.width($0) <= 20 || !$0.contains(" ") })
    }

    @Test func aTableWiderThanTheTerminalWrapsItsMeaningAndKeepsItsKeys() {
        var table = TextTable([.init(title: "CLIENT", alignment: .left), .init(title: "FAILURES", alignment: .right),
                               .init(title: "MEANING", alignment: .left, maxWidth: 70, fit: .wrap)])
        table.add(["203.0.113.77", "12", "the user exists, the password is wrong, and nothing else was logged about it"])
        let text = table.render(style: TextStyle(enabled: false, width: 50))
        #expect(text.split(separator: "\n").allSatisfy { TerminalText.width(String($0)) <= 50 })
        #expect(text.contains("203.0.113.77"))
        #expect(text.split(separator: "\n").count > 2, "the meaning went onto continuation lines")
    }
}

extension TextWidthTests {
    @Test func aConfigLineInBackticksAndADateWithItsTimeStayOnOneLine() {
        let advice = "on Apache add `SetEnvIf Authorization \"(.*)\" HTTP_AUTHORIZATION=$1` since 2026-11-21 01:00 today"
        let lines = TerminalText.wrap(advice, to: 24)
        #expect(lines.contains { $0.contains("`SetEnvIf Authorization \"(.*)\" HTTP_AUTHORIZATION=$1`") })
        #expect(lines.contains { $0.contains("2026-11-21 01:00") })
    }
}

extension TextWidthTests {
    /// Markdown keeps the advice's commands and config lines as code (they were escaped to
    /// literal backticks), and log text outside them is still escaped.
    @Test func markdownAdviceKeepsItsCodeSpans() {
        let advice = "behind nginx pass `proxy_set_header Authorization $http_authorization;` for /a_b*"
        #expect(SummaryText.keepingCodeSpans(advice)
            == "behind nginx pass `proxy_set_header Authorization $http_authorization;` for /a\\_b\\*")
        #expect(SummaryText.keepingCodeSpans("a `lone backtick") == "a \\`lone backtick")
    }
}
