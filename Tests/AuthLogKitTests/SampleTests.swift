import Foundation
import Testing
@testable import AuthLogKit

/// The pattern files' tests: every annotated line in samples/ must give exactly the event it
/// states (or none), and every rule must be proven by at least one sample line.
@Suite struct SampleTests {
    static let sampleFiles: [String] = {
        let directory = repositoryRoot.appendingPathComponent("samples").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".log") }.sorted().map { directory + "/" + $0 }
    }()

    @Test func samplesExistForEveryFormat() {
        let names = Set(Self.sampleFiles.map { URL(fileURLWithPath: $0).lastPathComponent })
        #expect(names.count >= builtinPatterns.formats.count, "samples: \(names.sorted())")
    }

    @Test(arguments: sampleFiles)
    func everyAnnotationHolds(_ path: String) {
        let result = SampleVerifier(patterns: builtinPatterns).verify(files: [path])
        for failure in result.failures { Issue.record("\(failure)") }
        #expect(result.eventsExpected > 0, "\(path) proves no rule")
    }

    @Test func everyRuleHasASample() {
        let result = SampleVerifier(patterns: builtinPatterns).verify(files: Self.sampleFiles)
        let allRules = builtinPatterns.formats.flatMap { format in
            format.definition.rules.map { "\(format.name)/\($0.id)" }
        }
        let missing = allRules.filter { !result.rulesHit.contains($0) }
        #expect(missing.isEmpty, "rules without a sample line: \(missing)")
    }

    @Test func verifierCatchesAWrongAnnotation() throws {
        // The harness must be able to fail: a sample whose annotation is wrong is reported.
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("wrong.log").path
        try """
        # format: nginx-error
        # expect: {"cause": "password-mismatch", "ip": "203.0.113.7"}
        2026/11/20 06:25:14 [error] 11#11: *5 user "bob" was not found in "/etc/nginx/.htpasswd", client: 203.0.113.9, server: a, request: "GET / HTTP/1.1", host: "a"
        2026/11/20 06:25:15 [error] 11#11: *6 access forbidden by rule, client: 203.0.113.9, server: a, request: "GET /.env HTTP/1.1", host: "a"

        """.write(toFile: path, atomically: true, encoding: .utf8)
        let result = SampleVerifier(patterns: builtinPatterns).verify(files: [path])
        let messages = result.failures.map(\.message)
        #expect(messages.contains { $0.contains("cause: expected \"password-mismatch\", got \"unknown-user\"") })
        #expect(messages.contains { $0.contains("ip: expected \"203.0.113.7\", got \"203.0.113.9\"") })
        #expect(messages.contains { $0.contains("unexpected event denied-by-rule") })
    }
}
