import Foundation
import Testing
@testable import AuthLogKit

/// Lines are counted exactly and damaged lines are skipped and counted, whatever bytes the
/// input holds and however the reads split it.
@Suite struct LineReadingTests {
    let denied = "2026/11/20 06:25:14 [error] 7#7: *1 access forbidden by rule, client: 203.0.113.5, server: s, request: \"GET /.env HTTP/1.1\", host: \"s\"\n"
    let noise = "2026/11/20 06:25:15 [error] 7#7: *2 upstream timed out, client: 203.0.113.6, server: s, request: \"GET / HTTP/1.1\", host: \"s\"\n"

    @Test func countsLinesAndFindsEventsAtTheRightLineNumbers() throws {
        let text = noise + denied + noise + noise + denied
        let outcome = try scan(text)
        #expect(outcome.file.lines == 5)
        #expect(outcome.events.map(\.line) == [2, 5])
        #expect(outcome.file.events == 2)
        #expect(outcome.file.skipped == 0)
    }

    @Test func lastLineWithoutNewlineAndCRLF() throws {
        let crlf = denied.replacingOccurrences(of: "\n", with: "\r\n")
        let outcome = try scan(noise + crlf + String(denied.dropLast()))
        #expect(outcome.file.lines == 3)
        #expect(outcome.events.map(\.line) == [2, 3])
        // The \r is not part of the line: the request's host field still parses.
        #expect(outcome.events[0].path == "/.env")
    }

    @Test func nulBytesSkipTheLineAndCountIt() throws {
        var bytes = Array((noise + noise).utf8)
        bytes += [0, 0, 0] + Array(denied.utf8)        // line 3: binary junk before a real line
        bytes += Array(denied.utf8)                    // line 4: fine
        bytes += Array("\u{0}\u{0}garbage\u{0}\n".utf8) // line 5: several NULs, one line
        let outcome = try scan(bytes, format: "nginx-error")
        #expect(outcome.file.lines == 5)
        #expect(outcome.events.map(\.line) == [4])
        #expect(outcome.file.skippedByReason[.binary] == 2)
        #expect(outcome.file.firstSkippedLine[.binary] == 3)
    }

    @Test func overlongLinesAreSkippedWithoutHoldingThem() throws {
        let long = String(repeating: "A", count: 300_000)
        let overlong = "2026/11/20 06:25:14 [error] 7#7: *1 access forbidden by rule, client: 203.0.113.5, server: s, request: \"GET /\(long) HTTP/1.1\", host: \"s\"\n"
        let text = denied + overlong + denied + overlong
        let outcome = try scan(Array(text.utf8), format: "nginx-error") { $0.maxLineLength = 100_000; $0.readBufferSize = 4096 }
        #expect(outcome.file.lines == 4)
        #expect(outcome.events.map(\.line) == [1, 3])
        #expect(outcome.file.skippedByReason[.tooLong] == 2)
        #expect(outcome.file.firstSkippedLine[.tooLong] == 2)
    }

    @Test func aLongLineUnderTheLimitIsAnalysed() throws {
        // 16 KiB /admin/?next=… lines that get a 401 are real failures (the corpus has them).
        let query = String(repeating: "x", count: 16_000)
        let line = "203.0.113.9 - - [20/Nov/2026:06:25:14 +0000] \"GET /admin/?next=\(query) HTTP/1.1\" 401 179 \"-\" \"curl/8\"\n"
        let outcome = try scan(Array((line + line).utf8), name: "access.log") { $0.readBufferSize = 1024 }
        #expect(outcome.events.count == 2)
        #expect(outcome.events.first?.path == "/admin/")
        #expect(outcome.file.skipped == 0)
    }

    @Test(arguments: [64, 100, 333, 4096, 1 << 16])
    func readSizesDoNotChangeTheResult(bufferSize: Int) throws {
        var text = ""
        for index in 0..<300 { text += index % 7 == 0 ? denied : noise }
        let outcome = try scan(Array(text.utf8), format: "nginx-error") { $0.readBufferSize = bufferSize }
        #expect(outcome.file.lines == 300)
        #expect(outcome.events.map(\.line) == stride(from: 1, through: 300, by: 7).map { $0 })
    }

    @Test func newlineCountingMatchesANaiveCount() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let bytes = (0..<Int.random(in: 0...300, using: &generator)).map { _ in
                Bool.random(using: &generator) ? UInt8(0x0A) : UInt8.random(in: 0...255, using: &generator)
            }
            let expected = bytes.filter { $0 == 0x0A }.count
            for start in 0..<min(9, bytes.count + 1) {
                let counted = bytes.withUnsafeBytes { ByteSearch.countNewlines(in: $0.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!, from: start, to: bytes.count) }
                #expect(counted == bytes[start...].filter { $0 == 0x0A }.count)
            }
            _ = expected
        }
    }

    @Test func emptyFileIsReportedNotAnError() throws {
        let outcome = try scan("")
        #expect(outcome.report.unscanned.isEmpty)
        #expect(outcome.file.lines == 0)
        #expect(outcome.file.format == nil)
    }
}
