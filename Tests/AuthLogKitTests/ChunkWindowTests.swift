import Foundation
import Testing
@testable import AuthLogKit

/// A chunk is read through a small window (`ChunkReader`, `WorkerBuffer`), the unfinished
/// last line carried to the next window. The scanner must see exactly what one block of the
/// whole chunk gave it: the same events, line numbers, skips and first-line time, wherever
/// the window boundaries fall.
@Suite struct ChunkWindowTests {
    static func line(_ index: Int, status: Int) -> String { ArchiveAndChunkTests.accessLine(index, status: status) }

    /// What a scan says about a file, in a form two scans can be compared by.
    struct Seen: Equatable {
        var lines, events, bytes: Int
        var skips: [SkipReason: Int]
        var firstSkipped: [SkipReason: Int]
        var firstLineTime, lastEventTime: Int64?
        var eventLines: [Int]
        /// The events, without the file's name (each scan writes its own temporary file).
        var found: [AuthEvent]
    }

    func seen(_ bytes: [UInt8], format: String = "nginx-access", window: Int, chunkSize: Int = 16 << 20,
              threads: Int = 1, maxLineLength: Int = 1 << 20) throws -> Seen {
        let outcome = try scan(bytes, format: format) {
            $0.chunkWindowSize = window
            $0.chunkSize = chunkSize
            $0.threads = threads
            $0.maxLineLength = maxLineLength
        }
        let file = outcome.file
        return Seen(lines: file.lines, events: file.events, bytes: file.bytes, skips: file.skippedByReason,
                    firstSkipped: file.firstSkippedLine, firstLineTime: file.firstLineTime,
                    lastEventTime: file.lastEventTime, eventLines: outcome.events.map(\.line),
                    found: outcome.events.map { event in
                        var unnamed = event
                        unnamed.file = ""
                        return unnamed
                    })
    }

    /// The same bytes as one block: a window larger than the file.
    func seenInOneBlock(_ bytes: [UInt8], format: String = "nginx-access", maxLineLength: Int = 1 << 20) throws -> Seen {
        try seen(bytes, format: format, window: bytes.count + 1, maxLineLength: maxLineLength)
    }

    /// Collects the events a scanner delivers.
    struct EventList: EventSink {
        var events: [AuthEvent] = []
        mutating func record(_ event: AuthEvent) { events.append(event) }
    }

    /// A whole file as one chunk read through `window` straight into a scanner, as
    /// `LinePipeline.readChunk` does (without a session: the straddling test reads hundreds).
    func seenDirectly(_ bytes: [UInt8], window: Int) throws -> Seen {
        let format = try #require(builtinPatterns.format(named: "nginx-access"))
        let classifier = LineClassifier(format: format, limits: ScanOptions().matchLimits,
                                        timeZone: TimeZone(identifier: "UTC")!,
                                        now: Int64(SampleVerifier.sampleNow.timeIntervalSince1970),
                                        otherFormats: builtinPatterns.formats)
        let scanner = FileScanner(classifier: classifier, path: "access.log", formatForced: true, maxLineLength: 1 << 20)
        scanner.readsFileStart = true
        var sink = EventList()
        try ChunkReader.withChunk(file: MemoryFile(content: bytes), range: 0..<bytes.count, fileSize: bytes.count,
                                  maxLineLength: 1 << 20, buffer: WorkerBuffer(windowSize: window)) { outcome in
            guard case .lines(let block, let overlongTail) = outcome else { return }
            scanner.scan(block, into: &sink)
            if overlongTail { scanner.skipOverlongLine() }
        }
        let file = scanner.stats
        return Seen(lines: file.lines, events: file.events, bytes: file.bytes, skips: file.skippedByReason,
                    firstSkipped: file.firstSkippedLine, firstLineTime: file.firstLineTime,
                    lastEventTime: file.lastEventTime, eventLines: sink.events.map(\.line), found: sink.events)
    }

    @Test func linesStraddlingAWindowAtEveryOffsetAreReadAsInOneBlock() throws {
        // A first line of every length up to a window moves each later boundary across every
        // byte of the lines: their newline, the CR of a CRLF line, the first and last byte.
        var body = ""
        for index in 0..<24 {
            let text = Self.line(index, status: index % 3 == 0 ? 401 : 200)
            body += index % 4 == 1 ? String(text.dropLast()) + "\r\n" : text
        }
        let window = 173  // longer than every line, shorter than two
        for prefix in 0...window {
            let bytes = Array((String(repeating: "#", count: prefix) + "\n" + body).utf8)
            let expected = try seenDirectly(bytes, window: bytes.count + 1)
            #expect(expected.events == 8)
            #expect(expected.eventLines == [2, 5, 8, 11, 14, 17, 20, 23])
            #expect(try seenDirectly(bytes, window: window) == expected, "first line of \(prefix) bytes")
        }
    }

    @Test func aLineLongerThanTheWindowIsReadWholeAndNumberedAsInOneBlock() throws {
        // Within the limit, a line many windows long is one event at its own number; past the
        // limit it is one line skipped as too long, and the lines after keep their numbers.
        let long = "203.0.113.9 - - [20/Nov/2026:06:00:00 +0000] \"GET /" + String(repeating: "x", count: 3000)
            + " HTTP/1.1\" 401 1 \"-\" \"-\"\n"
        let tooLong = "203.0.113.8 - - [20/Nov/2026:06:00:01 +0000] \"GET /" + String(repeating: "y", count: 5000)
            + " HTTP/1.1\" 401 1 \"-\" \"-\"\n"
        let text = Self.line(0, status: 401) + long + Self.line(1, status: 200) + tooLong + Self.line(2, status: 401)
        let bytes = Array(text.utf8)
        let expected = try seenInOneBlock(bytes, maxLineLength: 4000)
        #expect(expected.eventLines == [1, 2, 5])
        #expect(expected.skips == [.tooLong: 1])
        #expect(expected.firstSkipped == [.tooLong: 4])
        for window in [64, 256, 1000, 3100, 4096] {
            #expect(try seen(bytes, window: window, maxLineLength: 4000) == expected, "window \(window)")
        }
    }

    @Test func aNULLineAcrossAWindowBoundaryIsSkippedOnceAsBinary() throws {
        // The NUL at each offset of a line that straddles the boundary, and in a line longer
        // than both the window and the limit (binary, not also too long).
        let plain = Self.line(3, status: 401)
        for offset in stride(from: 0, to: plain.utf8.count - 1, by: 7) {
            var damaged = Array(plain.utf8)
            damaged[offset] = 0
            let overlongBinary = Array((String(repeating: "x", count: 700) + "\u{0}" + String(repeating: "y", count: 700) + "\n").utf8)
            let bytes = Array((Self.line(0, status: 401) + "#\n").utf8) + damaged + Array(Self.line(1, status: 401).utf8)
                + overlongBinary + Array(Self.line(2, status: 401).utf8)
            let expected = try seenInOneBlock(bytes, maxLineLength: 1000)
            #expect(expected.skips == [.binary: 2])
            #expect(expected.firstSkipped == [.binary: 3])
            #expect(expected.eventLines == [1, 4, 6])
            for window in [150, 200, 256] {
                #expect(try seen(bytes, window: window, maxLineLength: 1000) == expected, "NUL at \(offset), window \(window)")
            }
        }
    }

    @Test(arguments: [(1000, 1), (3000, 2), (5000, 2), (333, 2)])
    func aChunkBoundaryInsideAWindowKeepsEveryLineOnce(window: Int, threads: Int) throws {
        // 4 KiB chunks read through windows smaller and larger than a chunk: every line is its
        // own chunk's, read once, with the line past the limit across a chunk's end skipped once.
        var text = ArchiveAndChunkTests.accessLog(lines: 120)
        text += "203.0.113.7 - - [20/Nov/2026:07:00:00 +0000] \"GET /" + String(repeating: "z", count: 9000) + "\"\n"
        text += ArchiveAndChunkTests.accessLog(lines: 40, offset: 120)
        let bytes = Array(text.utf8)
        let expected = try seenInOneBlock(bytes, maxLineLength: 2000)
        #expect(expected.skips == [.tooLong: 1])
        #expect(expected.firstSkipped == [.tooLong: 121])
        #expect(expected.events == 32)
        #expect(try seen(bytes, window: window, chunkSize: 4096, threads: threads, maxLineLength: 2000) == expected)
    }

    @Test func theFirstLineTimeIsFoundPastALongLineAsInOneBlock() throws {
        // The first line's time is looked for in the lines starting in the file's first 16 KiB:
        // a comment, then a line longer than the window, which has the time.
        let long = "203.0.113.9 - - [20/Nov/2026:05:59:00 +0000] \"GET /" + String(repeating: "x", count: 3000)
            + " HTTP/1.1\" 200 1 \"-\" \"-\"\n"
        let bytes = Array(("# written by a proxy\n" + long + ArchiveAndChunkTests.accessLog(lines: 400)).utf8)
        let expected = try seenInOneBlock(bytes)
        #expect(expected.firstLineTime != nil)
        for window in [512, 1024, 4096, 20_000] {
            #expect(try seen(bytes, window: window) == expected, "window \(window)")
        }
    }

    @Test func theOverlongLastLineOfAChunkIsNotHeldInMemory() throws {
        // A file that is one huge line: its chunk drops it as overlong without growing the
        // buffer past one window, so hostile input costs a window, not a chunk.
        let size = 8 << 20, window = 64 << 10
        let file = MemoryFile(size: size, filledWith: UInt8(ascii: "a"))
        let buffer = WorkerBuffer(windowSize: window)
        var overlongTails = 0, bytesSeen = 0, largestBuffer = 0
        try ChunkReader.withChunk(file: file, range: 0..<(4 << 20), fileSize: size, maxLineLength: 1 << 20,
                                  buffer: buffer) { outcome in
            guard case .lines(let block, let overlongTail) = outcome else { return }
            bytesSeen += block.count
            largestBuffer = max(largestBuffer, buffer.capacity)
            if overlongTail { overlongTails += 1 }
        }
        #expect(overlongTails == 1)
        #expect(bytesSeen == 0)
        #expect(largestBuffer == window)
    }

    @Test func aLineLongerThanTheWindowDoesNotKeepTheBufferGrown() throws {
        let text = Array(("a\n" + String(repeating: "b", count: 10_000) + "\nc\n").utf8)
        let buffer = WorkerBuffer(windowSize: 1024)
        var blocks: [[UInt8]] = []
        try ChunkReader.withChunk(file: MemoryFile(content: text), range: 0..<text.count, fileSize: text.count,
                                  maxLineLength: 1 << 20, buffer: buffer) { outcome in
            guard case .lines(let block, let overlongTail) = outcome else { return }
            #expect(!overlongTail)
            #expect(block.last == 0x0A)
            blocks.append(Array(block))
        }
        #expect(blocks.joined().elementsEqual(text))
        #expect(buffer.capacity <= 1024)
    }
}
