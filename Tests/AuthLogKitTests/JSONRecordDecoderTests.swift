import Foundation
import Testing
import PCRE2
@testable import AuthLogKit

/// The JSON access-log decoder: its string unescaping, its walk over tricky lines, the keys a
/// format maps, and the JSON formats read end to end.
@Suite struct JSONRecordDecoderTests {
    // MARK: - JSONString

    static func unescaped(_ body: String, capacity: Int? = nil) -> String? {
        let bytes = Array(body.utf8)
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity ?? max(bytes.count, 1), alignment: 1)
        defer { output.deallocate() }
        return bytes.withUnsafeBytes { raw in
            JSONString.unescape(raw, into: output, at: 0).map {
                String(decoding: UnsafeRawBufferPointer(rebasing: output[0..<$0]), as: UTF8.self)
            }
        }
    }

    @Test func unescapesJSONAndNginxEscapes() {
        #expect(Self.unescaped(#"a\"b\\c\/d"#) == #"a"b\c/d"#)
        #expect(Self.unescaped(#"tab\tnl\ncr\r"#) == "tab\tnl\ncr\r")
        #expect(Self.unescaped(#"jos\u00e9 \u20AC"#) == "josé €")
        // A surrogate pair is one scalar; a lone surrogate is U+FFFD.
        #expect(Self.unescaped(#"\ud83d\ude00"#) == "😀")
        #expect(Self.unescaped(#"\ud83dx"#) == "\u{FFFD}x")
        // nginx's default escaping (no escape=json): \xHH is a byte, here UTF-8 for é.
        #expect(Self.unescaped(#"jos\xC3\xA9\x22"#) == "josé\"")
        // Malformed escapes are no string.
        #expect(Self.unescaped(#"bad\q"#) == nil)
        #expect(Self.unescaped(#"cut\u00e"#) == nil)
        #expect(Self.unescaped(#"end\"#) == nil)
        #expect(Self.unescaped(#"\xZZ"#) == nil)
        // An output too small is refused, not overrun.
        #expect(Self.unescaped("abcdef", capacity: 3) == nil)
    }

    @Test func findsTheClosingQuotePastEscapes() {
        let line = Array(#"ab\"c\\"x"#.utf8)
        line.withUnsafeBytes { bytes in
            #expect(JSONString.closingQuote(in: bytes, from: 0) == 7)
            #expect(JSONString.closingQuote(in: UnsafeRawBufferPointer(rebasing: bytes[0..<6]), from: 0) == nil)
        }
    }

    // MARK: - The decoder on tricky lines

    static let testFormat = """
        [format]
        name = test-json
        description = a JSON log for the decoder's tests
        decoder = json
        detect = \\{
        json.ip = client.address ip
        json.user = user
        json.method = method
        json.path = path
        json.status = status
        json.time = ts
        literal = status
        rules = access-log
        """

    static func decoder(_ text: String = testFormat) throws -> JSONRecordDecoder {
        let set = try PatternLoader.load(PatternLoader.builtinFiles + [PatternLoader.File(name: "test.conf", text: text)])
        return try JSONRecordDecoder(format: try #require(set.format(named: "test-json")))
    }

    /// The fields of `line` as strings (nil: no record).
    static func decode(_ line: String, with decoder: JSONRecordDecoder) -> [String: String]? {
        let scratch = decoder.makeScratch(limits: .default)
        return Array(line.utf8).withUnsafeBytes { raw -> [String: String]? in
            var fields = RecordFields()
            guard case .record(let bytes) = scratch.decode(raw, into: &fields) else { return nil }
            var result: [String: String] = [:]
            let named: [(String, Range<Int>?)] = [("time", fields.time), ("ip", fields.ip), ("user", fields.user),
                                                  ("request", fields.request), ("method", fields.method),
                                                  ("path", fields.path), ("status", fields.status)]
            for (name, range) in named {
                if let range { result[name] = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
            }
            return result
        }
    }

    @Test func readsNestedKeysInAnyOrderAndSkipsWhatItDoesNotMap() throws {
        let decoder = try Self.decoder()
        let fields = try #require(Self.decode(#"""
            {"status":401,"extra":{"ip":"10.9.9.9","list":[1,{"a":"}"}]},"client":{"port":443,"address":"203.0.113.7"},"method":"GET","path":"/admin/?x=1","ts":1795155914.25}
            """#, with: decoder))
        #expect(fields["ip"] == "203.0.113.7")
        #expect(fields["status"] == "401")
        #expect(fields["time"] == "1795155914.25")
        #expect(fields["request"] == "GET /admin/?x=1")
        #expect(fields["method"] == "GET" && fields["path"] == "/admin/?x=1")
        #expect(fields["user"] == nil)
        // Spaces anywhere JSON allows them, and a byte order mark.
        let spaced = try #require(Self.decode("\u{FEFF} { \"ip\" : \"203.0.113.8\" ,\t\"status\" : \"403\" } ", with: decoder))
        #expect(spaced["ip"] == "203.0.113.8" && spaced["status"] == "403")
    }

    @Test func theFirstListedKeyWinsAndADuplicateKeyTheLastOne() throws {
        let decoder = try Self.decoder()
        // ip is listed after client.address: the nested one wins wherever it stands.
        #expect(Self.decode(#"{"ip":"10.0.0.1","status":401,"client":{"address":"203.0.113.9"}}"#, with: decoder)?["ip"]
                == "203.0.113.9")
        #expect(Self.decode(#"{"ip":"10.0.0.1","status":401}"#, with: decoder)?["ip"] == "10.0.0.1")
        #expect(Self.decode(#"{"ip":"10.0.0.1","status":200,"status":401}"#, with: decoder)?["status"] == "401")
        // "-", "" and null are absent: the next alternative gives the field.
        #expect(Self.decode(#"{"client":{"address":"-"},"ip":"10.0.0.2","status":401}"#, with: decoder)?["ip"] == "10.0.0.2")
        let absent = try #require(Self.decode(#"{"ip":"10.0.0.3","user":"","method":null,"path":"-","status":401}"#,
                                              with: decoder))
        #expect(absent["user"] == nil && absent["method"] == nil && absent["path"] == nil && absent["request"] == nil)
    }

    @Test func unescapesValuesIntoItsOwnBuffer() throws {
        let decoder = try Self.decoder()
        let fields = try #require(Self.decode(#"""
            {"ip":"203.0.113.7","user":"jos\u00e9\"q","method":"GET","path":"\/a\\b","status":"401"}
            """#, with: decoder))
        #expect(fields["user"] == "josé\"q")
        #expect(fields["path"] == #"/a\b"#)
        #expect(fields["request"] == #"GET /a\b"#)
        #expect(fields["ip"] == "203.0.113.7" && fields["status"] == "401")
        // nginx's \xHH, which is no JSON, and a malformed escape kept as written.
        let nginx = try #require(Self.decode(#"{"ip":"203.0.113.7","user":"b\xC3\xB6b\x22","status":401}"#, with: decoder))
        #expect(nginx["user"] == "böb\"")
        #expect(Self.decode(#"{"ip":"203.0.113.7","user":"a\qb","status":401}"#, with: decoder)?["user"] == #"a\qb"#)
    }

    @Test func malformedOrForeignLinesAreNoRecord() throws {
        let decoder = try Self.decoder()
        for line in [
            #"{"ip":"203.0.113.7","status":401"#,          // cut short
            #"{"ip":"203.0.113.7","status":401}}"#,        // bytes after the object
            #"{"ip":"203.0.113.7" "status":401}"#,         // no comma
            #"{"ip":"203.0.113.7","status":}"#,            // no value
            #"{"ip":"203.0.113.7","user":"unterminated}"#, // a string that never ends
            #"{"ip":"203.0.113.7","x":[1,2,"status":401}"#, // an array never closed
            #"{"ip":"203.0.113.7","x":tru,"status":401}"#, // a misspelt word
            #"ip=203.0.113.7 status=401"#,                  // no JSON at all
            #"["ip","203.0.113.7"]"#,                       // no object
            #"{"status":401}"#,                             // no client: another log's line
            #"{"ip":"203.0.113.7"}"#,                       // no status
            "",
        ] {
            #expect(Self.decode(line, with: decoder) == nil, "\(line)")
        }
    }

    @Test func aConditionKeepsOtherLoggersLinesOut() throws {
        let decoder = try Self.decoder(Self.testFormat + "\njson.when = logger=http.log.access*")
        #expect(Self.decode(#"{"logger":"http.log.access.log0","ip":"203.0.113.7","status":401}"#, with: decoder) != nil)
        #expect(Self.decode(#"{"logger":"http.handlers.reverse_proxy","ip":"203.0.113.7","status":401}"#, with: decoder) == nil)
        #expect(Self.decode(#"{"ip":"203.0.113.7","status":401}"#, with: decoder) == nil)
    }

    @Test func aMistakenSettingNamesItsLine() throws {
        for (setting, message) in [("json.referer = http_referer", "'json.referer' names no field"),
                                   ("json.ip = request..ip", "has an empty key"),
                                   ("json.when = logger", "'json.when' is KEY=VALUE")] {
            do {
                _ = try Self.decoder(Self.testFormat + "\n" + setting)
                Issue.record("'\(setting)' was accepted")
            } catch let error as PatternError {
                #expect(error.file == "test.conf" && error.line == 14 && error.message.contains(message), "\(error)")
            }
        }
    }

    @Test func everyCutAndEveryStrayByteOfALineIsReadWithoutACrash() throws {
        // What the fuzz harness (authlog-fuzz --log-format caddy-json) does at random, done
        // here exhaustively on one line: each prefix, and each byte replaced by a structural one.
        let format = try #require(builtinPatterns.format(named: "caddy-json"))
        let line = Array(#"{"logger":"http.log.access","ts":1795155914.5,"request":{"client_ip":"203.0.113.7","method":"GET","uri":"/a\u00e9\"\x22","headers":{"A":["b"]}},"user_id":"b\\ob","status":401}"#.utf8)
        var events = 0
        func read(_ bytes: [UInt8]) {
            let outcome = (bytes + [0x0A]).withUnsafeBytes { FuzzLineScan.scan($0, format: format, otherFormats: builtinPatterns.formats) }
            events += outcome.events
        }
        read(line)
        #expect(events == 1)
        for cut in 0..<line.count { read(Array(line[..<cut])) }
        for position in line.indices {
            for stray in [UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["), 0xFF] {
                var mutated = line
                mutated[position] = stray
                read(mutated)
            }
        }
        // Cut lines are no records: only the whole line and some stray bytes inside values give events.
        #expect(events > 1)
    }

    // MARK: - The formats, end to end

    @Test func aGenericJSONLogIsReadWithoutConfiguration() throws {
        let outcome = try scan("""
            {"timestamp":"2026-11-20T06:25:14.5Z","remote_addr":"203.0.113.7","remote_user":"alice","request":"GET /admin/?a=1 HTTP/1.1","status":401}
            {"timestamp":"2026-11-20T06:25:15Z","remote_addr":"203.0.113.7","remote_user":"-","request":"GET / HTTP/1.1","status":200}
            {"timestamp":"2026-11-20T06:25:16Z","client_ip":"198.51.100.2","method":"GET","path":"/private","status":"403"}

            """, name: "app-access.log")
        #expect(outcome.file.format == "json-access")
        #expect(outcome.events.count == 2)
        let first = try #require(outcome.events.first)
        #expect(first.ip == "203.0.113.7" && first.user == "alice" && first.path == "/admin/" && first.method == "GET")
        #expect(first.cause == .http401 && first.rule == "json-access/status-401")
        #expect(first.time.map(CivilTime.iso8601) == "2026-11-20T06:25:14Z")
        #expect(outcome.events.last?.ip == "198.51.100.2" && outcome.events.last?.cause == .http403)
    }

    @Test func eachJSONFormatIsDetectedByItsLines() throws {
        let caddy = try scan(#"{"level":"error","ts":1795155914.1,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"10.0.0.2","client_ip":"203.0.113.7","proto":"HTTP/1.1","method":"GET","host":"a","uri":"/x","headers":{}},"user_id":"","status":401}"#
                             + "\n")
        #expect(caddy.file.format == "caddy-json")
        #expect(caddy.events.first?.ip == "203.0.113.7" && caddy.events.first?.path == "/x")
        let traefik = try scan(#"{"ClientHost":"203.0.113.8","ClientUsername":"bob","DownstreamStatus":401,"RequestMethod":"GET","RequestPath":"/y","StartUTC":"2026-11-20T06:25:14.123456789Z"}"#
                               + "\n")
        #expect(traefik.file.format == "traefik-json")
        #expect(traefik.events.first?.user == "bob" && traefik.events.first?.time.map(CivilTime.iso8601) == "2026-11-20T06:25:14Z")
        let nginx = try scan(#"{"time_local":"20/Nov/2026:06:25:14 +0000","remote_addr":"203.0.113.9","remote_user":"","request":"GET /z HTTP/1.1","status":403}"#
                             + "\n")
        #expect(nginx.file.format == "nginx-json")
        #expect(nginx.events.first?.ip == "203.0.113.9" && nginx.events.first?.user == nil)
    }

    @Test func theJSONFormatsShareTheAccessRulesAndStateTheirOwnLiterals() throws {
        let shared = try #require(builtinPatterns.patterns.ruleSet(named: "access-log"))
        // The XML-RPC rules that read the body size as a field come before the shared ones.
        let bodySize = try #require(builtinPatterns.patterns.ruleSet(named: "body-size-field")).rules.map(\.id)
        for name in ["caddy-json", "traefik-json", "nginx-json", "json-access"] {
            let format = try #require(builtinPatterns.format(named: name))
            #expect(format.definition.decoder == "json" && format.definition.role == .access)
            // Caddy's own challenge rule (a 401 with no Authorization header) comes first.
            let own = name == "caddy-json" ? ["challenge"] : []
            #expect(format.rules.map(\.id) == own + bodySize + shared.rules.map(\.id))
            #expect(!format.matchesEveryLine && !format.findsNamedUsers)
            #expect(format.literals.contains { String(decoding: $0, as: UTF8.self).contains("401") })
        }
        #expect(builtinPatterns.format(named: "caddy-json")?.definition.server == "caddy")
        #expect(builtinPatterns.format(named: "nginx-json")?.definition.server == "nginx")
    }

    @Test func literalsOfOneLengthThatShareNoProbeAreAllFound() {
        // `"DownstreamStatus":401` and `"RequestMethod":"POST"` have one length and first byte
        // but no other byte in common: searched as one group, only the first was ever found.
        let block = Array("{\"a\":1}\n{\"RequestMethod\":\"POST\"}\n{\"DownstreamStatus\":401}\n".utf8)
        var prefilter = LiteralPrefilter(literals: [Array("\"DownstreamStatus\":401".utf8),
                                                    Array("\"RequestMethod\":\"POST\"".utf8)])
        var found: [Range<Int>] = []
        block.withUnsafeBytes { raw in
            prefilter.startBlock()
            var from = 0
            while let line = prefilter.nextCandidateLine(in: raw.baseAddress!, from: from, to: raw.count) {
                found.append(line)
                from = line.upperBound + 1
            }
        }
        #expect(found == [8..<32, 33..<57])
    }

    @Test func epochSecondsAreATime() {
        let parser = TimestampParser(localZone: TimeZone(identifier: "Europe/Berlin")!, now: 0)
        func parse(_ text: String) -> String? {
            Array(text.utf8).withUnsafeBytes { parser.parse($0) }.map(CivilTime.iso8601)
        }
        #expect(parse("1795155914.1234567") == "2026-11-20T06:25:14Z")
        #expect(parse("1795155914") == "2026-11-20T06:25:14Z")
        #expect(parse("17951559") == nil)
        #expect(parse("1795155914x") == nil)
        #expect(parse("179515591412345") == nil)
    }
}
