import Foundation
import Testing
@testable import AuthLogKit

/// The writing end of a FIFO, as `cat log > fifo &` is: it waits for a reader, writes
/// `content`, closes and is gone. A second open(2) of the reading end then blocks forever,
/// which is the hang this guards against (the time limit turns it into a failure).
func serveOnce(fifo path: String, content: [UInt8]) {
    signal(SIGPIPE, SIG_IGN)  // a reader that closes early must not kill the test run
    Thread.detachNewThread {
        let descriptor = open(path, O_WRONLY)  // returns once a reader has opened
        guard descriptor >= 0 else { return }
        content.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
        close(descriptor)
    }
}

@Suite struct StreamInputTests {
    // Trust item 10
    @Test(.timeLimit(.minutes(1)))
    func aFIFONamedAsInputIsOpenedOnceAndGetsNoSecondRead() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Refusals on /admin/ from several clients: new-failure candidates, whose second read
        // used to open the access log again after its writer had gone (and block forever).
        var access = ""
        for minute in 0..<50 {
            access += "203.0.113.\(minute % 5) - admin [20/Nov/2026:06:\(String(format: "%02d", minute)):00 +0000] "
                + "\"GET /admin/ HTTP/1.1\" 401 0 \"-\" \"x\"\n"
        }
        let error = "2026/11/20 06:00:00 [error] 1#1: *1 user \"admin\": password mismatch, client: 203.0.113.1, "
            + "server: example.com, request: \"GET /admin/ HTTP/1.1\", host: \"example.com\"\n"
        let accessPath = directory.appendingPathComponent("access.fifo").path
        let errorPath = directory.appendingPathComponent("error.fifo").path
        try #require(mkfifo(accessPath, 0o600) == 0 && mkfifo(errorPath, 0o600) == 0)
        serveOnce(fifo: accessPath, content: Array(access.utf8))
        serveOnce(fifo: errorPath, content: Array(error.utf8))

        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        options.threads = 2
        let report = ScanSession(patterns: builtinPatterns, options: options, diagnostics: nil)
            .run(arguments: [accessPath, errorPath])

        #expect(report.files.map(\.lines) == [50, 1])
        #expect(report.aggregate.total == 51)
        #expect(!report.hadInputErrors)
    }
}
