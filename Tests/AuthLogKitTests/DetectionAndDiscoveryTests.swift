import Foundation
import Testing
@testable import AuthLogKit

@Suite struct DetectionAndDiscoveryTests {
    let combined = "203.0.113.9 - - [20/Nov/2026:06:25:14 +0000] \"GET / HTTP/1.1\" 200 512 \"-\" \"curl/8\"\n"

    @Test func combinedLogsAreToldApartByPathThenContent() throws {
        #expect(try scan(combined, name: "access.log").file.format == "apache-access")  // a tie: file order
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for server in ["nginx", "apache2"] {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(server), withIntermediateDirectories: true)
            try combined.write(to: directory.appendingPathComponent("\(server)/access.log"), atomically: true, encoding: .utf8)
        }
        let report = ScanSession(patterns: builtinPatterns, options: ScanOptions(), diagnostics: nil).run(arguments: [directory.path])
        #expect(report.files.map(\.format) == ["apache-access", "nginx-access"])

        let nginxOnly = combined + "203.0.113.9 - - [20/Nov/2026:06:25:14 +0000] \"GET /\\x1B[31m HTTP/1.1\" 400 0 \"-\" \"-\"\n"
        #expect(try scan(nginxOnly, name: "x.log").file.format == "nginx-access")
        let main = "203.0.113.9 - - [20/Nov/2026:06:25:14 +0000] \"GET / HTTP/1.1\" 200 512 \"-\" \"curl/8\" \"198.51.100.1\"\n"
        #expect(try scan(main, name: "x.log").file.format == "nginx-access")
        let vhost = "example.org:443 " + combined
        #expect(try scan(vhost, name: "x.log").file.format == "apache-access")
    }

    @Test func unknownContentIsAnErrorForANamedFile() throws {
        let outcome = try scan("just some text\nand more\n", name: "notes.log")
        #expect(outcome.report.files.isEmpty)
        #expect(outcome.report.unscanned.first?.reason.contains("not a log format authlog knows") == true)
        #expect(outcome.report.hadInputErrors)
    }

    @Test func forcedFormatReadsAnything() throws {
        let outcome = try scan(combined.replacingOccurrences(of: " 200 ", with: " 401 "), name: "whatever.txt", format: "nginx-access")
        #expect(outcome.file.format == "nginx-access")
        #expect(outcome.file.formatForced)
        #expect(outcome.events.count == 1)
    }

    @Test func directoriesYieldLogsOldestFirstAndNoteUnreadableArchives() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let names = ["access.log", "access.log.1", "access.log.2.gz", "access.log.10", "access.log.3.bz2", "error.log-20261119",
                     "error.log-20261120", "error.log", "README.md", ".hidden.log", "wtmp"]
        for name in names { try combined.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let result = InputDiscovery.discover([directory.path])
        let found = result.inputs.map { URL(fileURLWithPath: $0.path).lastPathComponent }
        #expect(found == ["access.log.10", "access.log.2.gz", "access.log.1", "access.log", "error.log-20261119", "error.log-20261120", "error.log"])
        #expect(result.unscanned.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["access.log.3.bz2"])
        #expect(result.unscanned.allSatisfy { !$0.isError })
    }

    @Test func includeAndExcludeGlobsRefineDirectories() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("nginx"), withIntermediateDirectories: true)
        for name in ["nginx/access.log", "nginx/access.log.1", "nginx/error.log", "other.log"] {
            try combined.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        func names(_ filter: PathFilter, _ arguments: [String]? = nil) -> [String] {
            InputDiscovery.discover(arguments ?? [directory.path], filter: filter).inputs
                .map { String($0.path.dropFirst(directory.path.count + 1)) }
        }
        #expect(names(PathFilter(includes: ["access.log*"])) == ["nginx/access.log.1", "nginx/access.log"])
        #expect(names(PathFilter(excludes: ["*.1", "nginx/error.log"])) == ["other.log", "nginx/access.log"])
        #expect(names(PathFilter(includes: ["nginx/*"], excludes: ["access*"])) == ["nginx/error.log"])
        // A file named explicitly is read whatever the globs say.
        let explicit = directory.appendingPathComponent("other.log").path
        #expect(names(PathFilter(includes: ["nothing"]), [explicit]) == ["other.log"])
    }

    @Test func missingAndUnreadableInputsAreErrorsAndTheRestIsScanned() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("access.log")
        try combined.replacingOccurrences(of: " 200 ", with: " 401 ").write(to: good, atomically: true, encoding: .utf8)
        let diagnostics = RecordingDiagnostics()
        let report = ScanSession(patterns: builtinPatterns, options: ScanOptions(), diagnostics: diagnostics)
            .run(arguments: [directory.appendingPathComponent("nope.log").path, good.path])
        #expect(report.aggregate.total == 1)
        #expect(report.hadInputErrors)
        #expect(diagnostics.errors.count == 1)
        #expect(diagnostics.errors.first?.hasSuffix("nope.log: No such file or directory") == true)
    }

    @Test func theSameFileTwiceIsScannedOnce() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("access.log")
        try combined.write(to: file, atomically: true, encoding: .utf8)
        #expect(InputDiscovery.discover([file.path, directory.path, file.path]).inputs.count == 1)
    }

    @Test func scanningNeverWritesToItsInputs() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("access.log")
        try combined.write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: file.path)
        let before = try FileManager.default.attributesOfItem(atPath: file.path)
        let report = ScanSession(patterns: builtinPatterns, options: ScanOptions(), diagnostics: nil).run(arguments: [directory.path])
        let after = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect(report.files.count == 1)
        #expect(before[.modificationDate] as? Date == after[.modificationDate] as? Date)
        #expect(before[.size] as? Int == after[.size] as? Int)
    }
}
