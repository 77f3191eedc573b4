import Foundation
import Testing
@testable import AuthLogKit

/// Error logs and JSON layouts from the servers' own configurations
/// (`Tests/Fixtures/server-config/errorlog/`): nginx `error_log` at main, server and location
/// level, Apache `ErrorLog` with a server-wide and a per-VirtualHost `ErrorLogFormat`, and
/// `log_format` layouts that are JSON objects. The tree is copied to a temporary directory
/// with its `/srv/errorlog` paths pointing there, so that the files it names are read.
@Suite struct ServerConfigErrorLogTests {
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/server-config/errorlog")

    /// The fixture tree in a temporary directory, its configurations' paths rewritten.
    static func tree() throws -> URL {
        let directory = try makeTemporaryDirectory()
        let files = FileManager.default.enumerator(at: fixtures, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let url as URL in files where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            let relative = String(url.path.dropFirst(fixtures.path.count + 1))
            var text = try String(contentsOf: url, encoding: .utf8)
            if !relative.hasPrefix("logs/") { text = text.replacingOccurrences(of: "/srv/errorlog", with: directory.path) }
            let target = directory.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: target)
        }
        return directory
    }

    static func serverFormats(_ configs: [String], in tree: URL) throws -> ServerFormats {
        let configuration = try ServerFormats.configuration(files: configs.map { tree.appendingPathComponent($0).path },
                                                            readDefaults: false)
        return try ServerFormats(patterns: try PatternLoader.load(), configuration: configuration)
    }

    struct Seen: Equatable, CustomStringConvertible {
        var file: String, format: String, ip: String?, user: String?, path: String?, status: Int?, cause: Cause
        var description: String { "\(file) \(format) \(ip ?? "-") \(user ?? "-") \(path ?? "-") \(status ?? 0) \(cause)" }
    }

    final class Collected: @unchecked Sendable {
        let lock = NSLock()
        var events: [Seen] = []
        func add(_ seen: Seen) { lock.lock(); events.append(seen); lock.unlock() }
    }

    /// Scans `tree/logs/SERVER` with the configurations' formats: the events, sorted, and the requests.
    static func scan(_ tree: URL, _ logs: String, _ server: ServerFormats) throws -> (events: [Seen], requests: RequestReport) {
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        options.formatsByPath = server.formatsByPath
        let collected = Collected()
        let report = ScanSession(patterns: try CompiledPatterns(server.patterns), options: options, diagnostics: nil)
            .run(arguments: [tree.appendingPathComponent("logs/\(logs)").path]) { event in
                collected.add(Seen(file: (event.file as NSString).lastPathComponent, format: event.format, ip: event.ip,
                                   user: event.user, path: event.path, status: event.status, cause: event.cause))
            }
        return (collected.events.sorted { $0.description < $1.description }, try #require(report.requests))
    }

    @Test func nginxErrorLogsAtEveryLevelAreReadAsNginxError() throws {
        let tree = try Self.tree()
        defer { try? FileManager.default.removeItem(at: tree) }
        let server = try Self.serverFormats(["nginx/nginx.conf"], in: tree)
        let logs = tree.appendingPathComponent("logs/nginx").path
        // syslog:, stderr and /dev/null name no file; the access formats keep their files.
        #expect(server.formatsByPath == [
            "\(logs)/error.log": "nginx-error", "\(logs)/shop-error.log": "nginx-error", "\(logs)/api-error.log": "nginx-error",
            "\(logs)/shop.log": "nginx-config:edge", "\(logs)/api.json.log": "nginx-config:apijson",
            "\(logs)/legacy.json.log": "nginx-config:legacyjson",
        ])
    }

    @Test func jsonLayoutsAreReadByTheJSONDecoderWithTheirOwnKeys() throws {
        let tree = try Self.tree()
        defer { try? FileManager.default.removeItem(at: tree) }
        let server = try Self.serverFormats(["nginx/nginx.conf"], in: tree)
        let api = try #require(server.patterns.format(named: "nginx-config:apijson"))
        #expect(api.decoder == JSONRecordDecoder.name)
        #expect(api.decoderSettings.map { "\($0.key)=\($0.value)" } == ["time=ts", "ip=addr", "user=user", "request=req", "status=status"])
        #expect(!api.decodesBackslashEscapes, "the decoder undoes the escapes; decoding twice would change names")
        // Keyed as the layout writes them: "status" unquoted here, quoted in the legacy layout.
        #expect(api.literals.map { String(decoding: $0, as: UTF8.self) }
                    == ["\"status\":400", "\"status\":401", "\"status\":403", "\"req\":\"POST "])
        let legacy = try #require(server.patterns.format(named: "nginx-config:legacyjson"))
        #expect(legacy.decoderSettings.map { "\($0.key)=\($0.value)" }
                    == ["time=ts", "ip=addr", "user=user", "method=method", "path=uri", "status=status"])
        #expect(legacy.literals.map { String(decoding: $0, as: UTF8.self) }
                    == ["\"status\":\"400\"", "\"status\":\"401\"", "\"status\":\"403\"", "\"method\":\"POST\""])
        // The edge layout is no JSON: a regex head as before.
        #expect(try #require(server.patterns.format(named: "nginx-config:edge")).decoder == RegexDecoder.name)
    }

    @Test func nginxAccessAndErrorFilesGiveTheirEventsAndPairAsRequests() throws {
        let tree = try Self.tree()
        defer { try? FileManager.default.removeItem(at: tree) }
        let server = try Self.serverFormats(["nginx/nginx.conf"], in: tree)
        let (events, requests) = try Self.scan(tree, "nginx", server)
        #expect(events.map(\.description) == [
            "api-error.log nginx-error 192.0.2.23 dave /api/orders 401 passwordMismatch",
            // An escaped quote in another value is no key: the status stays 403.
            "api.json.log nginx-config:apijson 192.0.2.23 dave /api/orders 401 http401",
            "api.json.log nginx-config:apijson 192.0.2.24 - /api/été 403 http403",
            // nginx's default escaping (\x22) is read too.
            "legacy.json.log nginx-config:legacyjson 192.0.2.25 eve\"x /api/legacy 403 http403",
            "shop-error.log nginx-error 192.0.2.21 bob /admin/ 401 unknownUser",
            "shop-error.log nginx-error 192.0.2.22 alice /admin/stats 401 passwordMismatch",
            "shop.log nginx-config:edge 192.0.2.21 bob /admin/ 401 http401",
            "shop.log nginx-config:edge 192.0.2.22 alice /admin/stats 401 http401",
        ])
        // Each error line explains the refusal of its access line: five requests, three explained.
        #expect(requests.aggregate.total == 5 && requests.paired == 3)
        #expect(requests.aggregate.byCause[.unknownUser] == 1 && requests.aggregate.byCause[.passwordMismatch] == 2)
        #expect(requests.aggregate.byCause[.http403] == 2)
    }

    @Test func apacheErrorLogFormatsAreCompiledPerServerAndVirtualHost() throws {
        let tree = try Self.tree()
        defer { try? FileManager.default.removeItem(at: tree) }
        let server = try Self.serverFormats(["apache/apache2.conf"], in: tree)
        let logs = tree.appendingPathComponent("logs/apache2").path
        #expect(server.derivedErrors.map(\.formatName) == ["apache-config:errorlog:apache2.conf:5",
                                                           "apache-config:errorlog:intranet.conf:5"])
        // The main server and the virtual host without a format of its own write in the
        // server's; keystone's has no client (listed, its file left to detection); a piped
        // ErrorLog names no file.
        #expect(server.formatsByPath == ["\(logs)/error.log": "apache-config:errorlog:apache2.conf:5",
                                         "\(logs)/www-error.log": "apache-config:errorlog:apache2.conf:5",
                                         "\(logs)/intranet-error.log": "apache-config:errorlog:intranet.conf:5"])
        #expect(server.unusableErrorFormats.map(\.format) == ["keystone.conf:3"])
        #expect(server.unusableErrorFormats.first?.reason.contains("%a") == true)
        let intranet = try #require(server.patterns.format(named: "apache-config:errorlog:intranet.conf:5"))
        #expect(intranet.role == .detail && intranet.server == "apache" && intranet.decodesBackslashEscapes)
        #expect(intranet.head.text.contains("(?<time>[A-Z][a-z]{2} ") && intranet.head.text.contains("(?<level>"))
        #expect(intranet.head.text.contains("(?:[\\w./-]+\\(\\d+\\):\\ )?"), "%7F is written at debug level only")
        #expect(intranet.rules.map(\.id) == (try #require(server.patterns.format(named: "apache-error"))).rules.map(\.id))
    }

    @Test func apacheErrorLinesInTheirFormatsPairWithTheAccessLines() throws {
        let tree = try Self.tree()
        defer { try? FileManager.default.removeItem(at: tree) }
        let server = try Self.serverFormats(["apache/apache2.conf"], in: tree)
        let (events, requests) = try Self.scan(tree, "apache2", server)
        #expect(events.map(\.description) == [
            "intranet-access.log apache-access 198.51.100.32 carol /intranet/ 401 http401",
            "intranet-error.log apache-config:errorlog:intranet.conf:5 198.51.100.32 carol /intranet/ 401 passwordMismatch",
            "www-access.log apache-access 198.51.100.30 bob /private/ 401 http401",
            // The referer the format writes after the message is not part of the path.
            "www-error.log apache-config:errorlog:apache2.conf:5 198.51.100.30 bob /private/ 401 unknownUser",
        ])
        #expect(requests.aggregate.total == 2 && requests.paired == 2)
    }

    @Test func theDefaultErrorLogLayoutIsTheBuiltinOne() throws {
        let directory = try makeTemporaryDirectory(holding: [
            "apache2.conf": "ErrorLog /var/log/apache2/error.log\n<VirtualHost *:80>\n  ErrorLog logs/site-error.log\n</VirtualHost>\n",
            "nginx.conf": "error_log logs/error.log;\nhttp { error_log /var/log/nginx/site.error.log notice; }\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let apache = try Self.serverFormats(["apache2.conf"], in: directory)
        #expect(apache.formatsByPath == ["/var/log/apache2/error.log": "apache-error",
                                         "\(directory.path)/logs/site-error.log": "apache-error"])
        let nginx = try Self.serverFormats(["nginx.conf"], in: directory)
        #expect(nginx.formatsByPath == ["logs/error.log": "nginx-error", "/var/log/nginx/site.error.log": "nginx-error"])
    }

    /// An Apache LogFormat that writes JSON (httpd escapes '"' as \" and other bytes as \xhh),
    /// given inline: read by the JSON decoder, its numbers' time `$msec` (nginx) aside.
    @Test func anApacheJSONLogFormatIsReadAsJSON() throws {
        let inline = try #require(try ServerFormats.inlineFormat(
            #"apache:{"time":"%{%Y-%m-%dT%H:%M:%S%z}t","client":"%a","user":"%u","request":"%r","status":%>s,"agent":"%{User-agent}i"}"#))
        var server = try ServerFormats(patterns: try PatternLoader.load(), configuration: ServerConfiguration())
        let name = try server.add(inline)
        let format = try #require(server.patterns.format(named: name))
        #expect(format.decoder == JSONRecordDecoder.name)
        #expect(format.decoderSettings.map { "\($0.key)=\($0.value)" } == ["time=time", "ip=client", "user=user", "request=request", "status=status"])
        let lines = #"{"time":"2026-11-21T10:00:00+0000","client":"192.0.2.40","user":"fr\x22ed","request":"GET /members/ HTTP/1.1","status":401,"agent":"x\",\"status\":200,\"client\":\"6.6.6.6"}"#
            + "\n" + #"{"time":"2026-11-21T10:00:01+0000","client":"192.0.2.41","user":"-","request":"GET / HTTP/1.1","status":200,"agent":"curl"}"# + "\n"
        let events = try ServerConfigTests.events(lines, patterns: try CompiledPatterns(server.patterns), format: name)
        #expect(events.map { "\($0.ip ?? "-") \($0.user ?? "-") \($0.path ?? "-") \($0.status ?? 0) \($0.time ?? 0)" }
                    == ["192.0.2.40 fr\"ed /members/ 401 1795255200"])
        let nginx = try #require(JSONLayout(layout: try NginxLogFormat.layout(
            #"{"ts":$msec,"ip":"$remote_addr","status":$status}"#, file: "-", line: 1)))
        #expect(nginx.key("time")?.path == "ts", "$msec is the time when nothing else is")
    }

    /// httpd's documented equivalent of its default layout, compiled, reads the built-in
    /// format's sample lines (those it writes alike: threaded, no referer) with the same events.
    @Test func theDocumentedDefaultFormatReadsWhatApacheErrorReads() throws {
        let directory = try makeTemporaryDirectory(holding: [
            "apache2.conf": "ErrorLogFormat \"[%{u}t] [%-m:%l] [pid %P:tid %T] %7F: %E: [client\\ %a] %M% ,\\ referer\\ %{Referer}i\"\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try Self.serverFormats(["apache2.conf"], in: directory)
        let patterns = try CompiledPatterns(server.patterns)
        let sample = try String(contentsOf: repositoryRoot.appendingPathComponent("samples/apache-error.log"), encoding: .isoLatin1)
        let lines = sample.split(separator: "\n").filter { $0.hasPrefix("[") && $0.contains(":tid ") && !$0.contains("referer") }
        #expect(lines.count > 30)
        let text = lines.joined(separator: "\n") + "\n"
        func events(_ format: String) throws -> [String] {
            try ServerConfigTests.events(text, patterns: patterns, format: format).map {
                "\($0.line) \($0.ip ?? "-") \($0.user ?? "-") \($0.path ?? "-") \($0.cause) \($0.rule)"
            }
        }
        let builtin = try events("apache-error")
        #expect(builtin.count > 20)
        let derived = try events("apache-config:errorlog:apache2.conf:1")
        #expect(derived == builtin, "\(Set(builtin).symmetricDifference(derived).sorted())")
    }

    @Test func aHeaderBeforeTheClientMakesTheFormatUnusable() throws {
        let directory = try makeTemporaryDirectory(holding: [
            "apache2.conf": "ErrorLogFormat \"[%t] [%l] [%{Referer}i] [client\\ %a] %M\"\nErrorLog /var/log/apache2/error.log\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try Self.serverFormats(["apache2.conf"], in: directory)
        #expect(server.derivedErrors.isEmpty && server.formatsByPath.isEmpty)
        #expect(server.unusableErrorFormats.map(\.format) == ["apache2.conf:1"])
        #expect(server.unusableErrorFormats.first?.reason.hasSuffix("a request header before the client (%a) can forge it") == true)
    }

    @Test func aFileNamedAsAccessAndErrorLogIsLeftToDetection() throws {
        let directory = try makeTemporaryDirectory(holding: [
            "nginx.conf": "error_log /srv/all.log;\nerror_log /srv/error.log;\nhttp {\n  log_format edge '$remote_addr $host "
                + "$remote_user [$time_iso8601] \"$request\" $status';\n  access_log /srv/all.log edge;\n"
                + "  access_log /srv/edge.log edge;\n}\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try Self.serverFormats(["nginx.conf"], in: directory)
        #expect(server.formatsByPath == ["/srv/error.log": "nginx-error", "/srv/edge.log": "nginx-config:edge"])
    }

    @Test func anErrorLogFormatThatCannotBeReadNamesFileLineAndItem() throws {
        for (format, message) in [
            ("[%{cu}t] [%l] [client\\ %a] %Z", "ErrorLogFormat: unknown item '%Z'"),
            ("[%{cu}t] [%l] [client\\ %a] %{Referer", "ErrorLogFormat: '%{Referer' has no closing '}'"),
            ("[%{xyz}t] [client\\ %a] %M", "ErrorLogFormat: unknown time '%{xyz}t' (%t takes u, c, cu)"),
            ("[%t] [client\\ %a]", "ErrorLogFormat: it has no %M, the message authlog reads"),
        ] {
            let directory = try makeTemporaryDirectory(holding: [
                "apache2.conf": "LogLevel warn\n# the server's\nErrorLogFormat \"\(format)\"\nErrorLog /var/log/apache2/error.log\n",
            ])
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("apache2.conf").path
            #expect(throws: PatternError(file: file, line: 3, message: message)) {
                _ = try ServerFormats.configuration(files: [file], readDefaults: false)
            }
        }
    }
}
