import Foundation
import Testing
@testable import AuthLogKit

/// Issue 10 ("Trust under attack"), the pattern side: forged contexts, lines cut short,
/// messages and layouts today's patterns missed, escaped user names.
@Suite struct TrustPatternTests {
    // Trust item 1
    @Test func forgedContextInsideANginxUserNameIsNotBelieved() throws {
        let line = #"2014/04/03 22:20:40 [error] 30708#0: *3 user "test": password mismatch, client: 127.0.0.1, server: test, request: "GET / HTTP/1.1", host: "localhost:8443"": was not found in "/etc/nginx/.htpasswd", client: 192.0.2.2, server: , request: "GET / HTTP/1.1", host: "localhost:8443""# + "\n"
        let event = try #require(try scan(line).events.first)
        #expect(event.cause == .unknownUser)
        #expect(event.ip == "192.0.2.2")
    }

    // Trust item 1
    @Test func forgedContextInANginxReferrerLeavesTheClientUnbelieved() throws {
        // The same bytes could be bob's request from 203.0.113.5 or a user name holding a
        // copy of the context sent from 6.6.6.6: the event stays, no address is blamed.
        let line = #"2026/11/20 06:30:03 [error] 7#7: *1 user "bob": password mismatch, client: 203.0.113.5, server: s, request: "GET / HTTP/1.1", host: "s", referrer: "x": password mismatch, client: 6.6.6.6, server: s, request: "GET / HTTP/1.1", host: "s""# + "\n"
        let event = try #require(try scan(line).events.first)
        #expect(event.cause == .passwordMismatch)
        #expect(event.ip == nil)
    }

    // Trust item 17
    @Test func nginxLineCutAt2047BytesIsKeptWithItsClient() throws {
        let full = "2026/11/20 06:27:00 [info] 7#7: *1 no user/password was provided for basic authentication, client: 203.0.113.8, server: s, request: \"GET /admin/" + String(repeating: "A", count: 3000)
        let event = try #require(try scan(String(full.prefix(2047)) + "\n").events.first)
        #expect(event.cause == .missingCredentials)
        #expect(event.ip == "203.0.113.8")
        #expect(event.path == nil)
    }

    // Trust item 17
    @Test func cutNginxLineAfterAUserNameDoesNotBelieveItsClient() throws {
        // Cut inside what may be a user name holding "…, client: 6.6.6.6, server: s, request: \"GET /AAA".
        let full = "2026/11/20 06:27:00 [error] 7#7: *1 user \"x\": password mismatch, client: 6.6.6.6, server: s, request: \"GET /" + String(repeating: "A", count: 3000)
        let event = try #require(try scan(String(full.prefix(2047)) + "\n").events.first)
        #expect(event.cause == .passwordMismatch)
        #expect(event.ip == nil)
    }

    // Trust item 14
    @Test func apacheMessagesTodaysPatternsMissedAreFound() throws {
        let lines = """
        [Sun Jul 28 21:05:31.178340 2013] [auth_digest:error] [pid 24224:tid 139895539455744] [client 127.0.0.1:56906] AH01793: invalid qop `auth' received: /digest/qop_none/
        [Sat Jun 01 02:17:42 2013] [error] [client 192.168.0.2] user root not found
        [Fri Nov 20 06:34:00 2026] [error] [client 198.51.100.33] Digest: user mike: password mismatch:
        Feb 15 16:54:53 tools apache2[18154]: [:error] [pid 18154:tid 140680873617152] [client 192.0.2.3:48154] AH01630: client denied by server configuration: /var/www

        """
        let events = try scan(lines).events
        #expect(events.map(\.line) == [1, 2, 3, 4])
        #expect(events.map(\.cause) == [.wrongScheme, .unknownUser, .passwordMismatch, .deniedByRule])
        #expect(events.map(\.ip) == ["127.0.0.1", "192.168.0.2", "198.51.100.33", "192.0.2.3"])
    }

    // Trust item 14
    @Test func accessLogWithAHostPrefixWithoutPortIsRead() throws {
        let line = "example.com 1.2.3.4 - - [01/Dec/2026:20:54:00 +0000] \"GET /private/ HTTP/1.1\" 401 459 \"-\" \"curl/8.5.0\"\n"
        let event = try #require(try scan(line, name: "access.log").events.first)
        #expect(event.ip == "1.2.3.4")
        #expect(event.path == "/private/")
    }

    // Trust item 14
    @Test func linesInAnotherFormatThanTheFilesAreRead() throws {
        // An Apache error log that moved to "ErrorLog syslog" halfway.
        let lines = """
        [Wed Jul 17 22:32:48 2013] [error] [client 127.0.0.1] user wrongusername not found: /basic/file
        [Wed Jul 17 22:32:49 2013] [error] [client 127.0.0.2] user other not found: /basic/file
        Feb 16 22:32:48 srv httpd[22034]: [error] [client 127.0.0.3] user wrongusername not found: /basic/file

        """
        let outcome = try scan(lines)
        #expect(outcome.file.format == "apache-error")
        #expect(outcome.events.map(\.ip) == ["127.0.0.1", "127.0.0.2", "127.0.0.3"])
    }

    // Trust item 14
    @Test func accessAndErrorLinesInOneStreamAreReadLikeDockerLogsWritesThem() throws {
        // `docker logs web` of the nginx image: access lines on stdout, error lines on
        // stderr, one stream. Here the error lines lead, so the file reads as an error log,
        // and its access lines hold none of the error format's literals: the mix seen in the
        // first lines sends every line to the classifier.
        var lines = ""
        for second in 10..<40 {
            lines += "2026/11/20 06:25:\(second) [error] 29#29: *\(second) open() \"/usr/share/nginx/html/p\(second)\" failed (2: No such file or directory), client: 203.0.113.\(second), server: localhost, request: \"GET /p\(second) HTTP/1.1\", host: \"localhost\"\n"
        }
        lines += "203.0.113.10 - - [20/Nov/2026:06:25:10 +0000] \"GET /p10 HTTP/1.1\" 404 153 \"-\" \"curl/8.5.0\"\n"
        lines += "2026/11/20 06:25:40 [error] 29#29: *41 user \"admin\" was not found in \"/etc/nginx/.htpasswd\", client: 198.51.100.7, server: localhost, request: \"GET /admin/ HTTP/1.1\", host: \"localhost\"\n"
        lines += "198.51.100.7 - admin [20/Nov/2026:06:25:40 +0000] \"GET /admin/ HTTP/1.1\" 401 179 \"-\" \"curl/8.5.0\"\n"
        lines += "198.51.100.8 - - [20/Nov/2026:06:25:41 +0000] \"GET /.env HTTP/1.1\" 403 153 \"-\" \"curl/8.5.0\"\n"
        for name in ["web.log", "error.log"] {
            let outcome = try scan(lines, name: name)
            #expect(outcome.file.format == "nginx-error")
            #expect(outcome.events.map(\.cause) == [.unknownUser, .http401, .http403], "\(name)")
            #expect(outcome.events.map(\.ip) == ["198.51.100.7", "198.51.100.7", "198.51.100.8"])
        }
        // One file of one format pays nothing for this: its prefilter keeps its own literals.
        let plain = try scan(String(lines.split(separator: "\n").prefix(30).joined(separator: "\n")) + "\n", name: "error.log")
        #expect(plain.events.isEmpty && plain.file.format == "nginx-error")
    }

    // Trust item 20
    @Test func escapedQuoteInAnApacheAccessUserFieldIsRead() throws {
        let line = #"127.0.0.1 - \", client: 6.6.6.6:1 [01/Dec/2026:20:54:04 +0000] "GET /digest/ HTTP/1.1" 401 381 "-" "curl/8.5.0""# + "\n"
        let event = try #require(try scan(line, name: "access.log").events.first)
        #expect(event.ip == "127.0.0.1")
        #expect(event.user == "\", client: 6.6.6.6:1")
        #expect(event.path == "/digest/")
    }

    // Trust item 20
    @Test func malformedDigestHeaderAndDebugSourceLocationAreFound() throws {
        let lines = """
        [Fri Nov 20 06:34:01.000001 2026] [auth_digest:error] [pid 2329:tid 1] [client 203.0.113.34:41020] AH01782: missing user, realm, nonce, uri, digest, cnonce, or nonce_count in authorization header: /digest/
        [Fri Nov 20 06:33:01.100000 2026] [authz_user:debug] [pid 2331:tid 1] mod_authz_user.c(77): [client 203.0.113.51:43001] AH01663: access to /private/ failed, reason: user 'frank' does not meet 'require'ments for user to be allowed access

        """
        let events = try scan(lines).events
        #expect(events.map(\.cause) == [.wrongScheme, .notAuthorized])
        #expect(events.map(\.ip) == ["203.0.113.34", "203.0.113.51"])
    }

    // Trust item 21
    @Test func userNameWithAnEscByteIsOneUserInEveryLog() throws {
        let nginxError = try scan(Array("2026/11/20 06:30:07 [error] 7#7: *1 user \"".utf8) + [0x1B]
            + Array("[31mroot\" was not found in \"/etc/nginx/.htpasswd\", client: 203.0.113.47, server: s, request: \"GET / HTTP/1.1\", host: \"s\"\n".utf8))
        let nginxAccess = try scan(#"203.0.113.81 - \x1B[31mroot [20/Nov/2026:06:32:01 +0000] "GET /admin/ HTTP/1.1" 401 179 "-" "curl/8.5.0""# + "\n", name: "access.log")
        let apache = try scan(#"[Fri Nov 20 06:34:02.000001 2026] [auth_basic:error] [pid 1:tid 2] [client 203.0.113.35:42010] AH01618: user \x1b[31mroot not found: /private/"# + "\n")
        let names = [nginxError, nginxAccess, apache].map { $0.events.first?.user }
        #expect(names == ["\u{1B}[31mroot", "\u{1B}[31mroot", "\u{1B}[31mroot"])
    }
}

/// Trust item 15, the pattern-file side.
@Suite struct TrustPatternFileTests {
    static func loadWithUserFile(_ text: String) throws(PatternError) -> CompiledPatterns {
        try CompiledPatterns(try PatternLoader.load(PatternLoader.builtinFiles + [PatternLoader.File(name: "/etc/authlog/mine.conf", text: text)]))
    }

    // Trust item 15
    @Test func userRuleCannotMoveTheClientOffTheHead() {
        let text = """
        [format]
        name = nginx-access

        [rule forged-client]
        cause = http-401
        literal = "x-real-ip="
        regex = (?<request>[^"]*)" 401 .*x-real-ip=(?<ip><IPV4>)

        """
        #expect {
            _ = try Self.loadWithUserFile(text)
        } throws: { error in
            let error = error as? PatternError
            return error?.file == "/etc/authlog/mine.conf" && error?.message.contains("captures 'ip'") == true
        }
    }

    // Trust item 15
    @Test func hugePatternFileIsRefusedWithAClearError() {
        let text = "[fragments]\n" + String(repeating: "# padding\n", count: 200_000)
        #expect {
            _ = try Self.loadWithUserFile(text)
        } throws: { error in
            let error = error as? PatternError
            return error?.file == "/etc/authlog/mine.conf" && error?.message.contains("the limit is") == true
        }
    }

    // Trust item 15
    @Test func twoHundredUserRulesWithTheNginxContextLoadAndTheFirstMatchingRuleWins() throws {
        // Each rule inlines the nginx context (it captures): 200 of them outgrow PCRE2's
        // 64 KiB pattern limit in one alternation, which used to fail naming the built-in file.
        var text = "[format]\nname = nginx-error\n"
        for index in 0..<200 {
            text += "\n[rule custom-\(index)]\ncause = denied-by-rule\nliteral = custom message \(index)\n"
            text += "regex = custom message \(index)\\b<NGINX_FIXED_CONTEXT>\n"
        }
        // A catch-all last: a line rule 150 matches must still be rule 150's, not this one's.
        text += "\n[rule custom-any]\ncause = unknown-user\nliteral = custom message\nregex = custom message .*<NGINX_FIXED_CONTEXT>\n"
        let patterns = try Self.loadWithUserFile(text)
        let format = try #require(patterns.format(named: "nginx-error"))
        #expect(format.parts.count > 1, "the rules no longer fit one regex: the test must exercise the split")
        let classifier = LineClassifier(format: format, limits: .default, timeZone: TimeZone(identifier: "UTC")!, now: 0)
        func classify(_ message: String) -> AuthEvent? {
            let line = Array("2026/11/20 06:25:14 [error] 7#7: *1 \(message), client: 203.0.113.9, server: s, request: \"GET /x HTTP/1.1\", host: \"s\"".utf8)
            return line.withUnsafeBytes { bytes in
                if case .event(let event) = classifier.classify(bytes, file: "error.log", lineNumber: 1) { return event }
                return nil
            }
        }
        #expect(classify("custom message 150")?.rule == "nginx-error/custom-150")
        #expect(classify("custom message 199")?.rule == "nginx-error/custom-199")
        #expect(classify("custom message 3")?.rule == "nginx-error/custom-3")
        #expect(classify("custom message other")?.rule == "nginx-error/custom-any")
        #expect(classify("custom message 150")?.ip == "203.0.113.9")
        // The built-in rules still come first.
        #expect(classify("access forbidden by rule")?.cause == .deniedByRule)
    }
}
