import Foundation
import Testing
@testable import AuthLogKit

/// The finding detectors' tests, in the style of the pattern samples: every directory under
/// samples/findings is a small scene (access and error logs of the same minutes) whose logs
/// state in comments what it must produce (`# finding: KIND KEY`) and what it must not
/// (`# not: KIND KEY`, the near misses). A scene produces exactly its findings, no others,
/// and every kind of finding has a scene.
@Suite struct FindingSampleTests {
    static let sceneRoot = repositoryRoot.appendingPathComponent("samples/findings")
    static let scenes: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: sceneRoot.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }()

    struct Expectations {
        var findings: Set<String> = []
        var absent: Set<String> = []
    }

    static func expectations(inDirectory directory: URL) throws -> Expectations {
        var result = Expectations()
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                if line.hasPrefix("# finding: ") { result.findings.insert(String(line.dropFirst("# finding: ".count))) }
                if line.hasPrefix("# not: ") { result.absent.insert(String(line.dropFirst("# not: ".count))) }
            }
        }
        return result
    }

    static func requests(scanning paths: [String]) -> RequestReport? {
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        options.now = SampleVerifier.sampleNow
        return ScanSession(patterns: builtinPatterns, options: options, diagnostics: nil).run(arguments: paths).requests
    }

    static func findings(scanning paths: [String]) -> [Finding] { requests(scanning: paths)?.findings ?? [] }

    @Test(arguments: scenes)
    func sceneProducesExactlyItsFindings(_ scene: String) throws {
        let directory = Self.sceneRoot.appendingPathComponent(scene)
        let expected = try Self.expectations(inDirectory: directory)
        #expect(!expected.findings.isEmpty, "\(scene) states no finding")
        let found = Set(Self.findings(scanning: [directory.path]).map { "\($0.kind.rawValue) \($0.key)" })
        #expect(expected.findings.subtracting(found).isEmpty, "\(scene): missing \(expected.findings.subtracting(found).sorted())")
        #expect(found.subtracting(expected.findings).isEmpty, "\(scene): unexpected \(found.subtracting(expected.findings).sorted())")
        #expect(found.intersection(expected.absent).isEmpty, "\(scene): near miss reported \(found.intersection(expected.absent).sorted())")
    }

    @Test func everyKindHasAScene() throws {
        var stated: Set<String> = []
        for scene in Self.scenes {
            let expected = try Self.expectations(inDirectory: Self.sceneRoot.appendingPathComponent(scene))
            for finding in expected.findings { stated.insert(String(finding.split(separator: " ")[0])) }
        }
        let missing = Finding.Kind.allCases.map(\.rawValue).filter { !stated.contains($0) }
        #expect(missing.isEmpty, "finding kinds without a scene in samples/findings: \(missing)")
    }

    /// `authlog scan samples/` (the README's first command) reads every scene at once: the
    /// scenes use separate addresses, so each still yields its findings.
    @Test func allScenesTogether() throws {
        var expected: Set<String> = []
        for scene in Self.scenes {
            expected.formUnion(try Self.expectations(inDirectory: Self.sceneRoot.appendingPathComponent(scene)).findings)
        }
        let found = Set(Self.findings(scanning: [repositoryRoot.appendingPathComponent("samples").path])
            .map { "\($0.kind.rawValue) \($0.key)" })
        #expect(expected.subtracting(found).isEmpty, "missing when scanned together: \(expected.subtracting(found).sorted())")
    }

    @Test func findingsCarryEvidenceAndAdvice() throws {
        let requests = try #require(Self.requests(scanning: [Self.sceneRoot.appendingPathComponent("brute-force").path]))
        let bruteForce = requests.findings.first { $0.kind == .bruteForce }
        let evidence = bruteForce?.evidence.map { FindingText.reference($0, requests.evidenceFiles) } ?? []
        #expect(bruteForce?.figure("failures") == .int(25))
        #expect(bruteForce?.figure("surface") == .text("/admin/"))
        // The detail line is cited: it says why (password mismatch), the access line only 401.
        #expect(evidence.first?.hasSuffix("brute-force/nginx-error.log:1") == true, "\(evidence)")
        #expect(bruteForce?.advice.contains("192.0.2.10") == true)
    }
}
