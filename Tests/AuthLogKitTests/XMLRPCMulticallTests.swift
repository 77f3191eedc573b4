import Foundation
import Testing
@testable import AuthLogKit

/// Issue 15 item 5, second bullet: a `system.multicall` POST to xmlrpc.php hides many login
/// attempts in one request. WordPress answers each failed one with a 214-byte fault in one
/// array after 199 bytes of envelope (`patterns/access-rules.conf`, wordpress-xmlrpc-multicall-faults);
/// the attempts are estimated from the body size and brute-force counts them.
@Suite struct XMLRPCMulticallTests {
    static let estimate = AttemptEstimate(envelope: 199, perAttempt: 214, tolerance: 8)

    static func post(_ ip: String, second: Int, bytes: Int) -> String {
        "\(ip) - - [21/Nov/2026:16:00:\(String(format: "%02d", second)) +0000] \"POST /xmlrpc.php HTTP/1.1\" 200 \(bytes) "
            + "\"-\" \"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:109.0) Gecko/20100101 Firefox/115.0\""
    }

    static func findings(_ lines: [String]) throws -> RequestReport? {
        let directory = try makeTemporaryDirectory(holding: ["access.log": lines.joined(separator: "\n") + "\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        options.now = SampleVerifier.sampleNow
        return ScanSession(patterns: builtinPatterns, options: options, diagnostics: nil).run(arguments: [directory.path]).requests
    }

    /// The real answer: 2,339 bytes held ten faults. Sizes off the lattice are no faults.
    @Test func theRealMulticallAnswerIsTenAttempts() {
        #expect(Self.estimate.attempts(bytes: 2339) == 10)
        #expect(Self.estimate.attempts(bytes: 413) == 1)
        #expect(Self.estimate.attempts(bytes: 627 + 8) == 2)
        #expect(Self.estimate.attempts(bytes: 627 - 9) == nil)
        #expect(Self.estimate.attempts(bytes: 1071) == nil)
        #expect(Self.estimate.attempts(bytes: 199) == nil)
        #expect(Self.estimate.attempts(bytes: 0) == nil)
    }

    @Test func aMulticallLineIsOneFailedRequestOfTenAttemptsInTheEventsAndNDJSON() throws {
        let outcome = try scan(Self.post("203.0.113.91", second: 0, bytes: 2339) + "\n", name: "access.log")
        let event = try #require(outcome.events.first)
        #expect(event.cause == .loginFailed)
        #expect(event.attempts == 10)
        #expect(event.rule.hasSuffix("/wordpress-xmlrpc-multicall-faults"))
        #expect(NDJSONEvent.render(event).hasSuffix(#""cause":"login-failed","attempts":10}"# + "\n"))
        // One attempt says nothing of attempts: NDJSON lines stay as they were.
        let single = try #require(try scan(Self.post("203.0.113.91", second: 0, bytes: 403) + "\n", name: "access.log").events.first)
        #expect(single.attempts == 1)
        #expect(!NDJSONEvent.render(single).contains("attempts"))
    }

    /// The defect this guards: brute-force counted requests, so three multicall POSTs holding
    /// thirty guesses were three failures, below any threshold.
    @Test func threeMulticallPostsOfTenFaultsAreBruteForce() throws {
        let report = try #require(try Self.findings((0..<3).map { Self.post("203.0.113.92", second: $0 * 7, bytes: 2339) }))
        #expect(report.attempts == 30)
        #expect(report.aggregate.total == 3)  // the headline still counts requests
        let finding = try #require(report.findings.first { $0.kind == .bruteForce })
        #expect(finding.key == "203.0.113.92")
        #expect(finding.figure("failures") == .int(3))
        #expect(finding.figure("attempts") == .int(30))
        #expect(finding.advice.contains("failed 30 times there (in 3 requests: system.multicall)"), "\(finding.advice)")
        #expect(finding.advice.contains("disable it"), "\(finding.advice)")
    }

    /// Three single faults are three attempts; three answers off the lattice (calls that
    /// worked) are none: neither is brute force.
    @Test func singleFaultsAndCallsThatWorkedAreNoBruteForce() throws {
        let singles = try #require(try Self.findings((0..<3).map { Self.post("203.0.113.93", second: $0, bytes: 403) }))
        #expect(singles.attempts == 3)
        #expect(singles.findings.isEmpty)
        let worked = try #require(try Self.findings((0..<30).map { Self.post("203.0.113.94", second: $0, bytes: 1071) }))
        #expect(worked.attempts == 0)
        #expect(worked.findings.isEmpty)
    }

    @Test func anEstimateNeedsTheBodySizeCapturedAndAFailureCause() throws {
        func error(_ text: String) -> String? {
            do {
                _ = try PatternLoader.load(PatternLoader.builtinFiles + [PatternLoader.File(name: "user.conf", text: text)])
                return nil
            } catch {
                return error.message
            }
        }
        let rule = """
            [format]
            name = nginx-access

            [rule my-multicall]
            cause = login-failed
            field.path = /xmlrpc.php

            """
        #expect(error(rule + "regex = (?<bytes>\\d+)\\ \nattempts-from-size = 199 214 8\n") == nil)
        #expect(error(rule + "regex = \\d+\\ \nattempts-from-size = 199 214 8\n")?.contains("(?<bytes>") == true)
        #expect(error(rule + "regex = (?<bytes>\\d+)\\ \nattempts-from-size = 199 10 8\n")?.contains("TOLERANCE") == true)
    }
}
