import Foundation
import Testing
@testable import AuthLogKit

/// A file held in memory for `ChunkReader`: it counts the bytes it serves, so a test can
/// tell how much reading a scan did without timing it, and it can shrink after a given
/// number of reads, as a log does when copytruncate empties it during a scan.
final class MemoryFile: PositionalFile {
    /// nil: every byte is `filler` (a file larger than memory needs no memory).
    private let content: [UInt8]?
    private let filler: UInt8
    private var size: Int
    private let shrink: (afterReads: Int, to: Int)?
    private var reads = 0
    private(set) var bytesServed = 0

    init(content: [UInt8], shrink: (afterReads: Int, to: Int)? = nil) {
        self.content = content
        self.filler = 0
        self.size = content.count
        self.shrink = shrink
    }

    init(size: Int, filledWith filler: UInt8) {
        self.content = nil
        self.filler = filler
        self.size = size
        self.shrink = nil
    }

    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws(InputError) -> Int {
        if let shrink, reads >= shrink.afterReads { size = min(size, shrink.to) }
        reads += 1
        let served = max(0, min(count, size - offset))
        if let content {
            content.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + offset, byteCount: served) }
        } else {
            buffer.initializeMemory(as: UInt8.self, repeating: filler, count: served)
        }
        bytesServed += served
        return served
    }

    var currentSize: Int { size }
}

@Suite struct ChunkBoundsTests {
    // Trust item 13
    @Test func oneHugeLineIsReadInLinearTimeNotOnceToTheEndPerChunk() throws {
        // 64 MiB without a newline in 1 MiB chunks: each chunk used to search to the end of
        // the file for its first newline, 2 GiB read in all (quadratic). Bounded, the chunks
        // read their own bytes plus at most one line limit each.
        let size = 64 << 20, chunk = 1 << 20, maxLine = 64 << 10
        let file = MemoryFile(size: size, filledWith: UInt8(ascii: "a"))
        let buffer = WorkerBuffer()
        var overlongTails = 0, linesSeen = 0
        for start in stride(from: 0, to: size, by: chunk) {
            try ChunkReader.withChunk(file: file, range: start..<min(size, start + chunk), fileSize: size,
                                      maxLineLength: maxLine, buffer: buffer) { outcome in
                guard case .lines(let block, let overlongTail) = outcome else { return }
                linesSeen += block.count
                if overlongTail { overlongTails += 1 }
            }
        }
        #expect(overlongTails == 1)  // the one line, skipped once, by the chunk it starts in
        #expect(linesSeen == 0)
        #expect(file.bytesServed <= size + (size / chunk) * (maxLine + 2))
    }

    // Trust item 13
    @Test func aLineEndingFarPastItsChunkIsStillReadWhole() throws {
        // The bound must not change what is read: a line that starts in one chunk and ends
        // several chunks later (within the line limit) is read whole by its own chunk.
        let long = "203.0.113.9 - - [20/Nov/2026:06:00:00 +0000] \"GET /" + String(repeating: "x", count: 20_000)
            + " HTTP/1.1\" 401 1 \"-\" \"-\"\n"
        let text = Array(("a\n" + long + "b\n").utf8)
        let file = MemoryFile(content: text)
        var blocks: [[UInt8]] = []
        for start in stride(from: 0, to: text.count, by: 4096) {
            try ChunkReader.withChunk(file: file, range: start..<min(text.count, start + 4096), fileSize: text.count,
                                      maxLineLength: 30_000, buffer: WorkerBuffer()) { outcome in
                if case .lines(let block, _) = outcome { blocks.append(Array(block)) }
            }
        }
        #expect(blocks.joined().elementsEqual(text))
    }

    // Trust item 9
    @Test func aLogTruncatedDuringTheScanSaysSoAndCountsWhatWasRead() throws {
        let text = Array(ArchiveAndChunkTests.accessLog(lines: 100).utf8)
        let half = text.count / 2
        // The first read (the search for the chunk's last newline) still sees the whole file;
        // then copytruncate leaves half of it.
        let file = MemoryFile(content: text, shrink: (afterReads: 1, to: half))
        var lines = 0
        let shrankTo = try ChunkReader.withChunk(file: file, range: 0..<text.count, fileSize: text.count,
                                                 maxLineLength: 1 << 20, buffer: WorkerBuffer()) { outcome in
            if case .lines(let block, _) = outcome { lines = block.filter { $0 == 0x0A }.count }
        }
        #expect(shrankTo == half)
        #expect(lines == text[..<half].filter { $0 == 0x0A }.count)

        // The merged file says so, once, naming the file; what was read is what is counted.
        var stats = FileStats(path: "/var/log/nginx/access.log", format: "nginx-access")
        stats.lines = lines
        stats.bytes = half
        var outcome = TaskOutcome()
        outcome.stats = stats
        outcome.shrankTo = half
        let diagnostics = RecordingDiagnostics()
        var report = ScanReport()
        ScanMerger(diagnostics: diagnostics).merge(
            inputs: [LogInput(path: stats.path, isExplicit: true)], tasks: [.chunk(input: 0, range: 0..<text.count)],
            outcomes: [outcome], failures: [:], into: &report)
        #expect(diagnostics.warnings == [
            "/var/log/nginx/access.log: the file was truncated while it was read (to \(half) bytes); "
                + "the \(lines) line(s) read before that are counted",
        ])
        #expect(report.files.map(\.lines) == [lines])
    }

    // Trust item 9
    @Test func aChunkWholeLostToTruncationIsReportedToo() throws {
        // A chunk past the new end finds no bytes at all where the plan had them.
        let text = Array(ArchiveAndChunkTests.accessLog(lines: 100).utf8)
        let file = MemoryFile(content: text, shrink: (afterReads: 0, to: 0))
        let shrankTo = try ChunkReader.withChunk(file: file, range: 4096..<8192, fileSize: text.count,
                                                 maxLineLength: 1 << 20, buffer: WorkerBuffer()) { _ in }
        #expect(shrankTo == 0)
    }
}
