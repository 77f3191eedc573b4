#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One input to scan.
public struct LogInput: Sendable, Equatable {
    /// The file's name as bytes, the way it is opened; `-` for standard input.
    public let location: LogPath
    /// The path as it will be shown (relative paths stay relative; bytes that are not UTF-8
    /// as `\xNN`, see `LogPath.display`); `-` for standard input.
    public let path: String
    public var isStandardInput: Bool { location.isStandardInput }
    /// Named on the command line, rather than found in a directory. A named file that
    /// cannot be read or recognised is an error; a found one is a note.
    public var isExplicit: Bool
    /// Only these bytes of the (decompressed) input are read: from a line start to just
    /// after a newline. Nil: all of it. Incremental summaries read what is new this way.
    public var byteRange: Range<Int>?
    /// Set for the journal read through libsystemd (`--journal`): there is no file to open,
    /// `location` is only a name.
    public var journal: JournalSelection? = nil

    public init(location: LogPath, isExplicit: Bool, byteRange: Range<Int>? = nil) {
        self.location = location
        self.path = location.display
        self.isExplicit = isExplicit
        self.byteRange = byteRange
    }

    /// The journal, read as a stream of `journalctl -o json` lines.
    public init(journal: JournalSelection) {
        self.init(location: LogPath(journal.displayName), isExplicit: true)
        self.journal = journal
    }

    public init(path: String, isExplicit: Bool, byteRange: Range<Int>? = nil) {
        self.init(location: LogPath(path), isExplicit: isExplicit, byteRange: byteRange)
    }

    /// open(2) of this input, read-only; -1 and `errno` on failure.
    func open(flags: Int32 = 0) -> Int32 {
        location.withCString { Glibc.open($0, O_RDONLY | O_CLOEXEC | flags) }
    }
}

/// Turns command-line arguments (files, directories, `-`) into the list of inputs to scan.
///
/// Directories are walked recursively like ripgrep does, hidden entries skipped, symbolic
/// links to files followed but not links to directories (no loops). A file reached twice is
/// scanned once. Names are bytes throughout: one that is not UTF-8 is read like any other.
public enum InputDiscovery {
    public struct Result: Sendable {
        public var inputs: [LogInput] = []
        public var unscanned: [UnscannedInput] = []
    }

    public static func discover(_ arguments: [String], filter: PathFilter = PathFilter()) -> Result {
        discover(arguments.map(LogPath.init), filter: filter)
    }

    public static func discover(_ arguments: [LogPath], filter: PathFilter = PathFilter()) -> Result {
        var result = Result()
        var seen = Set<FileIdentity>()
        for argument in arguments {
            if argument.isStandardInput {
                result.inputs.append(LogInput(location: argument, isExplicit: true))
                continue
            }
            var info = stat()
            guard argument.withCString({ stat($0, &info) }) == 0 else {
                result.unscanned.append(UnscannedInput(path: argument.display, reason: String(cString: strerror(errno)), isError: true))
                continue
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                walk(directory: argument, relative: nil, filter: filter, into: &result, seen: &seen)
            } else {
                guard seen.insert(FileIdentity(info)).inserted else { continue }
                if case .compressed(let kind) = LogFileNaming.kind(of: argument.lastComponent.display) {
                    result.unscanned.append(UnscannedInput(
                        path: argument.display, reason: "\(kind)-compressed files are not read; decompress to a pipe: \(kind == "bz2" ? "bzcat" : kind == "xz" ? "xzcat" : "zstdcat") FILE | authlog scan -",
                        isError: true))
                    continue
                }
                result.inputs.append(LogInput(location: argument, isExplicit: true))
            }
        }
        return result
    }

    private static func walk(directory: LogPath, relative: LogPath?, filter: PathFilter, into result: inout Result,
                             seen: inout Set<FileIdentity>) {
        guard let handle = directory.withCString({ opendir($0) }) else {
            result.unscanned.append(UnscannedInput(path: directory.display, reason: String(cString: strerror(errno)), isError: true))
            return
        }
        var names: [LogPath] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { LogPath(bytes: $0) }
            if name.bytes.first == UInt8(ascii: ".") { continue }  // ".", ".." and hidden entries
            names.append(name)
        }
        closedir(handle)

        var files: [(path: LogPath, display: String)] = []
        var subdirectories: [(path: LogPath, relative: LogPath)] = []
        for name in names {
            let path = directory.appending(name)
            let relativePath = relative.map { $0.appending(name) } ?? name
            var linkInfo = stat()
            guard path.withCString({ lstat($0, &linkInfo) }) == 0 else { continue }
            let isLink = (linkInfo.st_mode & S_IFMT) == S_IFLNK
            var info = stat()
            guard path.withCString({ stat($0, &info) }) == 0 else {
                if !isLink {
                    result.unscanned.append(UnscannedInput(path: path.display, reason: String(cString: strerror(errno)), isError: true))
                }
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if !isLink { subdirectories.append((path, relativePath)) }
            case S_IFREG:
                guard filter.admits(name: name, relativePath: relativePath) else { continue }
                switch LogFileNaming.kind(of: name.display) {
                case .log:
                    if seen.insert(FileIdentity(info)).inserted { files.append((path, path.display)) }
                case .compressed(let kind):
                    result.unscanned.append(UnscannedInput(path: path.display, reason: "\(kind)-compressed; only gzip is read", isError: false))
                case .notALog:
                    break
                }
            default:
                break
            }
        }
        for file in files.sorted(by: { LogFileNaming.readingOrder($0.display, $1.display) }) {
            result.inputs.append(LogInput(location: file.path, isExplicit: false))
        }
        for subdirectory in subdirectories.sorted(by: { $0.path < $1.path }) {
            walk(directory: subdirectory.path, relative: subdirectory.relative, filter: filter, into: &result, seen: &seen)
        }
    }
}

/// Device and inode: the identity of a file whatever name reaches it.
struct FileIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}
