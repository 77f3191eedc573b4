import Testing
@testable import AuthLogKit

/// The format is detected from whole lines (`DetectionSample`).
@Suite struct DetectionSampleTests {
    static func lines(firstLineBytes: Int) -> [UInt8] {
        var text = #"203.0.113.9 - admin [20/Nov/2026:06:25:14 +0000] "GET /"# + String(repeating: "a", count: firstLineBytes)
            + #" HTTP/1.1" 401 179 "-" "curl/8.5.0""# + "\n"
        for index in 1...5 {
            text += #"203.0.113.\#(index) - admin [20/Nov/2026:06:25:14 +0000] "GET /x HTTP/1.1" 401 179 "-" "curl/8.5.0""# + "\n"
        }
        return Array(text.utf8)
    }

    // Defect: a first line longer than the 64 KiB sample left a sample of one partial line,
    // and the whole file was refused as "not a log format authlog knows": one long request
    // (or debug.log entry, or journal message) written first hid everything after it.
    @Test func aFirstLineLongerThanTheSampleNoLongerHidesTheFile() throws {
        let long = try scan(Self.lines(firstLineBytes: 200 << 10), name: "access.log")
        #expect(long.file.format == "apache-access")  // combined lines, no path hint: Apache's
        #expect(long.events.count == 6)
        // Longer than the line limit too: the file is searched on for the line's end, the
        // line is skipped as too long and counted, the rest is read.
        let tooLong = try scan(Self.lines(firstLineBytes: 3 << 20), name: "access.log")
        #expect(tooLong.file.format == "apache-access")
        #expect(tooLong.events.map(\.ip) == (1...5).map { "203.0.113.\($0)" })
        #expect(tooLong.file.skippedByReason[.tooLong] == 1)
    }

    @Test func aStreamsSampleReadsOnToTheEndOfALongFirstLine() throws {
        let bytes = Self.lines(firstLineBytes: 200 << 10)
        var offset = 0
        let sample = DetectionSample(maxLineLength: 1 << 20) { buffer, count, _ -> Int in
            let given = min(count, bytes.count - offset, 10_000)  // a pipe gives little at a time
            bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + offset, byteCount: given) }
            offset += given
            return given
        }
        #expect(sample.bytes == Array(bytes.prefix(sample.bytes.count)))
        let firstEnd = try #require(bytes.firstIndex(of: 0x0A))
        #expect(sample.window == Array(bytes[(firstEnd + 1)...]))
        let short = DetectionSample(maxLineLength: 1 << 20) { _, _, _ -> Int in 0 }
        #expect(short.bytes.isEmpty && short.window.isEmpty)
    }
}
