#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One input to scan.
public struct LogInput: Sendable, Equatable {
    /// The path as it will be shown (relative paths stay relative); `-` for standard input.
    public var path: String
    public var isStandardInput: Bool { path == "-" }
    /// Named on the command line, rather than found in a directory. A named file that
    /// cannot be read or recognised is an error; a found one is a note.
    public var isExplicit: Bool
    /// Only these bytes of the (decompressed) input are read: from a line start to just
    /// after a newline. Nil: all of it. Incremental summaries read what is new this way.
    public var byteRange: Range<Int>?

    public init(path: String, isExplicit: Bool, byteRange: Range<Int>? = nil) {
        self.path = path
        self.isExplicit = isExplicit
        self.byteRange = byteRange
    }
}

/// Turns command-line arguments (files, directories, `-`) into the list of inputs to scan.
///
/// Directories are walked recursively like ripgrep does, hidden entries skipped, symbolic
/// links to files followed but not links to directories (no loops). A file reached twice is
/// scanned once.
public enum InputDiscovery {
    public struct Result: Sendable {
        public var inputs: [LogInput] = []
        public var unscanned: [UnscannedInput] = []
    }

    public static func discover(_ arguments: [String], filter: PathFilter = PathFilter()) -> Result {
        var result = Result()
        var seen = Set<FileIdentity>()
        for argument in arguments {
            if argument == "-" {
                result.inputs.append(LogInput(path: "-", isExplicit: true))
                continue
            }
            var info = stat()
            guard stat(argument, &info) == 0 else {
                result.unscanned.append(UnscannedInput(path: argument, reason: String(cString: strerror(errno)), isError: true))
                continue
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                walk(directory: argument, relative: "", filter: filter, into: &result, seen: &seen)
            } else {
                guard seen.insert(FileIdentity(info)).inserted else { continue }
                if case .compressed(let kind) = LogFileNaming.kind(of: basename(argument)) {
                    result.unscanned.append(UnscannedInput(
                        path: argument, reason: "\(kind)-compressed files are not read; decompress to a pipe: \(kind == "bz2" ? "bzcat" : kind == "xz" ? "xzcat" : "zstdcat") FILE | authlog scan -",
                        isError: true))
                    continue
                }
                result.inputs.append(LogInput(path: argument, isExplicit: true))
            }
        }
        return result
    }

    private static func walk(directory: String, relative: String, filter: PathFilter, into result: inout Result,
                             seen: inout Set<FileIdentity>) {
        guard let handle = opendir(directory) else {
            result.unscanned.append(UnscannedInput(path: directory, reason: String(cString: strerror(errno)), isError: true))
            return
        }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." || name.hasPrefix(".") { continue }
            names.append(name)
        }
        closedir(handle)

        var files: [String] = []
        var subdirectories: [(path: String, relative: String)] = []
        for name in names {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            let relativePath = relative.isEmpty ? name : relative + "/" + name
            var linkInfo = stat()
            guard lstat(path, &linkInfo) == 0 else { continue }
            let isLink = (linkInfo.st_mode & S_IFMT) == S_IFLNK
            var info = stat()
            guard stat(path, &info) == 0 else {
                if !isLink {
                    result.unscanned.append(UnscannedInput(path: path, reason: String(cString: strerror(errno)), isError: true))
                }
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if !isLink { subdirectories.append((path, relativePath)) }
            case S_IFREG:
                guard filter.admits(name: name, relativePath: relativePath) else { continue }
                switch LogFileNaming.kind(of: name) {
                case .log:
                    if seen.insert(FileIdentity(info)).inserted { files.append(path) }
                case .compressed(let kind):
                    result.unscanned.append(UnscannedInput(path: path, reason: "\(kind)-compressed; only gzip is read", isError: false))
                case .notALog:
                    break
                }
            default:
                break
            }
        }
        for path in files.sorted(by: LogFileNaming.readingOrder) {
            result.inputs.append(LogInput(path: path, isExplicit: false))
        }
        for subdirectory in subdirectories.sorted(by: { $0.path < $1.path }) {
            walk(directory: subdirectory.path, relative: subdirectory.relative, filter: filter, into: &result, seen: &seen)
        }
    }

    private static func basename(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
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
