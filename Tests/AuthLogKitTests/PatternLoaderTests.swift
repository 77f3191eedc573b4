import Testing
@testable import AuthLogKit

@Suite struct PatternLoaderTests {
    /// A minimal user file on top of the built-in ones.
    func load(_ text: String, name: String = "user.conf") throws(PatternError) -> PatternSet {
        try PatternLoader.load(PatternLoader.builtinFiles + [PatternLoader.File(name: name, text: text)])
    }

    func error(_ text: String) -> PatternError? {
        do {
            _ = try load(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func compileErrorNamesFileLineAndOffset() throws {
        let failure = try #require(error("""
            [format]
            name = nginx-error

            [rule broken]
            cause = unknown-user
            regex = user "(?<user>[^"]*" was not found
            """))
        #expect(failure.file == "user.conf")
        #expect(failure.line == 6)
        #expect(failure.message.contains("rule 'broken' regex does not compile"))
        #expect(failure.message.contains("missing closing parenthesis"))
        // The offset is in the text as written (0-based), the column 1-based on its line.
        #expect(failure.message.contains("at offset 34 of the regex (column 43)"), "\(failure.message)")
    }

    @Test func errorInsideAFragmentPointsAtTheFragment() throws {
        let failure = try #require(error("""
            [fragments]
            BROKEN_USER = (?<user>[a-z+

            [format]
            name = nginx-error

            [rule uses-it]
            cause = unknown-user
            regex = <BROKEN_USER> x
            """))
        #expect(failure.line == 2)
        #expect(failure.message.contains("fragment <BROKEN_USER> does not compile"))
    }

    @Test func unknownFragmentAndCauseAreRejected() throws {
        let unknownFragment = try #require(error("""
            [format]
            name = nginx-error
            [rule r]
            cause = unknown-user
            regex = <NO_SUCH_THING>
            """))
        #expect(unknownFragment.message.contains("unknown fragment <NO_SUCH_THING>"))
        #expect(unknownFragment.line == 5)

        let unknownCause = try #require(error("""
            [format]
            name = nginx-error
            [rule r]
            cause = bad-vibes
            regex = x
            """))
        #expect(unknownCause.message.contains("unknown cause 'bad-vibes'"))
        #expect(unknownCause.line == 4)
    }

    @Test func fragmentLoopsAndDuplicatesAreRejected() throws {
        let loop = try #require(error("""
            [fragments]
            LOOP_A = a<LOOP_B>
            LOOP_B = b<LOOP_A>
            """))
        #expect(loop.message.contains("loop"))
        let duplicate = try #require(error("""
            [fragments]
            HOST = x
            """))
        #expect(duplicate.message.contains("fragment <HOST> is already defined at patterns/common.conf"))
    }

    @Test func aFormatSectionWithOnlyANameAddsRules() throws {
        let set = try load("""
            [format]
            name = nginx-error

            [rule custom-auth-module]
            cause = invalid-token
            status = 401
            literal = bad token
            regex = bad token for (?<user>\\S+)<NGINX_CONTEXT>
            """)
        let format = try #require(set.format(named: "nginx-error"))
        #expect(format.rules.last?.id == "custom-auth-module")
        #expect(format.rules.last?.status == 401)
        #expect(format.rules.last?.literals == [Array("bad token".utf8)])
        #expect(format.rules.count > 1)
    }

    @Test func redefiningAFormatIsAnError() throws {
        let failure = try #require(error("""
            [format]
            name = nginx-error
            detect = x
            head = x
            [rule r]
            cause = unknown-user
            regex = y
            """))
        #expect(failure.message.contains("already defined"))
    }

    @Test func reservedMarksAndUnknownKeysAreRejected() throws {
        #expect(error("""
            [format]
            name = nginx-error
            [rule r]
            cause = unknown-user
            regex = (*MARK:9)x
            """)?.message.contains("(*MARK) is reserved") == true)
        #expect(error("""
            [format]
            name = nginx-error
            [rule r]
            cause = unknown-user
            regexp = x
            """)?.message.contains("unknown key 'regexp'") == true)
    }

    @Test func continuationLinesAndEscapedTrailingSpace() throws {
        let sections = try PatternFileParser.parse("""
            [rule a]
            regex = one
                two\\ 
            literal = "\\" 401 "
            head = ends with a space\\ 
            """)
        let entries = sections[0].entries
        #expect(entries[0].value == "onetwo\\ ")
        #expect(entries[0].isMultiLine)
        #expect(entries[1].value == "\"\\\" 401 \"")
        #expect(entries[2].value == "ends with a space\\ ")
    }

    @Test func syntaxErrorsNameTheLine() {
        #expect(throws: PatternFileParser.SyntaxError(line: 2, message: "expected 'key = value', '[section]' or a comment")) {
            try PatternFileParser.parse("[format]\nthis is not a key value line\n")
        }
        #expect(throws: PatternFileParser.SyntaxError(line: 1, message: "'key = value' before any [section]")) {
            try PatternFileParser.parse("name = x\n")
        }
    }

    @Test func builtinRulesAllDeclareLiterals() {
        // Without a literal every line of a format goes to PCRE2; the built-in rules must
        // all let the prefilter work.
        for format in builtinPatterns.formats {
            #expect(!format.matchesEveryLine, "format \(format.name) has a rule without a literal")
        }
    }

    @Test func userDirectoryFileReplacesTheBuiltinOfTheSameName() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try #require(PatternLoader.builtinFiles.first { $0.name.hasSuffix("/wordpress.conf") })
        let replacement = original.text.replacingOccurrences(of: "[rule api-invalid-client-credentials]", with: "[rule renamed-client-rule]")
        try replacement.write(to: directory.appendingPathComponent("wordpress.conf"), atomically: true, encoding: .utf8)
        let set = try PatternLoader.load(userDirectories: [directory.path])
        let ids = try #require(set.format(named: "wordpress")).rules.map(\.id)
        #expect(ids.contains("renamed-client-rule"))
        #expect(!ids.contains("api-invalid-client-credentials"))
    }
}

import Foundation
