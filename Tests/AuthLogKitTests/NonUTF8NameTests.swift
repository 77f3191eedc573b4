import Foundation
import Testing
@testable import AuthLogKit

/// File and directory names are bytes: one that is not UTF-8 is found, opened and shown.
@Suite struct NonUTF8NameTests {
    static let failure401 = "203.0.113.9 - admin [20/Nov/2026:06:25:14 +0000] \"GET /admin/ HTTP/1.1\" 401 179 \"-\" \"curl/8\"\n"

    /// `directory/component` created from raw bytes (Foundation would decode them).
    func makeEntry(_ directory: URL, _ component: [UInt8], file content: String? = nil) throws -> LogPath {
        let path = LogPath(directory.path).appending(LogPath(bytes: component))
        if let content {
            let descriptor = path.withCString { open($0, O_WRONLY | O_CREAT | O_EXCL, 0o600) }
            try #require(descriptor >= 0)
            _ = Array(content.utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
        } else {
            try #require(path.withCString { mkdir($0, 0o700) } == 0)
        }
        return path
    }

    func session() -> ScanSession {
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        return ScanSession(patterns: builtinPatterns, options: options, diagnostics: nil)
    }

    // Trust item 8
    @Test func aNonUTF8NameInsideAScannedDirectoryIsReadAndShownEscaped() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try makeEntry(root, Array("site".utf8) + [0xFF])
        _ = try makeEntry(root, Array("site".utf8) + [0xFF, UInt8(ascii: "/")] + Array("access.log".utf8), file: Self.failure401)
        var events: [AuthEvent] = []
        let report = session().run(arguments: [LogPath(root.path)]) { events.append($0) }
        #expect(report.files.map(\.path) == [root.path + "/site\\xff/access.log"])
        #expect(report.aggregate.total == 1)
        #expect(events.map(\.file) == [root.path + "/site\\xff/access.log"])
        #expect(report.unscanned.isEmpty)
    }

    // Trust item 8
    @Test func aNonUTF8NameNamedDirectlyIsOpenedByItsBytes() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = try makeEntry(root, Array("bad".utf8) + [0xFE] + Array("access.log".utf8), file: Self.failure401)
        // A sibling whose name decodes to the same U+FFFD text must not be the one read.
        _ = try makeEntry(root, Array("bad".utf8) + [0xFD] + Array("access.log".utf8), file: "")
        let report = session().run(arguments: [file])
        #expect(!report.hadInputErrors)
        #expect(report.files.map(\.path) == [root.path + "/bad\\xfeaccess.log"])
        #expect(report.aggregate.total == 1)
    }

    // Trust item 8
    @Test func displayEscapesOnlyTheBytesThatAreNotUTF8() {
        #expect(LogPath("/var/log/nginx/accès.log").display == "/var/log/nginx/accès.log")
        #expect(LogPath(bytes: [0x61, 0xFF, 0x62]).display == "a\\xffb")
        #expect(LogPath(bytes: [0x61, 0xC3]).display == "a\\xc3")  // a cut multi-byte sequence
        #expect(LogPath(bytes: [0xE9, 0x74, 0xE9]).display == "\\xe9t\\xe9")  // Latin-1 "été"
        #expect(LogPath(bytes: [0x61, 0xFE]).display != LogPath(bytes: [0x61, 0xFD]).display)
    }
}
