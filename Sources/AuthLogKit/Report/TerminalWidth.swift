#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How wide the text report may be: `COLUMNS` when it is set (a shell exports it, and a user
/// sets it to choose), else the size of the terminal standard output is, else 100 — a pipe, a
/// file or a cron mail has no width, and one fixed width keeps such reports alike everywhere.
public enum TerminalWidth {
    public static let notATerminal = 100
    /// Narrower than this, no table can keep its columns apart; the report is made this wide.
    static let narrowest = 40

    /// `toTerminal`: false when the report goes to a file (`--output-file`) even if standard
    /// output is a terminal.
    public static func current(toTerminal: Bool = true,
                               environment: [String: String]? = nil) -> Int {
        let columns = environment.map { $0["COLUMNS"] } ?? getenv("COLUMNS").map { String(cString: $0) }
        if let columns, let value = Int(columns.trimmingCharacters(in: " ")), value > 0 {
            return max(value, narrowest)
        }
        guard toTerminal, isatty(STDOUT_FILENO) == 1 else { return notATerminal }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return notATerminal }
        return max(Int(size.ws_col), narrowest)
    }
}

private extension String {
    func trimmingCharacters(in set: Character) -> Substring {
        var text = Substring(self)
        while text.first == set { text.removeFirst() }
        while text.last == set { text.removeLast() }
        return text
    }
}
