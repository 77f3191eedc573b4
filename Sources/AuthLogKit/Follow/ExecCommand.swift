#if canImport(Glibc)
import Glibc
#endif

/// `--exec 'fail2ban-client set nginx-auth banip'`: a program and its first arguments, split
/// the way a shell splits words (blanks separate, '…' and "…" quote, \ escapes) but run
/// without a shell, so nothing is expanded and nothing in a log line can become a command.
/// The program is found (on PATH when it has no `/`) once, at start: a typo is an error then,
/// not a warning at the first attack.
public struct ExecCommand: Sendable, Equatable {
    /// The program as written, for messages.
    public let name: String
    /// The file that is run.
    public let executable: String
    /// The arguments written after the program; the alert's fields follow them after `--`.
    public let arguments: [String]

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public init(parsing text: String, searchPath: String? = nil) throws(Invalid) {
        let words = try Self.words(text)
        guard let program = words.first, !program.isEmpty else { throw Invalid(description: "--exec: no program given") }
        name = program
        arguments = Array(words.dropFirst())
        executable = try Self.locate(program, searchPath: searchPath ?? Self.environmentPath())
    }

    /// The argument vector for one alert: program, its own arguments, `--` (so a key that
    /// starts with `-` is never taken for an option), then the alert's fields.
    public func argv(for fields: [String]) -> [String] {
        [name] + arguments + ["--"] + fields
    }

    /// Shell-like word splitting, with no expansion. Characters that would make a shell do
    /// something else (pipes, redirections, `$`, backquotes, `;`, `&`) are refused unquoted:
    /// whoever wrote them expected a shell, and silently passing them as text would surprise.
    static func words(_ text: String) throws(Invalid) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var characters = Array(text.unicodeScalars)[...]
        while let character = characters.popFirst() {
            switch character {
            case " ", "\t", "\n":
                if inWord { words.append(current); current = ""; inWord = false }
            case "'":
                inWord = true
                guard let end = characters.firstIndex(of: "'") else { throw Invalid(description: "--exec: a ' is not closed in \(text)") }
                current.unicodeScalars.append(contentsOf: characters[..<end])
                characters = characters[(end + 1)...]
            case "\"":
                inWord = true
                var closed = false
                while let inner = characters.popFirst() {
                    if inner == "\"" { closed = true; break }
                    if inner == "\\", let next = characters.first, "\"\\$`\n".unicodeScalars.contains(next) {
                        characters.removeFirst()
                        if next != "\n" { current.unicodeScalars.append(next) }
                    } else {
                        current.unicodeScalars.append(inner)
                    }
                }
                guard closed else { throw Invalid(description: "--exec: a \" is not closed in \(text)") }
            case "\\":
                guard let next = characters.popFirst() else { throw Invalid(description: "--exec: a \\ ends \(text)") }
                inWord = true
                if next != "\n" { current.unicodeScalars.append(next) }
            case "|", "&", ";", "<", ">", "(", ")", "$", "`":
                throw Invalid(description: "--exec runs a program without a shell: quote '\(character)' in \(text), or run a script")
            default:
                inWord = true
                current.unicodeScalars.append(character)
            }
        }
        if inWord { words.append(current) }
        return words
    }

    static func environmentPath() -> String {
        getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
    }

    /// The program's file: as written when it holds a `/`, else the first executable file of
    /// that name on `searchPath`.
    static func locate(_ program: String, searchPath: String) throws(Invalid) -> String {
        if program.contains("/") {
            if let problem = problem(with: program) { throw Invalid(description: "--exec: \(program): \(problem)") }
            return program
        }
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + program
            if problem(with: candidate) == nil { return candidate }
        }
        throw Invalid(description: "--exec: \(program): not found on PATH")
    }

    /// Why `path` cannot be run, or nil.
    private static func problem(with path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return String(cString: strerror(errno)) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return "not a regular file" }
        guard access(path, X_OK) == 0 else { return "not executable" }
        return nil
    }
}
