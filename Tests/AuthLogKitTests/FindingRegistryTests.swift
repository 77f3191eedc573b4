import Foundation
import Testing
@testable import AuthLogKit

/// The registry is the one list of finding kinds: what it declares (ids, flags, help, ranges,
/// stages) must be whole and unambiguous, and every threshold must reach its rule.
@Suite struct FindingRegistryTests {
    @Test func kindIdsAndThresholdFlagsAreUnique() {
        let kinds = FindingRegistry.rules.map(\.kind.rawValue)
        #expect(Set(kinds).count == kinds.count, "a kind id is declared twice: \(kinds)")
        let flags = FindingRegistry.thresholds.map(\.flag)
        #expect(Set(flags).count == flags.count, "a threshold flag is declared twice: \(flags)")
        #expect(Finding.Kind.allCases.map(\.rawValue) == kinds)
    }

    /// What `--help` and the man pages show for a threshold comes from its declaration: a flag
    /// that is a plain long option, help that names the kind it tunes, a default it accepts.
    @Test func everyThresholdDeclaresAFlagItsHelpAndAValidDefault() {
        for rule in FindingRegistry.rules {
            for threshold in rule.thresholds {
                #expect(!threshold.flag.isEmpty && threshold.flag.allSatisfy { $0.isLowercase || $0 == "-" },
                        "\(threshold.flag): a flag is lowercase words joined by -")
                #expect(threshold.help.hasPrefix(rule.kind.rawValue + ": "), "\(threshold.flag)'s help should start with '\(rule.kind.rawValue): '")
                #expect(threshold.help.hasSuffix("."), "\(threshold.flag)'s help is a sentence")
                #expect(!threshold.valueName.isEmpty)
                #expect(threshold.range.contains(threshold.defaultValue), "\(threshold.flag)'s default \(threshold.defaultValue) is outside \(threshold.range)")
                #expect(FindingThresholds()[threshold] == threshold.defaultValue)
            }
        }
    }

    /// The rules run by stage: the colleague's typo and the monitor are set aside before any
    /// attack is counted, single addresses before botnets, and the rule that needs
    /// successes read back last.
    @Test func rulesRunInStageOrderAndOnlyTheLastStageReadsSuccesses() {
        let stages = FindingRegistry.detectionOrder.map(\.stage)
        #expect(stages == stages.sorted())
        #expect(FindingRegistry.detectionOrder.first?.kind == .userTypo)
        for rule in FindingRegistry.rules {
            #expect((rule is any SuccessReadingRule) == (rule.stage == .afterSuccesses), "\(rule.kind)")
        }
    }

    static func findings(of kind: Finding.Kind, scene: String, setting threshold: FindingThreshold, to value: Int) -> [String] {
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        options.now = SampleVerifier.sampleNow
        options.requestAnalysis?.thresholds[threshold] = value
        let path = FindingSampleTests.sceneRoot.appendingPathComponent(scene).path
        let report = ScanSession(patterns: builtinPatterns, options: options, diagnostics: nil).run(arguments: [path])
        return (report.requests?.findings ?? []).filter { $0.kind == kind }.map(\.key).sorted()
    }

    /// A threshold its rule does not read would be a flag that does nothing: at one end of
    /// its range or the other, every threshold changes what its kind's scene yields.
    @Test(arguments: FindingRegistry.rules.flatMap { rule in rule.thresholds.map { (rule.kind, $0) } })
    func everyThresholdChangesWhatItsSceneYields(_ kind: Finding.Kind, _ threshold: FindingThreshold) {
        let lowest = Self.findings(of: kind, scene: kind.rawValue, setting: threshold, to: threshold.range.lowerBound)
        let highest = Self.findings(of: kind, scene: kind.rawValue, setting: threshold, to: threshold.range.upperBound)
        #expect(lowest != highest, "--\(threshold.flag) from \(threshold.range.lowerBound) to \(threshold.range.upperBound) changed nothing: \(lowest)")
    }

    /// Evidence is numbers; the writers name the file. The brute-force scene's first cited
    /// line is the error line that says why, in both renderings of the report.
    @Test func evidenceIsRenderedAsFileAndLineByTheWriters() throws {
        let path = FindingSampleTests.sceneRoot.appendingPathComponent("brute-force").path
        let requests = try #require(FindingSampleTests.requests(scanning: [path]))
        let finding = try #require(requests.findings.first { $0.kind == .bruteForce })
        let first = try #require(finding.evidence.first)
        #expect(first.line == 1)
        #expect(requests.evidenceFiles.name(of: first.input) == path + "/nginx-error.log")
        let line = FindingJSON.line(finding, files: requests.evidenceFiles)
        #expect(line.contains("\"evidence\":[\"\(path)/nginx-error.log:1\""), "\(line)")
        let text = FindingText.section([finding], files: requests.evidenceFiles, perKind: 1, style: TextStyle(enabled: false))
        // The list of references wraps at the terminal's width, after a comma: the first one is whole.
        #expect(text.contains("see \(path)/nginx-error.log:1,"), "\(text)")
        #expect(EvidenceFiles().name(of: first.input) == "?")
    }
}
