/// Aligned columns for the text report. Cells are escaped for the terminal before they are
/// measured, so an escape sequence in a log line can neither run nor break the alignment.
struct TextTable {
    enum Alignment { case left, right }

    struct Column {
        var title: String
        var alignment: Alignment
        var maxWidth: Int = 60
    }

    var columns: [Column]
    var rows: [[String]] = []

    init(_ columns: [Column]) { self.columns = columns }

    mutating func add(_ cells: [String]) {
        rows.append(cells.enumerated().map { index, cell in
            TerminalText.truncate(TerminalText.escape(cell), to: columns[index].maxWidth)
        })
    }

    func render(indent: String = "  ", style: TextStyle) -> String {
        var widths = columns.map { TerminalText.width($0.title) }
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], TerminalText.width(cell)) }
        }
        func line(_ cells: [String], header: Bool) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - TerminalText.width(cell))
                let isLast = index == cells.count - 1
                let padded = columns[index].alignment == .right ? padding + cell : cell + (isLast ? "" : padding)
                parts.append(header ? style.dim(padded) : padded)
            }
            return indent + parts.joined(separator: "  ")
        }
        var output = line(columns.map(\.title), header: true) + "\n"
        for row in rows { output += line(row, header: false) + "\n" }
        return output
    }
}

/// ANSI styling, or none. Used only around authlog's own text, never around log content.
public struct TextStyle: Sendable {
    public var enabled: Bool

    public init(enabled: Bool) { self.enabled = enabled }

    public func bold(_ text: String) -> String { wrap(text, "1") }
    public func dim(_ text: String) -> String { wrap(text, "2") }
    public func red(_ text: String) -> String { wrap(text, "31") }
    public func yellow(_ text: String) -> String { wrap(text, "33") }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
