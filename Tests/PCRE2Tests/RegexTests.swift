import PCRE2
import Testing

@Suite struct RegexTests {
    @Test func compileErrorNamesTheOffset() {
        #expect {
            _ = try Regex("user (?<name>[a-z]+")
        } throws: { error in
            guard let error = error as? PCRE2Error else { return false }
            return error.offset == 19 && error.message.contains("missing closing parenthesis")
        }
    }

    @Test func namedGroupsWithDuplicateNamesListEveryNumber() throws {
        let regex = try Regex("(?:a(?<x>1)|b(?<x>2))(?<y>z)?", options: [.duplicateNames])
        #expect(regex.groupNumbers(named: "x") == [1, 2])
        #expect(regex.groupNumbers(named: "y") == [3])
        #expect(regex.groupNumbers(named: "missing") == [])
        #expect(regex.captureCount == 3)
    }

    @Test func matchReportsGroupRangesAndTheMark() throws {
        let regex = try Regex("(?:(*MARK:0)a(?<x>1)|(*MARK:17)b(?<x>2))", options: [.duplicateNames, .anchored])
        let matcher = Matcher(regex)
        let subject = Array("b2tail".utf8)
        let outcome = subject.withUnsafeBytes { matcher.match($0) }
        #expect(outcome == .match)
        #expect(matcher.markNumber() == 17)
        #expect(matcher.range(ofGroup: 1) == nil)
        #expect(matcher.range(ofGroup: 2) == 1..<2)
        #expect(matcher.range(ofFirstSetGroupIn: regex.groupNumbers(named: "x")) == 1..<2)
    }

    @Test func anchoredRegexDoesNotSearch() throws {
        let matcher = Matcher(try Regex("b", options: [.anchored]))
        #expect(Array("ab".utf8).withUnsafeBytes { matcher.match($0) } == .noMatch)
    }

    @Test func emptyAndBinarySubjectsAreFine() throws {
        let matcher = Matcher(try Regex("^x?$"))
        #expect(matcher.match(UnsafeRawBufferPointer(start: nil, count: 0)) == .match)
        let binary: [UInt8] = [0xFF, 0x00, 0xC3, 0x28, 0x80]
        let anything = Matcher(try Regex("^.*\\x00.*$", options: []))
        #expect(binary.withUnsafeBytes { anything.match($0) } == .match)
    }

    @Test func catastrophicBacktrackingStopsAtTheMatchLimit() throws {
        // (a+)+$ on "aaaa…b" is the textbook ReDoS: exponential without a limit.
        let regex = try Regex("^(a+)+$")
        let matcher = Matcher(regex, limits: MatchLimits(matchLimit: 10_000))
        let subject = Array(String(repeating: "a", count: 40).utf8) + [UInt8(ascii: "b")]
        #expect(subject.withUnsafeBytes { matcher.match($0) } == .limitExceeded)
    }

    @Test func matcherIsReusedAcrossSubjects() throws {
        let matcher = Matcher(try Regex("(?<n>\\d+)"))
        for value in ["x 12 y", "345", "a7"] {
            let bytes = Array(value.utf8)
            #expect(bytes.withUnsafeBytes { matcher.match($0) } == .match)
            let range = try #require(matcher.range(ofGroup: 1))
            #expect(String(decoding: bytes[range], as: UTF8.self) == value.filter(\.isNumber))
        }
    }

    @Test func jitIsUsedWhereAvailable() throws {
        #if arch(x86_64) || arch(arm64)
        #expect(try Regex("a+b").isJITCompiled)
        #endif
    }
}
