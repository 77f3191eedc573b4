#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--include GLOB` / `--exclude GLOB`: which files a directory contributes. A glob without
/// '/' is matched against the file name (`access.log*`), one with '/' against the path below
/// the directory given (`nginx/*.log`). Files named on the command line are always read.
public struct PathFilter: Sendable, Equatable {
    public var includes: [String]
    public var excludes: [String]

    public init(includes: [String] = [], excludes: [String] = []) {
        self.includes = includes
        self.excludes = excludes
    }

    /// Whether a file found in a directory is scanned. `relativePath` is below the root given.
    public func admits(name: String, relativePath: String) -> Bool {
        if excludes.contains(where: { Self.matches($0, name: name, relativePath: relativePath) }) { return false }
        if includes.isEmpty { return true }
        return includes.contains { Self.matches($0, name: name, relativePath: relativePath) }
    }

    /// The same for names as bytes (a directory's entries): globs match them byte for byte.
    public func admits(name: LogPath, relativePath: LogPath) -> Bool {
        if excludes.contains(where: { Self.matches($0, name: name, relativePath: relativePath) }) { return false }
        if includes.isEmpty { return true }
        return includes.contains { Self.matches($0, name: name, relativePath: relativePath) }
    }

    static func matches(_ glob: String, name: LogPath, relativePath: LogPath) -> Bool {
        (glob.contains("/") ? relativePath : name).withCString { fnmatch(glob, $0, glob.contains("/") ? FNM_PATHNAME : 0) == 0 }
    }

    static func matches(_ glob: String, name: String, relativePath: String) -> Bool {
        glob.contains("/") ? fnmatch(glob, relativePath, FNM_PATHNAME) == 0 : fnmatch(glob, name, 0) == 0
    }
}
