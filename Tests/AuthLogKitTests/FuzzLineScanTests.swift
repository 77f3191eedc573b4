import Foundation
import Testing
@testable import AuthLogKit

/// The fuzzing harness (Sources/authlog-fuzz) reaches the classifiers through FuzzLineScan:
/// what it finds only counts if FuzzLineScan runs what a scan runs.
@Suite struct FuzzLineScanTests {
    static let samples = ["apache-access.log", "apache-error.log", "nginx-access.log", "nginx-error.log",
                          "syslog.log", "wordpress-debug.log"]

    // Trust: fuzzing harness
    @Test(arguments: samples)
    func fuzzLineScanDetectsAndCountsAsTheScanDoes(sample: String) throws {
        let bytes = [UInt8](try Data(contentsOf: repositoryRoot.appendingPathComponent("samples/\(sample)")))
        let scanned = try scan(bytes, name: sample)
        let (detected, fuzzed) = bytes.withUnsafeBytes { buffer in
            let detected = FuzzLineScan.detect(buffer, patterns: builtinPatterns, path: sample)
            return (detected?.format.name, detected.map {
                FuzzLineScan.scan(buffer, format: $0.format, otherFormats: builtinPatterns.formats, readsOtherFormats: $0.mixed)
            })
        }
        #expect(detected == scanned.file.format)
        let outcome = try #require(fuzzed)
        #expect(outcome.events > 0)
        #expect(outcome.events == scanned.events.count)
        #expect(outcome.stats.events == scanned.file.events)
        #expect(outcome.stats.lines == scanned.file.lines)
        #expect(outcome.stats.skippedByReason == scanned.file.skippedByReason)
        #expect(outcome.stats.firstLineTime == scanned.file.firstLineTime)
    }
}
