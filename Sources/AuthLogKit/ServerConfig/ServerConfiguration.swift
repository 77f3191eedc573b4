#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

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
        let text = try readText(path)
        if ApacheConfigReader.looksLikeApache(text) {
            var reader = ApacheConfigReader(root: path)
            try reader.read(file: path, text: text)
            reader.assignErrorLogFormats()
            return reader.configuration
        }
        var reader = NginxConfigReader()
        try reader.read(file: path, text: text, depth: 0)
        return reader.configuration
    }

    /// The configurations read when no `--server-config` is given: each that exists and is
    /// readable (a scan as an ordinary user reads what it can and says nothing of the rest).
    public static let defaultFiles = ["/etc/nginx/nginx.conf", "/etc/apache2/apache2.conf", "/etc/httpd/conf/httpd.conf"]

    static let maximumFileSize = 4 << 20

    static func readText(_ path: String) throws(LogFormatError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LogFormatError(file: path, line: 0, message: "cannot read server configuration: \(String(cString: strerror(errno)))")
        }
        guard data.count <= maximumFileSize else {
            throw LogFormatError(file: path, line: 0, message: "server configuration is \(data.count) bytes; the limit is 4 MiB")
        }
        return String(decoding: data, as: UTF8.self)
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
