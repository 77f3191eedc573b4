import Foundation
import Testing
@testable import AuthLogKit

/// Hostile input at volume: random bytes mixed with fragments of real lines, read as every
/// format, and mangled pattern files. Nothing may crash, and line counts stay exact.
@Suite struct RobustnessTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func hostileBytes(count: Int, seed: UInt64) -> [UInt8] {
        let fragments = [
            "203.0.113.9 - admin [20/Nov/2026:06:25:14 +0000] \"GET /admin/ HTTP/1.1\" 401 179 \"-\" \"x\"",
            "2026/11/20 06:25:14 [error] 1#1: *1 user \"a\" was not found in \"/x\", client: 203.0.113.5, server: s, request: \"GET / HTTP/1.1\"",
            "[Fri Nov 20 06:25:14.1 2026] [auth_basic:error] [pid 1] [client 2001:db8::1:5] AH01618: user b not found: /p",
            "[20-Nov-2026 06:25:14 UTC] Login failed for user \"c\" from 203.0.113.1 (invalid_username)",
            "Feb 15 16:23:00 srv httpd[1]: ", "\" 401 ", "\" 403 ", "invalid_username", "(*MARK:9)", "\\x1b[2J",
        ].map { Array($0.utf8) }
        var generator = Generator(state: seed)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 256)
        while bytes.count < count {
            switch generator.next() % 6 {
            case 0: bytes += fragments[Int(generator.next() % UInt64(fragments.count))]
            case 1: bytes.append(0x0A)
            case 2: bytes += (0..<Int(generator.next() % 40)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            case 3: bytes += [UInt8](repeating: UInt8(ascii: "a"), count: Int(generator.next() % 3000))
            case 4: bytes += [0x00, 0x0D, 0x0A]
            default: bytes += Array(" \"[]:,".utf8)
            }
        }
        return bytes
    }

    @Test(arguments: ["nginx-access", "apache-access", "nginx-error", "apache-error", "wordpress", "syslog"])
    func randomBytesReadAsEveryFormat(format: String) throws {
        let bytes = Self.hostileBytes(count: 1 << 20, seed: UInt64(format.utf8.count))
        let newlines = bytes.filter { $0 == 0x0A }.count
        for (threads, chunk) in [(1, 1 << 30), (3, 8192)] {
            let outcome = try scan(bytes, format: format) {
                $0.threads = threads
                $0.chunkSize = chunk
                $0.maxLineLength = 2048
            }
            #expect(outcome.file.lines == newlines + (bytes.last == 0x0A ? 0 : 1))
            for event in outcome.events {
                #expect(!NDJSONEvent.render(event).isEmpty)
                #expect(!TerminalText.escape(event.path ?? "").unicodeScalars.contains { $0.value < 0x20 })
            }
        }
    }

    @Test func mangledPatternFilesFailCleanly() throws {
        var generator = Generator(state: 99)
        let originals = PatternLoader.builtinFiles
        for _ in 0..<200 {
            var files = originals
            let index = Int(generator.next() % UInt64(files.count))
            var text = Array(files[index].text.utf8)
            for _ in 0..<3 {
                let position = Int(generator.next() % UInt64(text.count))
                let replacement = Array("()[]{}<>\\|*+?=#\n ".utf8)
                text[position] = replacement[Int(generator.next() % UInt64(replacement.count))]
            }
            files[index].text = String(decoding: text, as: UTF8.self)
            do {
                _ = try CompiledPatterns(try PatternLoader.load(files))
            } catch {
                #expect(error.line >= 0)
                #expect(!error.message.isEmpty)
            }
        }
    }
}
