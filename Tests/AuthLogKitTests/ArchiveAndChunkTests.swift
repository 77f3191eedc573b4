import Foundation
import Testing
@testable import AuthLogKit

/// Rotated archives are read through ISA-L (zlib for the headers it refuses), and large files are cut into chunks scanned in
/// parallel: neither may lose, duplicate or misnumber a line.
@Suite struct ArchiveAndChunkTests {
    static func accessLine(_ index: Int, status: Int) -> String {
        "203.0.113.\(index % 200) - u\(index % 7) [20/Nov/2026:06:\(String(format: "%02d", index / 60 % 60)):\(String(format: "%02d", index % 60)) +0000] \"GET /p/\(index % 13)?q=\(index) HTTP/1.1\" \(status) 179 \"-\" \"curl/8\"\n"
    }

    /// An access log whose every 5th line is a 401.
    static func accessLog(lines: Int, offset: Int = 0) -> String {
        (0..<lines).map { accessLine($0 + offset, status: ($0 + offset) % 5 == 0 ? 401 : 200) }.joined()
    }

    func gzip(_ text: String, to url: URL) throws {
        let plain = url.deletingPathExtension()
        try text.write(to: plain, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-n", "-f", plain.path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
    }

    func run(_ arguments: [String], threads: Int = 2, chunkSize: Int = 16 << 20,
             diagnostics: RecordingDiagnostics? = nil) -> (ScanReport, [AuthEvent]) {
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        options.threads = threads
        options.chunkSize = chunkSize
        var events: [AuthEvent] = []
        let report = ScanSession(patterns: builtinPatterns, options: options, diagnostics: diagnostics)
            .run(arguments: arguments) { events.append($0) }
        return (report, events)
    }

    @Test func rotatedFamilyWithArchivesIsReadOldestFirst() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try gzip(Self.accessLog(lines: 500, offset: 0), to: directory.appendingPathComponent("access.log.2.gz"))
        try Self.accessLog(lines: 400, offset: 500).write(to: directory.appendingPathComponent("access.log.1"), atomically: true, encoding: .utf8)
        try Self.accessLog(lines: 300, offset: 900).write(to: directory.appendingPathComponent("access.log"), atomically: true, encoding: .utf8)
        let (report, events) = run([directory.path])
        #expect(report.files.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["access.log.2.gz", "access.log.1", "access.log"])
        #expect(report.files.map(\.lines) == [500, 400, 300])
        #expect(report.files.first?.format == "nginx-access" || report.files.first?.format == "apache-access")
        #expect(report.aggregate.total == 1200 / 5)
        #expect(events.filter { $0.file.hasSuffix(".gz") }.map(\.line) == stride(from: 1, through: 500, by: 5).map { $0 })
        #expect(!report.hadInputErrors)
    }

    @Test func truncatedArchiveCountsTheLinesBeforeTheDamageAndFails() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let archive = directory.appendingPathComponent("access.log.1.gz")
        try gzip(Self.accessLog(lines: 20_000), to: archive)
        let whole = try Data(contentsOf: archive)
        try whole.prefix(whole.count / 2).write(to: archive)
        let diagnostics = RecordingDiagnostics()
        let (report, events) = run([archive.path], diagnostics: diagnostics)
        let stats = try #require(report.files.first)
        #expect(stats.lines > 1000 && stats.lines < 20_000, "\(stats.lines) lines before the damage")
        #expect(events.count == stats.events && events.count > 0)
        #expect(report.hadInputErrors)
        #expect(diagnostics.errors.count == 1)
        #expect(diagnostics.errors[0].contains("access.log.1.gz: truncated gzip data"))
        #expect(diagnostics.errors[0].contains("\(stats.lines) line(s) before it were scanned"))
    }

    @Test func corruptArchiveIsAnErrorAndOtherFilesAreStillScanned() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let archive = directory.appendingPathComponent("access.log.2.gz")
        try gzip(Self.accessLog(lines: 5000), to: archive)
        var bytes = [UInt8](try Data(contentsOf: archive))
        for index in stride(from: bytes.count / 3, to: bytes.count / 3 + 64, by: 1) { bytes[index] ^= 0x5A }
        try Data(bytes).write(to: archive)
        try Self.accessLog(lines: 10).write(to: directory.appendingPathComponent("access.log"), atomically: true, encoding: .utf8)
        let diagnostics = RecordingDiagnostics()
        let (report, _) = run([directory.path], diagnostics: diagnostics)
        #expect(report.hadInputErrors)
        #expect(diagnostics.errors.contains { $0.contains("access.log.2.gz: corrupt gzip data") })
        #expect(report.files.last?.lines == 10)
    }

    @Test func concatenatedGzipMembersAreOneStream() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = directory.appendingPathComponent("a.log.gz"), second = directory.appendingPathComponent("b.log.gz")
        try gzip(Self.accessLog(lines: 50), to: first)
        try gzip(Self.accessLog(lines: 70, offset: 50), to: second)
        let joined = directory.appendingPathComponent("access.log.3.gz")
        try (try Data(contentsOf: first) + Data(contentsOf: second)).write(to: joined)
        let (report, _) = run([joined.path])
        #expect(report.files.first?.lines == 120)
        #expect(report.aggregate.total == 24)
    }

    @Test func aFileTruncatedAfterPlanningIsReadAsFarAsItGoes() throws {
        // copytruncate can empty a live log between planning and reading: no crash, and the
        // lines still there are read.
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("access.log")
        let text = Self.accessLog(lines: 100)
        try text.write(to: file, atomically: true, encoding: .utf8)
        let descriptor = open(file.path, O_RDONLY)
        defer { close(descriptor) }
        var lines = 0
        try ChunkReader.withChunk(descriptor: descriptor, range: 0..<(text.utf8.count * 3), fileSize: text.utf8.count * 3,
                                  maxLineLength: 1 << 20, buffer: WorkerBuffer()) { outcome in
            if case .lines(let block, _) = outcome { lines = block.filter { $0 == 0x0A }.count }
        }
        #expect(lines == 100)
    }

    @Test(arguments: [4096, 5000, 65_536])
    func chunksGiveTheSameLinesAndEventsAsOneRead(chunkSize: Int) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var text = Self.accessLog(lines: 3000)
        text += "203.0.113.1 - - [20/Nov/2026:06:00:00 +0000] \"GET /long/" + String(repeating: "x", count: 20_000) + " HTTP/1.1\" 401 1 \"-\" \"-\"\n"
        text += Self.accessLog(lines: 10, offset: 3000)
        text += "203.0.113.2 - - [20/Nov/2026:06:00:00 +0000] \"GET /overlong/" + String(repeating: "y", count: 9000) + " HTTP/1.1\" 401 1 \"-\" \"-\"\n"
        text += String(Self.accessLog(lines: 7, offset: 3010).dropLast())  // no final newline
        let file = directory.appendingPathComponent("access.log")
        try text.write(to: file, atomically: true, encoding: .utf8)

        var options = ScanOptions()
        options.maxLineLength = 8000
        func scanWith(threads: Int, chunk: Int) -> (FileStats, [AuthEvent]) {
            options.threads = threads
            options.chunkSize = chunk
            var events: [AuthEvent] = []
            let report = ScanSession(patterns: builtinPatterns, options: options, diagnostics: nil)
                .run(arguments: [file.path]) { events.append($0) }
            return (report.files[0], events)
        }
        let (reference, referenceEvents) = scanWith(threads: 1, chunk: 1 << 30)
        #expect(reference.lines == 3019)
        #expect(reference.skippedByReason[.tooLong] == 2)
        #expect(reference.firstSkippedLine[.tooLong] == 3001)
        let (chunked, chunkedEvents) = scanWith(threads: 3, chunk: chunkSize)
        #expect(chunked.lines == reference.lines)
        #expect(chunked.bytes == reference.bytes)
        #expect(chunked.events == reference.events)
        #expect(chunked.skippedByReason == reference.skippedByReason)
        #expect(chunked.firstSkippedLine == reference.firstSkippedLine)
        #expect(chunkedEvents == referenceEvents)
    }
}
