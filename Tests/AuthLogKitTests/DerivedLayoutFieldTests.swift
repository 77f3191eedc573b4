import Foundation
import Testing
@testable import AuthLogKit

/// What the corpus rewrite (`CustomFormatCorpusTests`) found wrong in the derived formats,
/// each on a few lines: `escape=json`'s `\u00HH` in a field, and Apache's zoneless ISO time.
@Suite struct DerivedLayoutFieldTests {
    /// The events of `text` read with an inline format string (`nginx:…` or `apache:…`).
    static func events(_ text: String, format: String, zone: String = "UTC") throws -> [AuthEvent] {
        var server = try ServerFormats(patterns: try PatternLoader.load(), configuration: ServerConfiguration())
        let derived = try #require(try ServerFormats.inlineFormat(format))
        let name = try server.add(derived)
        let directory = try makeTemporaryDirectory(holding: ["access.log": text])
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: zone)!
        options.formatOverride = name
        var events: [AuthEvent] = []
        var report = ScanReport()
        ScanSession(patterns: try CompiledPatterns(server.patterns), options: options, diagnostics: nil)
            .scan(LogInput(path: directory.appendingPathComponent("access.log").path, isExplicit: true), into: &report) {
                events.append($0)
            }
        return events
    }

    @Test func escapeJSONsUnicodeEscapesAreTheBytesTheClientSent() throws {
        let format = #"nginx:{"remote_addr":"$remote_addr","remote_user":"$remote_user","request":"$request","status":$status}"#
        let lines = [
            #"{"remote_addr":"192.0.2.1","remote_user":"\u001b[31madmin","request":"GET /a HTTP/1.1","status":401}"#,
            // A surrogate pair is one scalar; a lone surrogate is no scalar. A layout that is one
            // JSON object is read by the JSON decoder, which makes it U+FFFD as for every JSON
            // format (a text layout's field keeps it as written: FieldDecoding.unescapedString).
            #"{"remote_addr":"192.0.2.2","remote_user":"j\u00f6rg\ud83d\ude00","request":"GET /b HTTP/1.1","status":401}"#,
            #"{"remote_addr":"192.0.2.3","remote_user":"x\ud800y","request":"GET /c HTTP/1.1","status":403}"#,
        ]
        let events = try Self.events(lines.joined(separator: "\n") + "\n", format: format)
        #expect(events.map(\.user) == ["\u{1B}[31madmin", "jörg😀", "x\u{FFFD}y"])
        #expect(events.map(\.ip) == ["192.0.2.1", "192.0.2.2", "192.0.2.3"])
    }

    @Test func anApacheISOTimeWithoutZoneIsTheServersLocalTime() throws {
        let format = #"apache:%a %u %{%Y-%m-%dT%H:%M:%S}t "%r" %>s %b"#
        let line = "192.0.2.1 bob 2026-11-20T07:25:14 \"GET /admin/ HTTP/1.1\" 401 381\n"
        let utc = try Self.events(line, format: format)
        #expect(utc.map { $0.time.map(CivilTime.iso8601) } == ["2026-11-20T07:25:14Z"])
        let berlin = try Self.events(line, format: format, zone: "Europe/Berlin")
        #expect(berlin.map { $0.time.map(CivilTime.iso8601) } == ["2026-11-20T06:25:14Z"], "--tz names the zone it was written in")
        #expect(berlin.first?.user == "bob" && berlin.first?.path == "/admin/")
    }

    /// `json.message` takes an object as its text, for a rule's regex; a field never does.
    @Test func aContainerGivesTheMessageButNoField() throws {
        let caddy = #"{"logger":"http.log.access","request":{"client_ip":"192.0.2.9","method":"GET","uri":"/x","#
        let withHeader = caddy + #""headers":{"Authorization":["REDACTED"]}},"user_id":"","status":401}"#
        let without = caddy + #""headers":{"Accept":["*/*"]}},"user_id":"","status":401}"#
        let read = try scan(withHeader + "\n" + without + "\n", name: "access.log")
        #expect(read.file.format == "caddy-json")
        #expect(read.events.map(\.cause) == [.http401, .missingCredentials])
        // A generic JSON log whose "user" is an object: no user, the line still an event.
        let generic = try scan(#"{"remote_addr":"192.0.2.8","user":{"id":7},"request":"GET /y HTTP/1.1","status":403}"# + "\n")
        #expect(generic.file.format == "json-access")
        #expect(generic.events.map(\.user) == [nil] && generic.events.first?.ip == "192.0.2.8")
    }

    /// The compiled format of an inline format string.
    static func compiled(_ format: String) throws -> CompiledFormat {
        var server = try ServerFormats(patterns: try PatternLoader.load(), configuration: ServerConfiguration())
        let name = try server.add(try #require(try ServerFormats.inlineFormat(format)))
        return try #require(try CompiledPatterns(server.patterns).format(named: name))
    }

    // Defect: a layout with the virtual host or Apache's %l before the user (the issue's own
    // example) lost the named-user prefilter, so every line was matched: 3.4× the time of the
    // combined log on the same requests.
    @Test func aHostOrIdentBeforeTheUserKeepsTheNamedUserPrefilter() throws {
        for format in [#"nginx:$remote_addr $host $remote_user [$time_iso8601] "$request" $status"#,
                       #"apache:%h %l %u %t "%r" %>s %b %D"#,
                       #"apache:%v %h %l %u [%{%Y-%m-%dT%H:%M:%S%z}t] "%r" %>s %b"#] {
            let compiled = try Self.compiled(format)
            #expect(compiled.findsNamedUsers && !compiled.matchesEveryLine, "\(format)")
        }
        // A header before the user can hold " - [": the prefilter cannot speak for that layout.
        for format in [#"nginx:$remote_addr $http_x_client $remote_user [$time_iso8601] "$request" $status"#,
                       #"nginx:$remote_addr - $host $remote_user [$time_iso8601] "$request" $status"#] {
            let compiled = try Self.compiled(format)
            #expect(!compiled.findsNamedUsers && compiled.matchesEveryLine, "\(format)")
        }
    }

    @Test func aNamedUserAfterAnIPv6HostIsStillRead() throws {
        // "[::1]" opens the first " [" of the line; the user after it must not be missed.
        let format = #"nginx:$remote_addr $host $remote_user [$time_iso8601] "$request" $status"#
        let lines = #"192.0.2.1 [::1] bob [2026-11-20T06:25:14+00:00] "POST /wp-login.php HTTP/1.1" 401"# + "\n"
            + #"192.0.2.2 [::1] - [2026-11-20T06:25:15+00:00] "GET /admin/ HTTP/1.1" 401"# + "\n"
        let events = try Self.events(lines, format: format)
        #expect(events.map(\.user) == ["bob", nil])
        #expect(events.map(\.ip) == ["192.0.2.1", "192.0.2.2"])
    }

    // Defect: a layout's own text holding U+E0FF named a variable that did not exist (an index
    // out of range: a crash from a configuration file), and nesting recursed without end.
    @Test func aLayoutThatMimicsTheVariableMarksOrNestsWithoutEndDoesNotCrash() throws {
        let marked = "nginx:{\"ip\":\"$remote_addr\",\"status\":$status,\"x\":\"\u{E0FF}\"}"
        let derived = try #require(try ServerFormats.inlineFormat(marked))
        #expect(JSONLayout(layout: derived.layout) == nil)
        let deep = "nginx:" + String(repeating: "{\"a\":", count: 5000) + "{\"ip\":\"$remote_addr\",\"s\":$status}"
            + String(repeating: "}", count: 5000)
        let nested = try #require(try ServerFormats.inlineFormat(deep))
        #expect(JSONLayout(layout: nested.layout) == nil)
    }
}
