import ArgumentParser
import AuthLogKit

/// `--journal` and what it reads: scan, follow and summary read the systemd journal through
/// libsystemd instead of files (the alternative to piping `journalctl -o json`).
struct JournalOptions: ParsableArguments {
    @Flag(name: .customLong("journal"), help: "Read the systemd journal (through libsystemd) instead of files.")
    var journal = false

    @Option(name: [.customShort("u"), .customLong("unit")], help: ArgumentHelp(
        "With --journal: only this unit's entries (nginx means nginx.service); repeatable.", valueName: "unit"))
    var units: [String] = []

    @Option(name: .customLong("journal-dir"), help: ArgumentHelp(
        "With --journal: read the journal files in this directory (journalctl -D), not this machine's journal.",
        valueName: "dir"), completion: .directory)
    var directory: String?

    @Option(name: .customLong("journal-file"), help: ArgumentHelp(
        "With --journal: read this journal file (journalctl --file); repeatable.", valueName: "file"),
        completion: .file(extensions: ["journal", "journal~"]))
    var files: [String] = []

    /// Checks the combination; `paths` are the command's file arguments.
    func check(paths: [String], logFormat: String?) throws {
        guard journal else {
            if !units.isEmpty || directory != nil || !files.isEmpty {
                throw ValidationError("--unit, --journal-dir and --journal-file need --journal")
            }
            return
        }
        if logFormat != nil {
            // A forced format reads lines as they stand; the journal's are unwrapped first.
            throw ValidationError("--log-format cannot be used with --journal: each entry's program decides its format")
        }
        if !paths.isEmpty { throw ValidationError("--journal reads the journal instead of files: give no paths with it") }
        if directory != nil, !files.isEmpty { throw ValidationError("give --journal-dir or --journal-file, not both") }
        if units.contains(where: \.isEmpty) { throw ValidationError("--unit: give a unit name, e.g. nginx or nginx.service") }
    }

    /// What to read, when --journal is given.
    var selection: JournalSelection? {
        guard journal else { return nil }
        let source: JournalSelection.Files = directory.map { .directory($0) } ?? (files.isEmpty ? .local : .files(files))
        return JournalSelection(files: source, units: units)
    }
}
