/// Aligned columns for the text report. Cells are escaped for the terminal before they are
/// measured, so an escape sequence in a log line can neither run nor break the alignment.
struct TextTable {
    enum Alignment { case left, right }

    /// What a column may do when the table is wider than the terminal: free text wraps at
    /// spaces, a path is cut in the middle, anything else (an address, a user name, a count)
    /// is kept whole.
    enum Fit { case whole, wrap, middle }

    struct Column {
        var title: String
        var alignment: Alignment
        var maxWidth: Int = 60
        var fit: Fit = .whole
    }

    var columns: [Column]
    var rows: [[String]] = []

    init(_ columns: [Column]) { self.columns = columns }

    mutating func add(_ cells: [String]) {
        rows.append(cells.enumerated().map { index, cell in
            let escaped = TerminalText.escape(cell)
            switch columns[index].fit {
            case .whole: return TerminalText.truncate(escaped, to: columns[index].maxWidth)
            case .middle: return TerminalText.truncateMiddle(escaped, to: columns[index].maxWidth)
            case .wrap: return escaped
            }
        })
    }

    /// The widths the columns get within `width`: their content's, less what wrapping text
    /// and cutting paths give back when the table would not fit.
    func widths(indent: String, width: Int) -> [Int] {
        var widths = columns.map { TerminalText.width($0.title) }
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], TerminalText.width(cell)) }
        }
        for (index, column) in columns.enumerated() where column.fit == .wrap { widths[index] = min(widths[index], column.maxWidth) }
        var overflow = indent.count + widths.reduce(0, +) + 2 * (widths.count - 1) - width
        for fit in [Fit.wrap, .middle] where overflow > 0 {
            let floor = fit == .wrap ? 16 : 20
            while overflow > 0 {
                guard let index = widths.indices.filter({ columns[$0].fit == fit && widths[$0] > max(floor, TerminalText.width(columns[$0].title)) })
                    .max(by: { widths[$0] < widths[$1] }) else { break }
                widths[index] -= 1
                overflow -= 1
            }
        }
        return widths
    }

    func render(indent: String = "  ", style: TextStyle) -> String {
        let widths = widths(indent: indent, width: style.width)
        func line(_ cells: [String], header: Bool) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let padding = String(repeating: " ", count: max(widths[index] - TerminalText.width(cell), 0))
                let isLast = index == cells.count - 1
                let padded = columns[index].alignment == .right ? padding + cell : cell + (isLast ? "" : padding)
                parts.append(header ? style.dim(padded) : padded)
            }
            return indent + parts.joined(separator: "  ")
        }
        var output = line(columns.map(\.title), header: true) + "\n"
        for row in rows {
            let pieces: [[String]] = row.enumerated().map { index, cell in
                switch columns[index].fit {
                case .wrap: return TerminalText.wrap(cell, to: widths[index])
                case .middle: return [TerminalText.truncateMiddle(cell, to: widths[index])]
                case .whole: return [cell]
                }
            }
            for lineIndex in 0..<(pieces.map(\.count).max() ?? 1) {
                let cells = pieces.map { lineIndex < $0.count ? $0[lineIndex] : "" }
                var text = line(cells, header: false)
                if lineIndex > 0 { while text.last == " " { text.removeLast() } }
                output += text + "\n"
            }
        }
        return output
    }
}

/// ANSI styling, or none. Used only around authlog's own text, never around log content.
public struct TextStyle: Sendable {
    public var enabled: Bool
    /// Columns the text may use (`TerminalWidth`): tables and findings are wrapped to it.
    public var width: Int

    public init(enabled: Bool, width: Int = TerminalWidth.notATerminal) {
        self.enabled = enabled
        self.width = width
    }

    public func bold(_ text: String) -> String { wrap(text, "1") }
    public func dim(_ text: String) -> String { wrap(text, "2") }
    public func red(_ text: String) -> String { wrap(text, "31") }
    public func yellow(_ text: String) -> String { wrap(text, "33") }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
