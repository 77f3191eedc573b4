import ArgumentParser
import AuthLogKit

/// Options shared by every command that uses pattern files.
struct PatternOptions: ParsableArguments {
    @Option(name: .customLong("patterns"), help: ArgumentHelp(
        "A directory of extra pattern files (*.conf); repeatable. A file named like a built-in one replaces it.",
        valueName: "dir"))
    var directories: [String] = []

    /// Loads and compiles the built-in and the user's pattern files, or exits 2 with the
    /// error naming the file, line and offset.
    func compiled() throws -> CompiledPatterns {
        do {
            return try CompiledPatterns(try PatternLoader.load(userDirectories: directories))
        } catch {
            StandardError.write("authlog: error: \(TerminalText.escape(error.description))\n")
            throw ExitCode(ExitStatus.usage)
        }
    }
}
