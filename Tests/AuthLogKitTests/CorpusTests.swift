import Foundation
import Testing
@testable import AuthLogKit

/// End to end against the corpus generator's exact ground truth: a ~20 MB corpus of every
/// format (syslog-wrapped too) with attackers, hostile and damaged lines, and every count
/// authlog reports must equal truth.json's.
///
/// The generator is the repository's own `scripts/gen-corpus`; `AUTHLOG_CORPUS_GEN=/path/to/gen.py`
/// runs the same tests against another one with the same interface and truth.json schema
/// instead (the shared gen.py, written independently: a second check of the same claims).
@Suite(.serialized) struct CorpusTests {
    static func generatorPath() -> String {
        if let path = ProcessInfo.processInfo.environment["AUTHLOG_CORPUS_GEN"], !path.isEmpty { return path }
        return repositoryRoot.appendingPathComponent("scripts/gen-corpus").path
    }

    /// Generates a corpus into a temporary directory.
    static func generate(size: String, seed: Int, rotated: Bool = false, generator: String = generatorPath()) throws -> URL {
        try #require(FileManager.default.fileExists(atPath: generator), "corpus generator \(generator) not found")
        let directory = try makeTemporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", generator, "--out", directory.path, "--size", size, "--seed", String(seed)]
            + (rotated ? ["--rotated"] : [])
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(generator) failed: \(message)")
        return directory
    }

    // Newcomer item 1: a fresh clone has no ../shared/corpus/gen.py; the corpus must come from
    // the repository itself, the same bytes every time, its truth naming exactly what is on disk.
    @Test func corpusGeneratorShipsWithTheRepositoryAndIsDeterministic() throws {
        let generator = repositoryRoot.appendingPathComponent("scripts/gen-corpus").path
        #expect(FileManager.default.isExecutableFile(atPath: generator))
        let first = try Self.generate(size: "1M", seed: 9, generator: generator)
        let second = try Self.generate(size: "1M", seed: 9, generator: generator)
        defer { for corpus in [first, second] { try? FileManager.default.removeItem(at: corpus) } }
        let truth = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: first.appendingPathComponent("truth.json"))) as? [String: Any])
        let files = try #require(truth["files"] as? [String: [String: Any]])
        let written = try FileManager.default.subpathsOfDirectory(atPath: first.path).filter { relative in
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: first.appendingPathComponent(relative).path, isDirectory: &isDirectory)
            return relative != "truth.json" && !isDirectory.boolValue
        }
        #expect(Set(written) == Set(files.keys))
        #expect(Set(files.values.compactMap { $0["format"] as? String })
                == ["nginx-access", "nginx-error", "apache-access", "apache-error", "wordpress", "syslog"])
        for relative in written {
            let data = try Data(contentsOf: first.appendingPathComponent(relative))
            #expect(data == (try Data(contentsOf: second.appendingPathComponent(relative))), "\(relative) differs between two runs")
            #expect(files[relative]?["bytes"] as? Int == data.count, "bytes of \(relative)")
            #expect(files[relative]?["lines"] as? Int == data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }, "lines of \(relative)")
        }
    }

    @Test(arguments: [(size: "20M", seed: 1, rotated: false), (size: "6M", seed: 7, rotated: false),
                      (size: "12M", seed: 3, rotated: true)])
    func countsEqualTheGeneratorsTruth(size: String, seed: Int, rotated: Bool) throws {
        let corpus = try Self.generate(size: size, seed: seed, rotated: rotated)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let truthData = try Data(contentsOf: corpus.appendingPathComponent("truth.json"))
        let truth = try #require(try JSONSerialization.jsonObject(with: truthData) as? [String: Any])
        let lineEvents = try #require(truth["line_events"] as? [String: Any])

        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        options.chunkSize = 1 << 20  // several chunks per file, so the split is exercised too
        let diagnostics = RecordingDiagnostics()
        let report = ScanSession(patterns: builtinPatterns, options: options, diagnostics: diagnostics)
            .run(arguments: [corpus.path])
        #expect(diagnostics.errors.isEmpty, "\(diagnostics.errors)")
        let aggregate = report.aggregate

        #expect(aggregate.total == lineEvents["total"] as? Int)
        let byCause = try #require(lineEvents["by_cause"] as? [String: Int])
        for cause in Cause.allCases where cause != .notAuthorized {
            #expect(aggregate.byCause[cause] == byCause[cause.rawValue], "cause \(cause.rawValue)")
        }
        let byFile = try #require(lineEvents["by_file"] as? [String: Int])
        let filesMeta = try #require(truth["files"] as? [String: [String: Any]])
        for (relative, expected) in byFile {
            let stats = try #require(report.files.first { $0.path == corpus.path + "/" + relative }, "\(relative) not scanned")
            #expect(stats.events == expected, "events in \(relative)")
            #expect(stats.lines == filesMeta[relative]?["lines"] as? Int, "lines in \(relative)")
            #expect(stats.bytes == filesMeta[relative]?["bytes"] as? Int, "bytes in \(relative)")
            #expect(stats.format == filesMeta[relative]?["format"] as? String, "format of \(relative)")
        }

        func compare<V>(_ name: String, _ ours: [(key: String, value: V, error: Int)], count: (V) -> Int) throws {
            let expected = try #require(lineEvents[name] as? [String: Int])
            let actual = Dictionary(uniqueKeysWithValues: ours.map { ($0.key, count($0.value)) })
            #expect(actual == expected, "\(name) differs")
            // Same order too: count descending, key ascending.
            let expectedOrder = expected.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map(\.key)
            #expect(ours.map(\.key) == expectedOrder, "\(name) order")
            #expect(ours.allSatisfy { $0.error == 0 }, "\(name) must be exact")
        }
        try compare("by_ip", aggregate.topIPs(50)) { $0.failures.count }
        try compare("by_path", aggregate.topPaths(50)) { $0.count }
        try compare("by_user", aggregate.topUsers(50)) { $0.count }

        // Requests: an access line and the error/debug line explaining it count once.
        let requestTruth = try #require(truth["requests"] as? [String: Any])
        let requests = try #require(report.requests?.aggregate)
        #expect(requests.total == requestTruth["total"] as? Int, "requests total")
        if let paired = requestTruth["paired"] as? Int {  // gen-corpus states it; gen.py does not
            #expect(report.requests?.paired == paired, "requests paired")
        }
        let requestCauses = try #require(requestTruth["by_cause"] as? [String: Int])
        for cause in Cause.allCases where cause != .notAuthorized {
            #expect(requests.byCause[cause] == requestCauses[cause.rawValue], "requests cause \(cause.rawValue)")
        }
        func compareRequests<V>(_ name: String, _ ours: [(key: String, value: V, error: Int)], count: (V) -> Int) throws {
            let expected = try #require(requestTruth[name] as? [String: Int])
            #expect(Dictionary(uniqueKeysWithValues: ours.map { ($0.key, count($0.value)) }) == expected, "requests \(name) differs")
            let expectedOrder = expected.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map(\.key)
            #expect(ours.map(\.key) == expectedOrder, "requests \(name) order")
        }
        try compareRequests("by_ip", requests.topIPs(50)) { $0.failures.count }
        try compareRequests("by_path", requests.topPaths(50)) { $0.count }
        try expectChallengesEqualTruth(report, requestTruth)
    }

    /// The colleagues' browsers ask once without credentials; when the first page follows
    /// within the challenge window, that 401 is a challenge. gen-corpus states them and every
    /// refused request it wrote (gen.py states neither): failures + challenges = written, per cause.
    func expectChallengesEqualTruth(_ report: ScanReport, _ requestTruth: [String: Any]) throws {
        guard let challenges = requestTruth["challenges"] as? [String: Any],
              let written = requestTruth["written"] as? [String: Any] else { return }
        let requests = try #require(report.requests)
        #expect(requests.challenges == challenges["total"] as? Int, "challenges")
        #expect(requests.aggregate.total + requests.challenges == written["total"] as? Int, "failures + challenges")
        let challengeCauses = challenges["by_cause"] as? [String: Int] ?? [:]
        let writtenCauses = try #require(written["by_cause"] as? [String: Int])
        for cause in Cause.allCases where cause != .notAuthorized {
            #expect(requests.aggregate.byCause[cause] + (challengeCauses[cause.rawValue] ?? 0) == writtenCauses[cause.rawValue],
                    "failures + challenges of \(cause.rawValue)")
        }
    }

    /// Read in the wrong zone, the error logs' times are an hour off their access logs':
    /// the pairing learns the shift, says so, and the requests still equal truth.
    @Test func requestsEqualTruthWhenErrorLogsAreReadInTheWrongZone() throws {
        let corpus = try Self.generate(size: "6M", seed: 21)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let truthData = try Data(contentsOf: corpus.appendingPathComponent("truth.json"))
        let truth = try #require(try JSONSerialization.jsonObject(with: truthData) as? [String: Any])
        let requestTruth = try #require(truth["requests"] as? [String: Any])
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "Europe/Berlin")!  // the corpus is UTC
        let diagnostics = RecordingDiagnostics()
        let report = ScanSession(patterns: builtinPatterns, options: options, diagnostics: diagnostics).run(arguments: [corpus.path])
        let requests = try #require(report.requests)
        #expect(requests.aggregate.total == requestTruth["total"] as? Int)
        let causes = try #require(requestTruth["by_cause"] as? [String: Int])
        for cause in Cause.allCases where cause != .notAuthorized {
            #expect(requests.aggregate.byCause[cause] == causes[cause.rawValue], "requests cause \(cause.rawValue)")
        }
        try expectChallengesEqualTruth(report, requestTruth)
        #expect(diagnostics.warnings.filter { $0.contains("its times run 1 h behind its access log's") }.count == 2,
                "\(diagnostics.warnings)")
    }

    /// The JSON report must not depend on how the work was split.
    @Test func reportIsIdenticalForAnyThreadCountAndChunkSize() throws {
        let corpus = try Self.generate(size: "8M", seed: 5, rotated: true)
        defer { try? FileManager.default.removeItem(at: corpus) }
        func json(threads: Int, chunkSize: Int) -> String {
            var options = ScanOptions()
            options.timeZone = TimeZone(identifier: "UTC")!
            options.threads = threads
            options.chunkSize = chunkSize
            let report = ScanSession(patterns: builtinPatterns, options: options, diagnostics: nil).run(arguments: [corpus.path])
            return JSONReport.render(report, top: 50, generator: "test")
        }
        let reference = json(threads: 1, chunkSize: 1 << 30)
        #expect(reference.contains("access.log.2.gz"))
        for (threads, chunkSize) in [(2, 16 << 20), (2, 65_536), (3, 4096), (4, 1 << 20)] {
            #expect(json(threads: threads, chunkSize: chunkSize) == reference, "threads \(threads), chunk \(chunkSize)")
        }
    }

    @Test func jsonReportOfTheCorpusIsValidAndMatchesTheAggregate() throws {
        let corpus = try Self.generate(size: "3M", seed: 2)
        defer { try? FileManager.default.removeItem(at: corpus) }
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        let report = ScanSession(patterns: builtinPatterns, options: options, diagnostics: nil).run(arguments: [corpus.path])
        let json = JSONReport.render(report, top: 10, generator: "test")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(document["schema"] as? String == "authlog.report/1")
        let events = try #require(document["events"] as? [String: Any])
        #expect(events["total"] as? Int == report.aggregate.total)
        let topIPs = try #require(events["top_ips"] as? [[String: Any]])
        #expect(topIPs.count == 10)
        let counts = topIPs.compactMap { $0["count"] as? Int }
        #expect(counts == counts.sorted(by: >))
        for entry in topIPs {
            let causes = try #require(entry["causes"] as? [String: Int])
            #expect(causes.values.reduce(0, +) == entry["count"] as? Int)
        }
        let files = try #require(document["files"] as? [[String: Any]])
        let truth = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: corpus.appendingPathComponent("truth.json"))) as? [String: Any])
        #expect(files.count == (truth["files"] as? [String: Any])?.count)
    }
}
