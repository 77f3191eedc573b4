import Foundation
import PCRE2
import Testing
@testable import AuthLogKit

/// A syslog line is read as one of the formats its program writes (`WrappedProgramRoutes`):
/// the program name, matched against the formats' path hints, chooses them; a program no
/// format names is matched against every format, as every line was before.
@Suite struct SyslogProgramRoutesTests {
    static let head = "Nov 20 06:25:14 web"

    @Test func eachProgramsLinesAreReadAsItsOwnFormats() throws {
        let lines = [
            "\(Self.head) haproxy[812]: 198.51.100.101:51234 [20/Nov/2026:06:25:14.123] fe_http be_admin/<NOSRV> "
                + "0/-1/-1/-1/0 401 179 - - PR-- 1/1/0/0/0 0/0 \"GET /admin HTTP/1.1\"",
            "\(Self.head) nginx: 2026/11/20 06:25:14 [error] 12#12: *4 user \"admin\" was not found in "
                + "\"/etc/nginx/.htpasswd\", client: 2001:db8::21, server: example.com, request: \"GET /admin/ HTTP/1.1\", "
                + "host: \"example.com\"",
            "\(Self.head) wordpress(www.example.com)[1234]: Authentication failure for admin from 192.0.2.1",
            // An Apache error line written by a program no format names: every format is tried.
            "\(Self.head) php-fpm[77]: [Thu Nov 20 06:25:14.000000 2026] [auth_basic:error] [pid 77] "
                + "[client 203.0.113.7:5312] AH01618: user bob not found: /private/",
        ]
        let outcome = try scan(lines.joined(separator: "\n") + "\n", name: "syslog")
        #expect(outcome.file.format == "syslog")
        #expect(outcome.events.map(\.format) == ["haproxy", "nginx-error", "wp-fail2ban", "apache-error"])
        #expect(outcome.events.map(\.ip) == ["198.51.100.101", "2001:db8::21", "192.0.2.1", "203.0.113.7"])
        #expect(outcome.events.map(\.user) == [nil, "admin", "admin", "bob"])
    }

    @Test func aProgramsLineInAnotherServersFormatIsNotBelieved() throws {
        // haproxy's program does not write nginx's error lines: that text under its name is no
        // event, while the same text under nginx's name is one.
        let message = "2026/11/20 06:25:14 [error] 12#12: *4 user \"admin\" was not found in \"/etc/nginx/.htpasswd\", "
            + "client: 192.0.2.9, server: example.com, request: \"GET /admin/ HTTP/1.1\", host: \"example.com\""
        let outcome = try scan("\(Self.head) haproxy[812]: \(message)\n\(Self.head) nginx[12]: \(message)\n",
                               name: "syslog")
        #expect(outcome.events.map(\.line) == [2])
        #expect(outcome.events.map(\.format) == ["nginx-error"])
    }

    @Test func programNamesHoldingManyHintsCompileABoundedNumberOfSets() throws {
        // Patterns of its own: the sets it fills are not those of the other tests' scans.
        let syslog = try #require(try CompiledPatterns(PatternLoader.load()).format(named: "syslog"))
        let routes = try #require(syslog.programRoutes)
        func formats(_ program: String) -> UInt64 {
            Array(program.utf8).withUnsafeBytes { routes.formats(forProgram: $0) }
        }
        #expect(formats("sshd") == routes.allFormats)
        let nginx = formats("nginx")
        #expect(nginx != routes.allFormats && nginx.nonzeroBitCount == 2)  // access and error
        #expect(formats("NGINX") == nginx)
        #expect(formats("nginx-haproxy") == nginx | formats("haproxy"))
        // Every combination of hints is a set of formats an attacker can name; past the
        // limit, new ones get every format instead of a regex of their own.
        let hints = ["nginx", "haproxy", "apache", "lighttpd", "traefik", "ingress", "lsws", "wordpress"]
        var sets: Set<UInt64> = []
        for combination in 1..<(1 << hints.count) {
            let name = hints.indices.filter { combination & (1 << $0) != 0 }.map { hints[$0] }.joined(separator: "-")
            let mask = formats(name)
            if mask != routes.allFormats { sets.insert(mask) }
            _ = routes.program(for: mask)
        }
        #expect(sets.count <= WrappedProgramRoutes.maximumSets)
        #expect(sets.count > 8)
    }

    // Defect: the program stopped at the first colon, so a Host header with a port
    // (`wordpress(www.example.com:8443)`) made WP fail2ban's line unreadable: an attacker's way
    // to hide every failed login.
    @Test func aWordPressTagWithAPortIsStillWordPresss() throws {
        let outcome = try scan("\(Self.head) wordpress(www.example.com:8443)[1234]: Authentication failure for admin "
                               + "from 192.0.2.1\n\(Self.head) wordpress([2001:db8::1]:80)[1234]: Authentication "
                               + "failure for bob from 192.0.2.2\n\(Self.head) odd(name: no closing parenthesis\n",
                               name: "auth.log")
        #expect(outcome.events.map(\.format) == ["wp-fail2ban", "wp-fail2ban"])
        #expect(outcome.events.map(\.user) == ["admin", "bob"])
        #expect(outcome.events.map(\.ip) == ["192.0.2.1", "192.0.2.2"])
    }

    // The host in `wordpress(HOST)` is the client's Host header: a hint in it ("nginx") must
    // not make nginx's formats read the line, nor every Host make a new cache entry.
    @Test func theHostInAWordPressTagChoosesNoFormat() throws {
        let message = "2026/11/20 06:25:14 [error] 12#12: *4 user \"admin\" was not found in \"/etc/nginx/.htpasswd\", "
            + "client: 192.0.2.9, server: example.com, request: \"GET /admin/ HTTP/1.1\", host: \"example.com\""
        let lines = (1...20).map { "\(Self.head) wordpress(nginx\($0).example.com)[1234]: \(message)" }
            + ["\(Self.head) wordpress(www.example.com)[1234]: Authentication failure for admin from 192.0.2.1"]
        let outcome = try scan(lines.joined(separator: "\n") + "\n", name: "auth.log")
        #expect(outcome.events.map(\.format) == ["wp-fail2ban"])
    }

    // Defect: a layout derived from the admin's configuration has no path hints, so a line it
    // wrote through syslog (`access_log syslog:… main;`) under nginx's name found no format.
    @Test func aDerivedLayoutWrittenThroughSyslogIsRead() throws {
        var server = try ServerFormats(patterns: try PatternLoader.load(), configuration: ServerConfiguration())
        _ = try server.add(try #require(try ServerFormats.inlineFormat(
            #"nginx:$remote_addr $host $remote_user [$time_iso8601] "$request" $status"#)))
        let syslog = try #require(try CompiledPatterns(server.patterns).format(named: "syslog"))
        let line = "\(Self.head) nginx: 203.0.113.7 ex.com admin [2026-11-20T06:25:14+00:00] \"GET /a HTTP/1.1\" 401"
        let routes = try #require(syslog.programRoutes)
        let formats = Array("nginx".utf8).withUnsafeBytes { routes.formats(forProgram: $0) }
        #expect(formats != routes.allFormats)
        let classifier = LineClassifier(format: syslog, limits: MatchLimits(), timeZone: .gmt, now: 0)
        let outcome = Array(line.utf8).withUnsafeBytes { classifier.classify($0, file: "syslog", lineNumber: 1) }
        guard case .event(let event) = outcome else { Issue.record("no event: \(outcome)"); return }
        #expect(event.ip == "203.0.113.7" && event.user == "admin" && event.cause == Cause.http401)
    }
}
