import Foundation
import Testing
@testable import AuthLogKit

/// Formats read from the servers' own configurations (`Tests/Fixtures/server-config/`):
/// nginx `log_format` over includes, concatenated strings and `escape=json`; Apache
/// `LogFormat`/`CustomLog` over `IncludeOptional` with `${APACHE_LOG_DIR}` from `envvars`.
@Suite struct ServerConfigTests {
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/server-config")

    static func serverFormats(_ config: String) throws -> ServerFormats {
        let configuration = try ServerFormats.configuration(files: [fixtures.appendingPathComponent(config).path],
                                                            readDefaults: false)
        return try ServerFormats(patterns: try PatternLoader.load(), configuration: configuration)
    }

    @Test func nginxFormatsComeFromIncludesAndConcatenatedStrings() throws {
        let server = try Self.serverFormats("nginx/nginx.conf")
        #expect(server.derived.map(\.formatName) == ["nginx-config:timed", "nginx-config:jsonlog", "nginx-config:upstream"])
        let timed = try #require(server.patterns.format(named: "nginx-config:timed"))
        // The three quoted pieces are one string: the head reads up to the status and the space after it.
        #expect(timed.head.text.contains("\\[(?<time>\\d{4}-"))
        #expect(timed.head.text.hasSuffix("(?<status>\\d{3})\\ "))
        #expect(timed.detect.text.contains("rt="))
        #expect(timed.role == .access && timed.server == "nginx" && timed.decodesBackslashEscapes)
        // The layout logs $body_bytes_sent right after $status: the XML-RPC fault rule holds on it too.
        #expect(timed.rules.map(\.id) == ["wordpress-xmlrpc-fault", "wordpress-xmlrpc-multicall-faults", "status-401", "status-403", "wordpress-login-failed",
                                          "wordpress-login-post", "wordpress-api-400", "served-named-user"])
        let json = try #require(server.patterns.format(named: "nginx-config:jsonlog"))
        // escape=json writes \" and \\ escapes: the JSON decoder reads them (once).
        #expect(json.decoder == JSONRecordDecoder.name && !json.decodesBackslashEscapes)
        // The literal the prefilter searches is the text this layout writes around the status.
        #expect(json.rules[0].literals == [Array(":\"401\"".utf8)])
        #expect(server.formatsByPath == ["/srv/logs/api.json.log": "nginx-config:jsonlog",
                                         "/srv/logs/timed.log": "nginx-config:timed"],
                "the combined access.log keeps its detection")
    }

    @Test func apacheFormatsComeFromIncludeOptionalAndEnvvars() throws {
        let server = try Self.serverFormats("apache/apache2.conf")
        // vhost_combined and combined are what apache-access reads already; referer and agent log no status.
        #expect(server.derived.map(\.formatName) == ["apache-config:proxied", "apache-config:000-default.conf:5"])
        #expect(server.unusable.map(\.format.configName) == ["referer", "agent"])
        #expect(server.formatsByPath == ["/srv/apache/logs/proxied.log": "apache-config:proxied",
                                         "/srv/apache/logs/short.log": "apache-config:000-default.conf:5"])
        let proxied = try #require(server.patterns.format(named: "apache-config:proxied"))
        #expect(proxied.head.text.hasPrefix("<BOM>(?<forwarded>(?>[0-9A-Fa-f.:]+"),
                "the forwarded-for list is read whole, before the client, as the forwarded field (--trusted-proxy)")
    }

    /// A few dozen requests, as combined lines and in three layouts of the fixture's.
    static let requests: [(ip: String, user: String, request: String, status: Int, second: Int)] = (0..<36).map { index in
        let users = ["-", "admin", "bob", "-"]
        let requests = ["GET /admin/ HTTP/1.1", "POST /wp-login.php HTTP/1.1", "GET /wp-json/wp/v2/users HTTP/1.1",
                        "GET /private/report.pdf?x=1 HTTP/2.0", "GET / HTTP/1.1"]
        let statuses = [401, 403, 200, 401, 302, 403]
        return ("192.0.2.\(index % 7 + 1)", users[index % 4], requests[index % 5], statuses[index % 6], index)
    }

    static func clfTime(_ second: Int) -> String { String(format: "20/Nov/2026:06:25:%02d +0000", second) }
    static func isoTime(_ second: Int) -> String { String(format: "2026-11-20T06:25:%02d+00:00", second) }

    static let combined = requests.map {
        "\($0.ip) - \($0.user) [\(clfTime($0.second))] \"\($0.request)\" \($0.status) 512 \"-\" \"curl/8.5.0\"\n"
    }.joined()

    static let layouts: [String: String] = [
        "timed": requests.map {
            "\($0.ip) www.example.com \($0.user) [\(isoTime($0.second))] \"\($0.request)\" \($0.status) 512 \"-\" "
                + "\"curl/8.5.0\" rt=0.004 uct=\"0.001\"\n"
        }.joined(),
        "jsonlog": requests.map {
            "{\"time\":\"\(isoTime($0.second))\",\"client\":\"\($0.ip)\",\"xff\":\"\",\"user\":\"\($0.user)\","
                + "\"request\":\"\($0.request)\",\"status\":\"\($0.status)\",\"bytes\":512,\"agent\":\"curl/8.5.0\"}\n"
        }.joined(),
        "upstream": requests.map {
            let parts = $0.request.split(separator: " ")
            return "\(clfTime($0.second))|\($0.ip)|\($0.status)|\(parts[0]) \(parts[1])|10.0.0.2:8080|\($0.user)\n"
        }.joined(),
    ]

    struct Seen: Equatable {
        var line: Int, ip: String?, user: String?, method: String?, path: String?, status: Int?, cause: Cause,
            time: Int64?, rule: Substring
    }

    static func events(_ text: String, patterns: CompiledPatterns, format: String? = nil) throws -> [Seen] {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("access.log")
        try Data(text.utf8).write(to: url)
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        options.formatOverride = format
        var seen: [Seen] = []
        var report = ScanReport()
        ScanSession(patterns: patterns, options: options, diagnostics: nil)
            .scan(LogInput(path: url.path, isExplicit: true), into: &report) { event in
                seen.append(Seen(line: event.line, ip: event.ip, user: event.user, method: event.method, path: event.path,
                                 status: event.status, cause: event.cause, time: event.time,
                                 rule: event.rule.split(separator: "/").last ?? ""))
            }
        return seen
    }

    @Test func customLayoutsGiveTheEventsOfCombined() throws {
        let server = try Self.serverFormats("nginx/nginx.conf")
        let patterns = try CompiledPatterns(server.patterns)
        let expected = try Self.events(Self.combined, patterns: patterns)
        #expect(expected.count == 25, "36 requests, two in three refused, and one refused login form POST (login-failed)")
        #expect(expected.allSatisfy { $0.time != nil && $0.ip != nil })
        for (name, text) in Self.layouts.sorted(by: { $0.key < $1.key }) {
            // Detected by content among all formats, and forced: the same events either way.
            // "upstream" logs `$request_method $uri`, no quoted request line: the login-failed
            // rule (whose literal and `action` test read the request) cannot see its POST.
            let want = name == "upstream" ? expected.filter { $0.cause != .loginFailed } : expected
            let detected = try Self.events(text, patterns: patterns)
            #expect(detected == want, "\(name), detected")
            #expect(try Self.events(text, patterns: patterns, format: "nginx-config:\(name)") == want, "\(name), forced")
        }
    }

    @Test func aFormatStringThatCannotBeReadNamesFileLineAndVariable() throws {
        #expect(throws: PatternError(file: "--log-format", line: 1,
                                     message: "log_format: '${time_local] \"$request\" $status' has no closing '}'")) {
            try ServerFormats.inlineFormat("nginx:$remote_addr [${time_local] \"$request\" $status")
        }
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("nginx.conf")
        try Data("http {\n  # glued\n  log_format glued '$remote_addr$http_via [$time_local] \"$request\" $status';\n}\n".utf8)
            .write(to: config)
        do {
            _ = try ServerFormats.configuration(files: [config.path], readDefaults: false)
            Issue.record("a format whose client runs into another variable must be refused")
        } catch {
            #expect(error.file == config.path && error.line == 3)
            #expect(error.message.contains("'$remote_addr$http_via'"))
        }
    }

    @Test func aLayoutTheBuiltinFormatReadsIsNotDerived() throws {
        let main = try #require(try ServerFormats.inlineFormat(
            "nginx:$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" "
                + "\"$http_user_agent\" \"$http_x_forwarded_for\""))
        #expect(main.builtinEquivalent == "nginx-access")
        let apache = try #require(try ServerFormats.inlineFormat("apache:%v:%p %h %l %u %t \"%r\" %>s %O"))
        #expect(apache.builtinEquivalent == "apache-access")
        let timed = try #require(try ServerFormats.inlineFormat("nginx:$remote_addr $host $remote_user [$time_iso8601] \"$request\" $status"))
        #expect(timed.builtinEquivalent == nil)
    }

    @Test func anApacheLayoutWithTheForwardedForFirstReadsTheClientAfterIt() throws {
        let server = try Self.serverFormats("apache/apache2.conf")
        let patterns = try CompiledPatterns(server.patterns)
        let apacheCombined = Self.requests.map {
            "\($0.ip) - \($0.user) [\(Self.clfTime($0.second))] \"\($0.request)\" \($0.status) 512 \"-\" \"curl/8.5.0\"\n"
        }.joined()
        let expected = try Self.events(apacheCombined, patterns: patterns, format: "apache-access")
        #expect(expected.count == 25)  // with the refused login form POST (login-failed)
        // No forwarded-for, one address, several: the client is the address after them.
        let forwarded = ["-", "198.51.100.1", "198.51.100.1, 10.0.0.1"]
        let proxied = Self.requests.enumerated().map { index, request in
            String(format: "%@ %@ %@ 2026-11-20T06:25:%02d+0000 \"%@\" %d 512 1234 \"curl/8.5.0\"\n",
                   forwarded[index % 3], request.ip, request.user, request.second, request.request, request.status)
        }.joined()
        #expect(try Self.events(proxied, patterns: patterns) == expected)
        let forged = "6.6.6.6 - 2026-11-20T06:25:00+0000 \"GET / HTTP/1.1\" 401 1 1 \"x\" 192.0.2.1 - "
            + "2026-11-20T06:25:00+0000 \"GET /admin/ HTTP/1.1\" 401 512 1234 \"curl/8.5.0\"\n"
        #expect(try Self.events(forged, patterns: patterns, format: "apache-config:proxied").isEmpty,
                "a forwarded-for that is no address list leaves the line unread, never read with its client")
    }
}
