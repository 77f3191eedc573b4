import AuthLogKit
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Diagnostics on stderr, one line each, prefixed with "authlog:". File names and anything
/// else that came from outside are escaped first: a file name can hold escape sequences too.
final class StandardError: ScanDiagnostics {
    let quiet: Bool
    private(set) var errorCount = 0

    init(quiet: Bool) { self.quiet = quiet }

    func warning(_ message: String) {
        guard !quiet else { return }
        StandardError.writeLine("authlog: warning: \(TerminalText.escape(message))\n")
    }

    func error(_ message: String) {
        errorCount += 1
        StandardError.writeLine("authlog: error: \(TerminalText.escape(message))\n")
    }

    /// Set while a progress line is on screen: diagnostics then erase it first (it is
    /// redrawn below them).
    static let progressShown = Atomic<Bool>(false)
    private static let lock = NSLock()

    static func writeLine(_ text: String) {
        write(progressShown.load(ordering: .relaxed) ? "\r\u{1B}[K" + text : text)
    }

    /// One write(2) per call, under a lock, so lines from threads never interleave.
    static func write(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(STDERR_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { if errno == EINTR { continue }; return }
                offset += written
            }
        }
    }
}
