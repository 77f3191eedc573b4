import CByteSearch
import Testing
@testable import AuthLogKit

/// The one-pass literal search (Teddy, AVX2) must find exactly what a plain search finds:
/// the prefilter may never drop a line that holds a literal. On a CPU without AVX2 the search
/// is not made and these tests check nothing but that.
@Suite struct MultiLiteralSearchTests {
    static let accessLiterals = ["\" 401 ", "\" 403 ", "\" 400 ", "\"POST /wp-login", "\"POST /xmlrpc.p"].map { Array($0.utf8) }

    /// The first offset where a literal lies whole in `haystack`, by comparing at every offset.
    static func reference(_ literals: [[UInt8]], _ haystack: [UInt8]) -> Int {
        for start in haystack.indices {
            for literal in literals where start + literal.count <= haystack.count
                && Array(haystack[start..<start + literal.count]) == literal { return start }
        }
        return haystack.count
    }

    static func search(_ literals: [[UInt8]], _ haystack: [UInt8]) -> Int? {
        guard let search = MultiLiteralSearch.make(literals: literals) else { return nil }
        // An exactly sized copy, so that a read past the end is a read past the allocation.
        let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: max(haystack.count, 1))
        defer { copy.deallocate() }
        copy.initialize(from: haystack, count: haystack.count)
        return search.firstOccurrence(in: copy, count: haystack.count)
    }

    @Test func findsALiteralAtEveryOffsetOfAVectorAndBeyond() {
        let line = Array("203.0.113.9 - - [10/Oct/2026:13:55:36 +0000] \"GET /wp-admin/ HTTP/1.1\" 200 512 \"-\" \"curl/8\"\n".utf8)
        for literal in Self.accessLiterals {
            for offset in 0..<64 {
                for tail in [0, 1, 2, 31, 32, 33] {
                    let haystack = Array(line.prefix(offset)) + literal + Array(line.prefix(tail))
                    guard let found = Self.search(Self.accessLiterals, haystack) else { return }
                    #expect(found == offset, "literal \(String(decoding: literal, as: UTF8.self)) at \(offset), \(tail) after")
                }
            }
        }
    }

    @Test func findsALiteralEndingAtTheLastByteOfTheHaystack() {
        for length in 6..<100 {
            let haystack = [UInt8](repeating: UInt8(ascii: "x"), count: length - 6) + Array("\" 403 ".utf8)
            guard let found = Self.search(Self.accessLiterals, haystack) else { return }
            #expect(found == length - 6)
            // One byte short of the literal: not there.
            #expect(Self.search(Self.accessLiterals, Array(haystack.dropLast())) == length - 1)
        }
    }

    @Test func anEmptyOrShorterHaystackHasNoOccurrence() {
        #expect(Self.search(Self.accessLiterals, []) ?? 0 == 0)
        #expect(Self.search(Self.accessLiterals, Array("\" 40".utf8)) ?? 4 == 4)
    }

    @Test func overlappingAndPrefixLiteralsGiveTheEarliestStart() {
        let literals = ["abcab", "bcabx", "cab", "abcabcabd"].map { Array($0.utf8) }
        for text in ["xxabcabcabd", "abcabx", "zzzbcabx", "cab", "ab", "abcabcabcab"] {
            let haystack = Array(text.utf8)
            guard let found = Self.search(literals, haystack) else { return }
            #expect(found == Self.reference(literals, haystack), "\(text)")
        }
    }

    @Test func bytesFromOx80AreComparedAsTheyAre() {
        // Nibble tables must not take 0xC3 for 0x43 (the high nibble is looked up unsigned).
        let literals = [[0xC3, 0xA9, 0x21], [0xFF, 0xFE], [0x80]].map { $0.map(UInt8.init) }
        var haystack = [UInt8](repeating: 0x43, count: 70) + [0x7F, 0x00, 0x83, 0x29, 0x21]
        guard let none = Self.search(literals, haystack) else { return }
        #expect(none == haystack.count)
        haystack += [0xC3, 0xA9, 0x21]
        #expect(Self.search(literals, haystack) == 75)
        #expect(Self.search(literals, [0x41, 0x80]) == 1)
    }

    @Test func manyLiteralsAndShortOnesMatchTheReference() {
        // More prefixes than the 8 buckets, and literals of 1 and 2 bytes (a shorter fingerprint).
        var literals = (0..<40).map { Array("rule-literal-\($0)!".utf8) } + [Array("Q".utf8), Array("zz".utf8)]
        var generator = BoundedMemoryTests.SplitMix(seed: 14)
        let alphabet = Array("rule-literal-0123456789! Qz\n".utf8) + [0x00, 0x9F, 0xFF]
        for round in 0..<400 {
            if round == 200 { literals = Array(literals.prefix(40)) }
            let haystack = (0..<generator.next() % 300).map { _ in alphabet[Int(generator.next() % alphabet.count)] }
            guard let found = Self.search(literals, haystack) else { return }
            #expect(found == Self.reference(literals, haystack))
        }
    }

    /// The prefilter finds the same candidate lines with one pass as with its groups.
    @Test func thePrefilterPassesTheSameLinesWithOnePassAsWithGroups() throws {
        let text = (0..<3000).map { index -> String in
            let status = [200, 401, 403, 404, 400, 304][index % 6]
            let path = index % 7 == 0 ? "/wp-login.php" : index % 11 == 0 ? "/xmlrpc.php" : "/page/\(index)"
            let method = index % 3 == 0 ? "POST" : "GET"
            return "198.51.100.\(index % 250) - - [10/Oct/2026:13:55:36 +0000] \"\(method) \(path) HTTP/1.1\" \(status) \(index) \"-\" \"ua é\"\n"
        }.joined()
        let bytes = Array(text.utf8)
        func lines(allAtOnce: Bool) -> [Range<Int>] {
            var prefilter = LiteralPrefilter(literals: Self.accessLiterals, searchAllAtOnce: allAtOnce)
            var found: [Range<Int>] = []
            bytes.withUnsafeBytes { raw in
                prefilter.startBlock()
                var from = 0
                while let line = prefilter.nextCandidateLine(in: raw.baseAddress!, from: from, to: raw.count) {
                    found.append(line)
                    from = line.upperBound + 1
                }
            }
            return found
        }
        let grouped = lines(allAtOnce: false)
        #expect(grouped.count > 1000)
        #expect(lines(allAtOnce: true) == grouped)
    }
}
