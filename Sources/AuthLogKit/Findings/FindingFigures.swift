/// A finding's figures as words, for its rule's `describe`: counts grouped by thousands,
/// times as a short UTC display, log text escaped the way the writer asks (for a terminal,
/// Markdown, HTML). The rule writes the sentence; the writer owns the medium.
public struct FindingFigures {
    public let finding: Finding
    private let escape: (String) -> String

    public init(_ finding: Finding, escapingText escape: @escaping (String) -> String) {
        self.finding = finding
        self.escape = escape
    }

    /// An integer figure; `?` when the figure is missing or not a number.
    func count(_ name: String) -> String {
        if case .int(let value) = finding.figure(name) { return CountText.grouped(value) }
        return "?"
    }

    /// Any figure as text: log text escaped, a time shortened, a number grouped.
    func text(_ name: String) -> String {
        switch finding.figure(name) {
        case .text(let value): escape(value)
        case .time(let value): CivilTime.shortDisplay(value)
        case .int(let value): CountText.grouped(value)
        case nil: "?"
        }
    }

    func isOne(_ name: String) -> Bool { finding.figure(name) == .int(1) }
    func isZero(_ name: String) -> Bool { finding.figure(name) == .int(0) }

    /// ` · first → last` when the finding has a time span, else nothing.
    var span: String {
        guard case .time(let first) = finding.figure("first_seen"), case .time(let last) = finding.figure("last_seen")
        else { return "" }
        return " · \(CivilTime.shortDisplay(first)) → \(CivilTime.shortDisplay(last))"
    }
}
