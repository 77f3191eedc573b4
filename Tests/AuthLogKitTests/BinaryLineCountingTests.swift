import Foundation
import Testing
@testable import AuthLogKit

/// The lines holding NUL bytes are found in the same pass that counts newlines (between the
/// prefilter's candidates) or on the candidate line itself: every line after them keeps its
/// exact number, and each binary line is counted once, however the file is cut in chunks.
@Suite struct BinaryLineCountingTests {
    let denied = "2026/11/20 06:25:14 [error] 7#7: *1 access forbidden by rule, client: 203.0.113.5, server: s, request: \"GET /.env HTTP/1.1\", host: \"s\"\n"
    let noise = "2026/11/20 06:25:15 [error] 7#7: *2 upstream timed out, client: 203.0.113.6, server: s, request: \"GET / HTTP/1.1\", host: \"s\"\n"

    /// Noise and failure lines, with NUL bytes put at every offset of a noise line (so at every
    /// position of the 64-byte words the count reads), in a failure line, two in one line,
    /// and in a line longer than the limit (binary, not also too long).
    func log(withOverlongBinaryLine: Bool) -> (bytes: [UInt8], lines: Int, failureLines: [Int], binaryLines: [Int]) {
        var bytes: [UInt8] = []
        var failures: [Int] = []
        var binary: [Int] = []
        var line = 0
        func add(_ text: [UInt8], failure: Bool = false, isBinary: Bool = false) {
            bytes += text
            line += 1
            if failure && !isBinary { failures.append(line) }
            if isBinary { binary.append(line) }
        }
        let noiseBytes = Array(noise.utf8)
        for offset in 0..<(noiseBytes.count - 1) {
            add(noiseBytes)
            var damaged = noiseBytes
            damaged[offset] = 0
            add(damaged, isBinary: true)
            if offset % 3 == 0 { add(Array(denied.utf8), failure: true) }
            if offset % 5 == 0 {
                var both = noiseBytes
                both[2] = 0
                both[offset] = 0
                add(both, isBinary: true)
            }
        }
        var damagedFailure = Array(denied.utf8)
        damagedFailure[40] = 0
        add(damagedFailure, failure: true, isBinary: true)
        // In one chunk only: a line past the limit across a chunk's end is not read at all.
        if withOverlongBinaryLine {
            add(Array((String(repeating: "x", count: 700) + "\u{0}" + String(repeating: "y", count: 700) + "\n").utf8), isBinary: true)
        }
        add(Array(denied.utf8), failure: true)
        add(Array("tail\u{0}".utf8), isBinary: true)  // the input's last line, unterminated
        return (bytes, line, failures, binary)
    }

    @Test(arguments: [(1, 16 << 20), (2, 4096), (3, 8192)])
    func binaryLinesAreCountedOnceAndLaterLinesKeepTheirNumbers(threads: Int, chunkSize: Int) throws {
        let (bytes, lines, failures, binary) = log(withOverlongBinaryLine: chunkSize >= 1 << 20)
        let outcome = try scan(bytes, format: "nginx-error") {
            $0.threads = threads
            $0.chunkSize = chunkSize
            $0.maxLineLength = 1000
        }
        #expect(outcome.file.lines == lines)
        #expect(outcome.events.map(\.line).sorted() == failures)
        #expect(outcome.file.skippedByReason[.binary] == binary.count)
        #expect(outcome.file.skippedByReason[.tooLong] == nil)
        #expect(outcome.file.firstSkippedLine[.binary] == binary.first)
    }
}
