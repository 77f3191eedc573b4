import Foundation
import Testing
@testable import AuthLogKit

/// The parts of a long line in a container log (CRI `P` lines, docker entries without their
/// `\n`): a part's tail is only read as a line with its head. Read alone, the tail of a
/// request whose User-Agent the client chose could pass for an Apache error line of a client
/// of its choosing.
@Suite struct EnvelopePartTests {
    /// What a client puts in its User-Agent, after padding that makes the runtime's 16 KiB
    /// split land inside it.
    static let forgedTail = "[Fri Nov 20 06:25:14.000000 2026] [auth_basic:error] [pid 1] [client 198.51.100.9:1] AH01618: user admin not found: /x"

    /// An nginx access line (status 200, no literal of the access format's rules) whose
    /// User-Agent ends in the forged error line, cut into `count` parts of `partSize` bytes:
    /// the last part is the forged line (and the User-Agent's closing quote).
    static func longRequestParts(partSize: Int = 16 << 10, count: Int = 2) -> [String] {
        let head = "203.0.113.50 - - [20/Nov/2026:06:25:13 +0000] \"GET /p HTTP/1.1\" 200 612 \"-\" \"Mozilla/5.0 "
        let padding = String(repeating: "a", count: (count - 1) * partSize - head.utf8.count)
        let bytes = Array((head + padding + forgedTail + "\"").utf8)
        return stride(from: 0, to: bytes.count, by: partSize).map {
            String(decoding: bytes[$0..<min(bytes.count, $0 + partSize)], as: UTF8.self)
        }
    }

    static let served = (0..<6).map { "203.0.113.\($0 + 10) - - [20/Nov/2026:06:25:1\($0) +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/8.5.0\"" }
    static let refused = "203.0.113.7 - admin [20/Nov/2026:06:25:20 +0000] \"GET /admin/ HTTP/1.1\" 401 179 \"-\" \"curl/8.5.0\""

    static func cri(_ content: String, partial: Bool = false, stream: String = "stdout") -> String {
        "2026-11-20T06:25:13.000000000Z \(stream) \(partial ? "P" : "F") \(content)\n"
    }

    static func docker(_ content: String, partial: Bool = false) -> String {
        let escaped = content.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "{\"log\":\"\(escaped)\(partial ? "" : "\\n")\",\"stream\":\"stdout\",\"time\":\"2026-11-20T06:25:13.000000000Z\"}\n"
    }

    func ips(_ outcome: ScanOutcome) -> [String] { outcome.events.sorted { $0.line < $1.line }.map { $0.ip ?? "-" } }

    func criFile(_ parts: [String]) -> String {
        Self.served.map { Self.cri($0) }.joined()
            + parts.enumerated().map { Self.cri($1, partial: $0 < parts.count - 1) }.joined()
            + Self.cri(Self.refused)
    }

    @Test func theForgedTailAloneWouldBeBelieved() throws {
        // The control: the tail as a whole line is an Apache error line of 198.51.100.9, so
        // the tests below fail if a tail is read without its head.
        let tail = try #require(Self.longRequestParts().last)
        let outcome = try scan(Self.served.map { Self.cri($0) }.joined() + Self.cri(tail), name: "web.log")
        #expect(ips(outcome) == ["198.51.100.9"])
    }

    @Test func dockerLongLineTailIsNotReadAsAWholeLine() throws {
        let parts = Self.longRequestParts()
        let text = Self.served.map { Self.docker($0) }.joined()
            + parts.enumerated().map { Self.docker($1, partial: $0 < parts.count - 1) }.joined()
            + Self.docker(Self.refused)
        let outcome = try scan(text, name: "0123abcd-json.log")
        #expect(ips(outcome) == ["203.0.113.7"])
        #expect(outcome.file.lines == Self.served.count + parts.count + 1)
    }

    @Test func criLongLineTailIsNotReadAsAWholeLine() throws {
        let outcome = try scan(criFile(Self.longRequestParts()), name: "web.log")
        #expect(ips(outcome) == ["203.0.113.7"])
    }

    @Test func criPartsAcrossAScanChunkBoundaryAreJoined() throws {
        // A chunk boundary inside the last part but one: the chunk after it began at the
        // last part, and read that alone.
        let parts = Self.longRequestParts(partSize: 3000, count: 5)
        let text = criFile(parts)
        let lastPartStart = (Self.served.map { Self.cri($0) } + parts.dropLast().map { Self.cri($0, partial: true) })
            .joined().utf8.count
        let outcome = try scan(Array(text.utf8), name: "web.log") { $0.chunkSize = lastPartStart - 10 }
        #expect(ips(outcome) == ["203.0.113.7"])
        #expect(outcome.file.lines == Self.served.count + parts.count + 1)
    }

    @Test func aLongLineDroppedAsTooLongLeavesNoTailToBeRead() throws {
        // Two parts pass the line limit: the entry is one too-long line, and its last part
        // is swallowed with it rather than read as a line of its own.
        let parts = Self.longRequestParts(partSize: 3000, count: 3)
        let outcome = try scan(Array(criFile(parts).utf8), name: "web.log") { $0.maxLineLength = 5000 }
        #expect(ips(outcome) == ["203.0.113.7"])
        #expect(outcome.file.skippedByReason[.tooLong] == 1)
    }

    @Test func partsOfTheOtherStreamInBetweenDoNotEndTheEntry() throws {
        let parts = Self.longRequestParts()
        let text = Self.served.map { Self.cri($0) }.joined() + Self.cri(parts[0], partial: true)
            + Self.cri("noise", stream: "stderr") + Self.cri(parts[1]) + Self.cri(Self.refused)
        let outcome = try scan(text, name: "web.log")
        #expect(ips(outcome) == ["203.0.113.7"])
    }

    @Test func dockerPartsAreToldByTheEndOfTheirLogValue() {
        func isPart(_ line: String) -> Bool {
            Array(line.utf8).withUnsafeBytes { EnvelopeReader.dockerEntryMayBePart($0) }
        }
        #expect(!isPart(#"{"log":"GET /\n","stream":"stdout","time":"2026-11-20T06:25:13Z"}"#))
        #expect(isPart(#"{"log":"GET /","stream":"stdout","time":"2026-11-20T06:25:13Z"}"#))
        // An escaped backslash before `n` is no newline.
        #expect(isPart(#"{"log":"C:\\n","stream":"stdout","time":"2026-11-20T06:25:13Z"}"#))
        #expect(!isPart(#"{"log":"C:\\\n","stream":"stdout","time":"2026-11-20T06:25:13Z"}"#))
        // `","stream":"` inside the value is escaped and not taken for the key.
        #expect(!isPart(#"{"log":"a\",\"stream\":\"b\n","stream":"stderr","time":"2026-11-20T06:25:13Z"}"#))
        // Laid out otherwise: may be a part, so the reader itself decides.
        #expect(isPart(#"{"stream":"stdout","log":"GET /\n"}"#))
    }
}
