import Foundation
import Testing
import PCRE2
@testable import AuthLogKit

/// Rules that test decoded fields, rule sets shared by formats, and decoders other than the
/// head regex plugging into the same rules.
@Suite struct RecordDecoderTests {
    static func classify(_ line: String, with patterns: CompiledPatterns, format: String) throws -> LineClassifier.Outcome {
        let compiled = try #require(patterns.format(named: format))
        let classifier = LineClassifier(format: compiled, limits: .default, timeZone: TimeZone(identifier: "UTC")!, now: 0)
        return Array(line.utf8).withUnsafeBytes { classifier.classify($0, file: "test.log", lineNumber: 1) }
    }

    static func event(_ line: String, with patterns: CompiledPatterns, format: String = "nginx-access") throws -> AuthEvent? {
        if case .event(let event) = try classify(line, with: patterns, format: format) { return event }
        return nil
    }

    /// The built-in files and one user directory holding `files` (name → text).
    static func loadWithUserDirectory(_ files: [String: String]) throws -> PatternSet {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, text) in files {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return try PatternLoader.load(userDirectories: [directory.path])
    }

    static func accessLine(status: Int, user: String = "-", request: String = "GET /api/items HTTP/1.1",
                           agent: String = "curl/8.5.0") -> String {
        #"203.0.113.7 - \#(user) [20/Nov/2026:06:25:14 +0000] "\#(request)" \#(status) 179 "-" "\#(agent)""#
    }

    @Test func aUserDirectoryAddsAFieldTestRuleToAnAccessFormat() throws {
        let set = try Self.loadWithUserDirectory(["rate-limit.conf": """
            [format]
            name = nginx-access

            # nginx's limit_req answers 429; a client hitting it is refused by a rule.
            [rule rate-limited]
            cause = denied-by-rule
            literal = "\\" 429 "
            field.status = 429
            """])
        let patterns = try CompiledPatterns(set)
        let format = try #require(set.format(named: "nginx-access"))
        // The shared rules come first, under the format's own name, then the user's.
        #expect(format.rules.map(\.id) == ["wordpress-xmlrpc-fault", "wordpress-xmlrpc-multicall-faults", "status-401", "status-403", "wordpress-login-failed",
                                           "wordpress-login-post", "wordpress-api-400", "served-named-user", "rate-limited"])
        let limited = try #require(try Self.event(Self.accessLine(status: 429), with: patterns))
        #expect(limited.rule == "nginx-access/rate-limited")
        #expect(limited.cause == .deniedByRule && limited.status == 429 && limited.ip == "203.0.113.7")
        #expect(limited.path == "/api/items" && limited.method == "GET")
        #expect(try Self.event(Self.accessLine(status: 401), with: patterns)?.rule == "nginx-access/status-401")
        guard case .noMatch = try Self.classify(Self.accessLine(status: 200), with: patterns, format: "nginx-access") else {
            Issue.record("a 200 without a user matches no rule")
            return
        }
        // Apache's format did not get the rule: the user added it to nginx's only.
        #expect(try Self.event(Self.accessLine(status: 429), with: patterns, format: "apache-access") == nil)
    }

    @Test func aRuleWithFieldTestsAndAMessagePatternNeedsBoth() throws {
        let set = try PatternLoader.load(PatternLoader.builtinFiles + [PatternLoader.File(name: "scanners.conf", text: """
            [format]
            name = apache-access

            # A scanner's probe for a path that does not exist, told by its user agent (the message
            # of an access line is what follows the status: size, referer, agent).
            [rule sqlmap-probe]
            cause = denied-by-rule
            literal = sqlmap
            field.status = 404
            field.method = GET|HEAD
            regex = \\S+ "<QUOTED_BODY>" "sqlmap/

            # Any sqlmap request refused otherwise: reached when the rule above fails its tests
            # although its pattern matched, so the line is matched again from here.
            [rule sqlmap-refused]
            cause = not-authorized
            literal = sqlmap
            field.status = 4*
            regex = \\S+ "<QUOTED_BODY>" "sqlmap/
            """)])
        let patterns = try CompiledPatterns(set)
        let probe = try Self.event(Self.accessLine(status: 404, agent: "sqlmap/1.8"), with: patterns, format: "apache-access")
        #expect(probe?.rule == "apache-access/sqlmap-probe")
        #expect(probe?.status == 404)
        // The pattern matches but a test fails: the next rule whose pattern matches decides.
        let post = try Self.event(Self.accessLine(status: 404, request: "POST /x HTTP/1.1", agent: "sqlmap/1.8"),
                                  with: patterns, format: "apache-access")
        #expect(post?.rule == "apache-access/sqlmap-refused")
        #expect(try Self.event(Self.accessLine(status: 405, agent: "sqlmap/1.8"), with: patterns,
                               format: "apache-access")?.rule == "apache-access/sqlmap-refused")
        // The tests hold but the message is another's: no event.
        #expect(try Self.event(Self.accessLine(status: 404, agent: "curl/8.5.0"), with: patterns, format: "apache-access") == nil)
        // A served sqlmap request is none of them.
        #expect(try Self.event(Self.accessLine(status: 200, agent: "sqlmap/1.8"), with: patterns, format: "apache-access") == nil)
    }

    @Test func aMalformedFieldTestNamesItsFileAndLine() throws {
        func error(_ text: String) -> PatternError? {
            do {
                _ = try CompiledPatterns(try PatternLoader.load(PatternLoader.builtinFiles
                    + [PatternLoader.File(name: "/etc/authlog/mine.conf", text: text)]))
                return nil
            } catch {
                return error
            }
        }
        let empty = try #require(error("""
            [format]
            name = nginx-access

            [rule teapot]
            cause = denied-by-rule
            field.status = 418||419
            """))
        #expect(empty.file == "/etc/authlog/mine.conf" && empty.line == 6)
        #expect(empty.message.contains("'field.status = 418||419' has an empty value"), "\(empty.message)")

        let unknown = try #require(error("""
            [format]
            name = nginx-access
            [rule by-referer]
            cause = denied-by-rule
            field.referer = -
            """))
        #expect(unknown.line == 5 && unknown.message.contains("'field.referer' tests no field"), "\(unknown.message)")

        let badRegex = try #require(error("""
            [format]
            name = nginx-access
            [rule odd]
            cause = denied-by-rule
            field.status = 400
            regex.request = (GET
            """))
        #expect(badRegex.line == 6 && badRegex.message.contains("rule 'odd' regex.request does not compile"), "\(badRegex.message)")

        // nginx's error head reads no status: a test of it could never hold.
        let undecoded = try #require(error("""
            [format]
            name = nginx-error
            [rule never]
            cause = denied-by-rule
            literal = never
            field.status = 403
            """))
        #expect(undecoded.file == "/etc/authlog/mine.conf" && undecoded.line == 6)
        #expect(undecoded.message.contains("tests field 'status', which format 'nginx-error' does not decode"),
                "\(undecoded.message)")

        let missingSet = try #require(error("""
            [format]
            name = caddy-access
            detect = x
            head = x
            rules = acces-log
            """))
        #expect(missingSet.line == 5 && missingSet.message.contains("includes rule set 'acces-log'"), "\(missingSet.message)")
    }

    @Test func theAccessFormatsShareOneRuleSet() throws {
        let shared = try #require(builtinPatterns.patterns.ruleSet(named: "access-log"))
        for name in ["nginx-access", "apache-access"] {
            let format = try #require(builtinPatterns.patterns.format(named: name))
            // clf-body-size: the rules that read the size CLF writes right after the status.
            let bodySize = try #require(builtinPatterns.patterns.ruleSet(named: "clf-body-size"))
            #expect(format.ruleSets == ["clf-body-size", "access-log"])
            #expect(format.rules.map(\.id) == bodySize.rules.map(\.id) + shared.rules.map(\.id))
            #expect(format.rules.allSatisfy { $0.source.file == "patterns/access-rules.conf" })
        }
        // One PCRE2 regex per access format still: its rules are field tests on the head.
        #expect(try #require(builtinPatterns.format(named: "nginx-access")).parts.count == 1)
    }

    // MARK: - A decoder that is no regex

    /// `key=value` lines, as some appliances write them: `ip=… user=… status=… msg=…`, the
    /// message last. Small on purpose: it proves that the rules need no head regex.
    final class KeyValueDecoder: RecordDecoder {
        let decodedFields: Set<RecordField> = [.ip, .user, .status]
        func makeScratch(limits: MatchLimits) -> any RecordDecoderScratch { Scratch() }

        final class Scratch: RecordDecoderScratch {
            func decode(_ line: UnsafeRawBufferPointer, into fields: inout RecordFields) -> DecodeOutcome {
                guard line.starts(with: Array("ip=".utf8)) else { return .noRecord }
                var start = 0
                while start < line.count {
                    let rest = line[start...]
                    guard let equals = rest.firstIndex(of: UInt8(ascii: "=")) else { break }
                    let key = String(decoding: line[start..<equals], as: UTF8.self)
                    if key == "msg" {
                        fields.message = (equals + 1)..<line.count
                        break
                    }
                    let end = line[(equals + 1)...].firstIndex(of: UInt8(ascii: " ")) ?? line.count
                    switch key {
                    case "ip": fields.ip = (equals + 1)..<end
                    case "user": fields.user = (equals + 1)..<end
                    case "status": fields.status = (equals + 1)..<end
                    default: break
                    }
                    start = end + 1
                }
                return .record(bytes: line)
            }
        }
    }

    @Test func aDecoderThatIsNoRegexFeedsTheSameRules() throws {
        let set = try PatternLoader.load(PatternLoader.builtinFiles + [PatternLoader.File(name: "appliance.conf", text: """
            [format]
            name = appliance
            description = key=value lines of an appliance
            decoder = key-value
            detect = ip=

            [rule refused]
            cause = http-401
            literal = status=401
            field.status = 401

            [rule bad-token]
            cause = invalid-token
            literal = bad token
            field.status = 403
            regex = bad token for (?<path>/\\S*)
            """)])
        // Without the decoder registered, the format cannot be compiled: said, not ignored.
        #expect(throws: PatternError.self) { _ = try CompiledPatterns(set) }

        let patterns = try CompiledPatterns(set, decoders: RecordDecoders.builtin.adding("key-value") { _ in KeyValueDecoder() })
        let refused = try #require(try Self.event("ip=203.0.113.9 user=bob status=401 msg=login refused",
                                                  with: patterns, format: "appliance"))
        #expect(refused.rule == "appliance/refused")
        #expect(refused.ip == "203.0.113.9" && refused.user == "bob" && refused.status == 401)
        // The message pattern runs on the decoded message, its groups add fields.
        let token = try #require(try Self.event("ip=203.0.113.9 user=carol status=403 msg=bad token for /api/v1",
                                                with: patterns, format: "appliance"))
        #expect(token.rule == "appliance/bad-token")
        #expect(token.cause == .invalidToken && token.path == "/api/v1" && token.user == "carol")
        #expect(try Self.event("ip=203.0.113.9 status=200 msg=bad token for /api", with: patterns, format: "appliance") == nil)
        #expect(try Self.event("not a record", with: patterns, format: "appliance") == nil)
        #expect(try Self.event("ip=203.0.113.9 status=403 msg=fine", with: patterns, format: "appliance") == nil)
    }

    // MARK: - The success read's rule is pattern data

    static let newFailureScene = repositoryRoot.appendingPathComponent("samples/findings/new-failure").path

    static func scanScene(with patterns: CompiledPatterns, diagnostics: RecordingDiagnostics) -> [Finding] {
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        options.now = SampleVerifier.sampleNow
        let report = ScanSession(patterns: patterns, options: options, diagnostics: diagnostics).run(arguments: [newFailureScene])
        return report.requests?.findings ?? []
    }

    @Test func missingServedRuleIsReportedNotSilentlyDisablingNewFailure() throws {
        let builtin = RecordingDiagnostics()
        #expect(Self.scanScene(with: builtinPatterns, diagnostics: builtin).contains { $0.kind == .newFailure })
        #expect(!builtin.warnings.contains { $0.contains("new-failure") }, "\(builtin.warnings)")

        // A user's access-rules.conf (it replaces the built-in one) that lacks the rule set.
        let original = try String(contentsOf: repositoryRoot.appendingPathComponent("patterns/access-rules.conf"), encoding: .utf8)
        let servedSet = try #require(original.range(of: "[rules served-request]"))
        // Only that set goes: the sets after it (clf-body-size) stay.
        let nextSet = try #require(original.range(of: "\n[rules ", range: servedSet.upperBound..<original.endIndex))
        let withoutServed = String(original[..<servedSet.lowerBound]) + String(original[nextSet.lowerBound...])
        let patterns = try CompiledPatterns(try Self.loadWithUserDirectory(["access-rules.conf": withoutServed]))
        let diagnostics = RecordingDiagnostics()
        let findings = Self.scanScene(with: patterns, diagnostics: diagnostics)
        #expect(!findings.contains { $0.kind == .newFailure })
        #expect(diagnostics.warnings.contains {
            $0.contains("new-failure findings are not judged") && $0.contains("[rules served-request]")
                && $0.contains("access-rules.conf")
        }, "\(diagnostics.warnings)")
    }
}
