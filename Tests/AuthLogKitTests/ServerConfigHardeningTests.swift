import Foundation
import Testing
@testable import AuthLogKit

/// Server configurations that are hostile or merely unusual: devices and FIFOs named by an
/// include, includes that fan out, `Define`s that double, nginx's backslash escapes, and
/// Apache's `ServerRoot`.
@Suite struct ServerConfigHardeningTests {
    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    static let tsvFormat = "log_format tsv '$remote_addr\\t$remote_user\\t[$time_local]\\t\"$request\"\\t$status';\n"

    @Test func includeOfADeviceOrFIFOIsNotRead() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("pipe.conf")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let main = directory.appendingPathComponent("nginx.conf")
        // Before: /dev/zero was read to the end of memory, the FIFO waited for a writer forever.
        try Self.write("include /dev/zero;\ninclude pipe.conf;\ninclude /dev/null;\nhttp {\n  " + Self.tsvFormat
                           + "  access_log /srv/tsv.log tsv;\n}\n", to: main)
        let configuration = try ServerConfiguration.read(file: main.path)
        #expect(configuration.files == [main.path])
        #expect(configuration.accessLogs.map(\.path) == ["/srv/tsv.log"])
        // Named as the configuration itself, a FIFO is an error that says why.
        do {
            _ = try ServerConfiguration.read(file: fifo.path)
            Issue.record("a FIFO must not be read as a configuration")
        } catch {
            #expect(error.file == fifo.path && error.message.contains("not a regular file"))
        }
    }

    @Test func includeFanOutReadsEachFileOnce() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // level0 includes level1 a hundred times, level1 level2 a hundred times, …: 100^7 reads before.
        let levels = 8
        for level in 0..<levels {
            let text = level == levels - 1 ? "access_log /srv/last.log;\n"
                : String(repeating: "include level\(level + 1).conf;\n", count: 100)
            try Self.write(text, to: directory.appendingPathComponent("level\(level).conf"))
        }
        // A symbolic link to a file already read is the same file.
        try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent("alias.conf"),
                                                   withDestinationURL: directory.appendingPathComponent("level7.conf"))
        try Self.write(String(repeating: "include level1.conf;\n", count: 100) + "include alias.conf;\n",
                       to: directory.appendingPathComponent("level0.conf"))
        let configuration = try ServerConfiguration.read(file: directory.appendingPathComponent("level0.conf").path)
        #expect(configuration.files.count == levels)
        #expect(configuration.accessLogs.map(\.path) == ["/srv/last.log"])
    }

    @Test func anApacheFileIncludedUnderOtherDefinesIsReadAgain() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // One site file for two sites, told apart by a Define: skipping a file already read
        // must not skip it here, where it says something else each time.
        try Self.write("CustomLog /srv/${SITE}.log combined\n", to: directory.appendingPathComponent("site.conf"))
        let main = directory.appendingPathComponent("apache2.conf")
        try Self.write("Define SITE shop\nInclude site.conf\nInclude site.conf\nDefine SITE blog\nInclude site.conf\n", to: main)
        let configuration = try ServerConfiguration.read(file: main.path)
        #expect(configuration.accessLogs.map(\.path) == ["/srv/shop.log", "/srv/blog.log"])
    }

    @Test func tooManyIncludedFilesIsAnErrorNamingTheFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let limit = ServerConfiguration.FilesRead.maximumCount
        for index in 0..<limit {
            try Self.write("# \(index)\n", to: directory.appendingPathComponent(String(format: "conf.d/%04d.conf", index)))
        }
        let main = directory.appendingPathComponent("nginx.conf")
        try Self.write("include conf.d/*.conf;\n", to: main)
        do {
            _ = try ServerConfiguration.read(file: main.path)
            Issue.record("the main file and \(limit) includes are one too many")
        } catch {
            // The main file is the first; the last include is the one over the limit.
            #expect(error.file == directory.appendingPathComponent(String(format: "conf.d/%04d.conf", limit - 1)).path)
            #expect(error.message.contains("more than \(limit) server configuration files"))
        }
    }

    @Test func doublingDefinesAreAnErrorNamingFileAndLine() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let main = directory.appendingPathComponent("apache2.conf")
        // 16 bytes doubled 40 times is 16 TiB: before, memory ran out.
        var lines = ["ServerRoot \(directory.path)", "Define V0 xxxxxxxxxxxxxxxx"]
        for index in 1...40 { lines.append("Define V\(index) ${V\(index - 1)}${V\(index - 1)}") }
        try Self.write(lines.joined(separator: "\n") + "\n", to: main)
        do {
            _ = try ServerConfiguration.read(file: main.path)
            Issue.record("a line substituted to over 64 KiB must be refused")
        } catch {
            // V12's value is 16 << 12 = 64 KiB: its line (2 + 12), with "Define V12 ", is over the limit.
            #expect(error.file == main.path && error.line == 14)
            #expect(error.message.contains("64 KiB"))
        }
    }

    @Test func defineSubstitutionIsOnePassInOrderOfTheLine() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let main = directory.appendingPathComponent("apache2.conf")
        // LATER is unknown when EARLY is defined, so EARLY's value is "${LATER}" as written,
        // and Apache does not substitute a value again: before, whether it did depended on
        // the order a Dictionary iterated in.
        var lines = ["Define EARLY ${LATER}", "Define LATER later", "Define SITE shop",
                     "Define DIR /var/log/sites"]
        lines += (0..<20).map { "Define UNUSED\($0) ${SITE}" }
        lines += ["CustomLog ${EARLY}/a.log combined", "CustomLog ${DIR}/${SITE}-${SITE}.${NOSUCH}.log combined"]
        try Self.write(lines.joined(separator: "\n") + "\n", to: main)
        let configuration = try ServerConfiguration.read(file: main.path)
        #expect(configuration.accessLogs.map(\.path) == [directory.appendingPathComponent("${LATER}/a.log").path, "/var/log/sites/shop-shop.${NOSUCH}.log"])
    }

    @Test func nginxBackslashEscapesAreUnescapedAsNginxDoes() throws {
        let tokens = NginxConfigReader.tokens(#"x 'a\tb\"c\'d\\e\xf' "\r\n\'\"" g\;h\.i;"#).map(\.text)
        #expect(tokens == ["x", "a\tb\"c'd\\e\\xf", "\r\n'\"", "g\\;h\\.i", ";"])

        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let main = directory.appendingPathComponent("nginx.conf")
        try Self.write("http {\n  " + Self.tsvFormat + "}\n", to: main)
        let configuration = try ServerFormats.configuration(files: [main.path], readDefaults: false)
        let server = try ServerFormats(patterns: try PatternLoader.load(), configuration: configuration)
        let patterns = try CompiledPatterns(server.patterns)
        let tsv = ServerConfigTests.requests.map {
            "\($0.ip)\t\($0.user)\t[\(ServerConfigTests.clfTime($0.second))]\t\"\($0.request)\"\t\($0.status)\n"
        }.joined()
        // Before, the layout expected a backslash and a 't' between fields, and read nothing.
        let events = try ServerConfigTests.events(tsv, patterns: patterns, format: "nginx-config:tsv")
        #expect(events.count == 25, "36 requests, two in three refused, and one refused login form POST (login-failed)")
        #expect(events.first?.ip == "192.0.2.1" && events.first?.status == 401)
    }

    @Test func apacheRelativePathsAreUnderServerRoot() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // RHEL's layout: /etc/httpd/conf/httpd.conf, ServerRoot "/etc/httpd", conf.d/ beside conf/;
        // before, conf.d/ and logs/ were looked for under conf/.
        let main = directory.appendingPathComponent("conf/httpd.conf")
        try Self.write("ServerRoot \"\(directory.path)\"\nErrorLog \"logs/error_log\"\nIncludeOptional conf.d/*.conf\n", to: main)
        try Self.write("<VirtualHost *:80>\n  CustomLog \"logs/shop_access_log\" combined\n</VirtualHost>\n",
                       to: directory.appendingPathComponent("conf.d/shop.conf"))
        let configuration = try ServerConfiguration.read(file: main.path)
        #expect(configuration.files == [main.path, directory.appendingPathComponent("conf.d/shop.conf").path])
        #expect(configuration.accessLogs.map(\.path) == [directory.appendingPathComponent("logs/shop_access_log").path])
        #expect(configuration.errorLogs.map(\.path) == [directory.appendingPathComponent("logs/error_log").path])
    }
}
