#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

#if canImport(Glibc)
private let systemRead = Glibc.read
#elseif canImport(Darwin)
private let systemRead = Darwin.read
#endif

/// What authlog takes from a web server's configuration: the log formats it defines and
/// which file each access log is written in which format.
public struct ServerConfiguration: Sendable {
    /// The formats defined, in the order read; a later definition of a name replaces the
    /// earlier (as the server itself would refuse a duplicate, this only happens across files).
    public var formats: [DerivedFormat] = []
    /// `access_log PATH NAME` / `CustomLog PATH NAME`: the file and the format name in the
    /// configuration (`combined` when nginx's names none).
    public var accessLogs: [(path: String, format: String, server: DerivedFormat.ServerKind)] = []
    /// `error_log PATH` / `ErrorLog PATH`: the file and the format it is read with
    /// (`nginx-error`, `apache-error`, or an `ErrorLogFormat`'s `apache-config:errorlog:…`).
    public var errorLogs: [(path: String, format: String)] = []
    /// The `ErrorLogFormat`s defined, in the order read.
    public var errorFormats: [DerivedErrorFormat] = []
    /// `ErrorLogFormat`s authlog cannot read a refusal from (no client), with why: their
    /// files are left to detection, and `authlog patterns` lists them.
    public var unusableErrorFormats: [(format: String, reason: String)] = []
    /// The configuration files read, includes too.
    public var files: [String] = []

    public init() {}

    mutating func add(_ format: DerivedFormat) {
        formats.removeAll { $0.server == format.server && $0.configName == format.configName }
        formats.append(format)
    }

    public mutating func merge(_ other: ServerConfiguration) {
        for format in other.formats { add(format) }
        accessLogs += other.accessLogs
        errorLogs += other.errorLogs
        errorFormats += other.errorFormats
        unusableErrorFormats += other.unusableErrorFormats
        files += other.files
    }

    /// The derived format a configuration name stands for, if it is one the server defines.
    func format(named name: String, server: DerivedFormat.ServerKind) -> DerivedFormat? {
        formats.last { $0.server == server && $0.configName == name }
    }

    /// Reads a configuration file, nginx's or Apache's, told apart by its directives.
    public static func read(file path: String) throws(LogFormatError) -> ServerConfiguration {
        var files = FilesRead()
        guard let text = try files.text(of: path) else { return ServerConfiguration() }
        if ApacheConfigReader.looksLikeApache(text) {
            var reader = ApacheConfigReader(root: path, files: files)
            try reader.read(file: path, text: text)
            reader.assignErrorLogFormats()
            return reader.configuration
        }
        var reader = NginxConfigReader(files: files)
        try reader.read(file: path, text: text, depth: 0)
        return reader.configuration
    }

    /// The configurations read when no `--server-config` is given: each that exists and is
    /// readable (a scan as an ordinary user reads what it can and says nothing of the rest).
    public static let defaultFiles = ["/etc/nginx/nginx.conf", "/etc/apache2/apache2.conf", "/etc/httpd/conf/httpd.conf"]

    static let maximumFileSize = 4 << 20

    /// The files one configuration reads, so that none is read twice in the same context
    /// and their number is bounded: `include` fan-out (a.conf includes b.conf a hundred
    /// times, b.conf c.conf a hundred times, …) is otherwise exponential.
    struct FilesRead {
        /// A file as the kernel knows it: a symbolic link and its target are one file.
        struct Identity: Hashable {
            var device: UInt64
            var inode: UInt64
            /// What the reader's result depends on besides the text (Apache's scope and
            /// variables); the same file read in another context is read again.
            var context: String
        }
        private var seen: Set<Identity> = []
        private(set) var count = 0
        static let maximumCount = 1000

        /// The text of `path`, or nil when it was already read in `context`. Throws when
        /// the file cannot be read (is no regular file, is over 4 MiB) or is one too many.
        mutating func text(of path: String, context: String = "") throws(LogFormatError) -> String? {
            // Known before the file is read: a file included over and over is not read over and over.
            guard let text = try ServerConfiguration.readRegularFile(path, unless: { device, inode in
                !seen.insert(Identity(device: device, inode: inode, context: context)).inserted
            }) else { return nil }
            count += 1
            guard count <= Self.maximumCount else {
                throw FilesRead.tooMany(path)
            }
            return text
        }

        static func tooMany(_ path: String) -> LogFormatError {
            LogFormatError(file: path, line: 0, message: "more than \(maximumCount) server configuration files "
                               + "read (includes fanning out?); stopped at this one")
        }

        /// Whether an error is the one about too many files, which an include that skips
        /// unreadable files must still pass on.
        /// An included file's text, nil for one that cannot be read (passed over, as the
        /// servers pass over an include they cannot use); only too many files is an error.
        mutating func includedText(of path: String, context: String = "") throws(LogFormatError) -> String? {
            do {
                return try text(of: path, context: context)
            } catch where Self.isTooMany(error) {
                throw error
            } catch {
                return nil
            }
        }

        static func isTooMany(_ error: LogFormatError) -> Bool {
            error.message.hasPrefix("more than \(maximumCount) server configuration files")
        }
    }

    static func readText(_ path: String) throws(LogFormatError) -> String {
        // Never nil: no file is skipped.
        try readRegularFile(path, unless: { _, _ in false }) ?? ""
    }

    /// Reads a regular file of at most 4 MiB. Opened without blocking and checked on the
    /// descriptor (symbolic links followed, as admins link sites-enabled/ to sites-available/):
    /// a device (`include /dev/zero;`) never ends and a FIFO or `/dev/stdin` would wait for a
    /// writer or swallow the log piped to `authlog scan -`; neither is read at all. Nil, unread,
    /// when `skip` says so of the file's device and inode.
    static func readRegularFile(_ path: String, unless skip: (_ device: UInt64, _ inode: UInt64) -> Bool)
        throws(LogFormatError) -> String? {
        func failure(_ message: String) -> LogFormatError {
            LogFormatError(file: path, line: 0, message: message)
        }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw failure("cannot read server configuration: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw failure("cannot read server configuration: \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw failure("server configuration is not a regular file (a device, FIFO, socket or directory)")
        }
        if skip(UInt64(status.st_dev), UInt64(status.st_ino)) { return nil }
        // At most one chunk past the limit is read, whatever st_size says (a file can grow
        // while read).
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count <= maximumFileSize {
            let got = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read server configuration: \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            bytes += chunk[..<got]
        }
        let filled = bytes.count
        guard filled <= maximumFileSize else {
            throw failure("server configuration is over 4 MiB, the limit")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The files an `include` names: a glob, relative to `directory` unless absolute,
    /// sorted (as both servers read them). A pattern matching nothing is no file.
    static func expand(_ pattern: String, relativeTo directory: String) -> [String] {
        let full = pattern.hasPrefix("/") ? pattern : (directory as NSString).appendingPathComponent(pattern)
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(full, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            if let path = result.gl_pathv[index] { paths.append(String(cString: path)) }
        }
        return paths.sorted()
    }

    /// Include depth beyond which a configuration is taken to include itself.
    static let maximumIncludeDepth = 16
}
