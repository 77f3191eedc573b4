/// What `--journal` reads: which journal files, which units' entries, and from where (after
/// the entry a summary's state names). The journal is read through libsystemd
/// (`SystemdJournal`), each entry handed to the pipeline as the line `journalctl -o json`
/// writes for it, so it is classified exactly as a piped `journalctl -o json` is.
public struct JournalSelection: Sendable, Equatable {
    public enum Files: Sendable, Equatable {
        /// This machine's journal, as `journalctl` reads it.
        case local
        /// Every journal file in a directory (`journalctl -D DIR`).
        case directory(String)
        /// These journal files only (`journalctl --file FILE`).
        case files([String])
    }

    public var files: Files
    /// Full unit names (`nginx.service`); empty: every entry.
    public var units: [String]
    /// Read only the entries after this one (the summary's checkpoint).
    public var afterCursor: String?

    public init(files: Files = .local, units: [String] = [], afterCursor: String? = nil) {
        self.files = files
        self.units = units.map(Self.unitName)
        self.afterCursor = afterCursor
    }

    /// How the input is named in reports and messages: the command that reads the same.
    public var displayName: String {
        var name = "journal"
        switch files {
        case .local: break
        case .directory(let directory): name += " -D " + directory
        case .files(let paths): name += paths.map { " --file " + $0 }.joined()
        }
        return name + units.map { " -u " + $0 }.joined()
    }

    static let unitTypes = ["service", "socket", "target", "device", "mount", "automount", "swap", "timer", "path",
                            "slice", "scope"]

    /// `nginx` → `nginx.service`, as `journalctl -u` completes a name without a unit type.
    static func unitName(_ name: String) -> String {
        if let dot = name.lastIndex(of: "."), unitTypes.contains(String(name[name.index(after: dot)...])) { return name }
        return name + ".service"
    }
}
