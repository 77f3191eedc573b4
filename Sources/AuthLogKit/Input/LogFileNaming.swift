/// What file names say about logs: which files in a directory are logs, and how rotated
/// siblings (`access.log.2`, `access.log.1`, `access.log`) are ordered so time runs forward.
enum LogFileNaming {
    /// The name without its rotation suffix and the rotation's age (higher is older):
    /// `access.log.3` and `access.log.3.gz` → (`access.log`, 3); `error.log-20261120[.gz]` →
    /// (`error.log`, age from the date, older dates higher); `access.log` → (`access.log`, 0).
    static func rotation(of name: String) -> (base: String, age: Int) {
        var base = name
        var age = 0
        if base.hasSuffix(".gz") { base = String(base.dropLast(3)) }
        if let dot = base.lastIndex(of: "."), let number = Int(base[base.index(after: dot)...]),
           number >= 0, number < 100_000 {
            base = String(base[..<dot])
            age = number
        } else if let dash = base.lastIndex(of: "-"), base.distance(from: dash, to: base.endIndex) == 9,
                  let date = Int(base[base.index(after: dash)...]), date > 19_700_000 {
            base = String(base[..<dash])
            age = 100_000_000 - date  // dateext: an older date is an older file
        }
        return (base, age)
    }

    enum Kind: Equatable {
        case log
        case compressed(String)
        case notALog
    }

    /// Whether a file found in a directory is read. Explicitly named files always are.
    static func kind(of name: String) -> Kind {
        let lower = name.lowercased()
        if lower.hasPrefix(".") { return .notALog }
        // gzip is read (logrotate's default); other compressors are named, not read.
        for suffix in [".bz2", ".xz", ".zst", ".lz4", ".z"] where lower.hasSuffix(suffix) {
            return .compressed(String(suffix.dropFirst()))
        }
        // Binary accounting files and journals that live in /var/log but are not text logs.
        let binary = ["wtmp", "btmp", "lastlog", "faillog", "utmp"]
        let base = rotation(of: lower).base
        if binary.contains(base) || base.hasSuffix(".journal") || base.hasSuffix(".journal~") { return .notALog }
        if base.hasSuffix(".log") || base.hasSuffix("_log") || base.contains("log")
            || base.hasPrefix("access") || base.hasPrefix("error") || base == "messages" {
            return .log
        }
        return .notALog
    }

    /// Oldest first within each family of rotated files, families in name order.
    static func readingOrder(_ lhs: String, _ rhs: String) -> Bool {
        let (leftDirectory, leftName) = split(lhs)
        let (rightDirectory, rightName) = split(rhs)
        if leftDirectory != rightDirectory { return leftDirectory < rightDirectory }
        let left = rotation(of: leftName), right = rotation(of: rightName)
        if left.base != right.base { return left.base < right.base }
        if left.age != right.age { return left.age > right.age }
        return leftName < rightName
    }

    private static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }
}
