import Foundation
import Testing

/// Every numeric option is checked against a range before anything is read.
extension CommandLineTests {
    // Trust item 11
    @Test(arguments: [
        ["scan", "--top", "99999999999"], ["scan", "-j", "0"], ["scan", "-j", "100000"], ["scan", "--threads=-3"],
        ["scan", "--max-keys", "0"], ["scan", "--max-keys", "9999999999999"], ["scan", "--max-line", "9223372036854775807"],
        ["scan", "--chunk-size", "9223372036854775807"], ["scan", "--match-limit", "0"],
        ["scan", "--brute-force", "0"], ["scan", "--brute-force", "99999999999"], ["scan", "--pairing-window", "9223372036854775807"],
        ["scan", "--max-requests", "99999999999999"], ["summary", "--top", "99999999999"], ["summary", "-j", "0"],
        ["summary", "--typo-failures", "0"], ["scan", "--challenge-window", "3601"], ["scan", "--challenge-window=-1"],
        ["summary", "--challenge-window", "9223372036854775807"],
    ])
    func absurdNumericOptionsAreUsageErrorsNotAborts(_ options: [String]) throws {
        let result = try run(options + ["samples/nginx-error.log"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("must be between"))
        #expect(result.stdout.isEmpty)
    }

    // Trust item 11
    @Test func attachedThreadCountIsReadAsMakeAndRgReadIt() throws {
        let result = try run(["scan", "-q", "-j1", "-o", "json", "samples/nginx-error.log"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"total\""))
    }

    // Trust item 11
    @Test(arguments: ["2026-13-45", "2026-02-30", "2026-11-22T25:00", "2026-11-22T06:61", "2025-02-29", "99999999999999999999d"])
    func impossibleSinceDatesAreRejectedNotRolledOver(_ since: String) throws {
        let result = try run(["summary", "--since", since, "samples/nginx-error.log"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot read '\(since)' as a time"))
    }

    // Trust item 11
    @Test func possibleEdgeDatesAreStillRead() throws {
        let result = try run(["summary", "--since", "2024-02-29", "--until", "2026-12-31T23:59", "samples/nginx-error.log"])
        #expect(result.status == 0)
        let reversed = try run(["summary", "--since", "2026-11-23", "--until", "2026-11-22", "samples/nginx-error.log"])
        #expect(reversed.status == 2)
        #expect(reversed.stderr.contains("--since must be before --until"))
    }
}
