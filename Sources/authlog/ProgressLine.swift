import AuthLogKit
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress display on stderr for scans that take more than a second: bytes
/// and files done, speed, time left. Only when stderr is a terminal (never in a pipe, a
/// log file or cron mail), redrawn in place and erased when the scan ends.
final class ProgressLine: Sendable {
    private let progress: ScanProgress
    private let stopped = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts drawing if stderr is a terminal; returns nil otherwise.
    static func start(_ progress: ScanProgress, quiet: Bool) -> ProgressLine? {
        guard !quiet, isatty(STDERR_FILENO) != 0 else { return nil }
        let line = ProgressLine(progress: progress)
        Thread.detachNewThread { line.loop() }
        return line
    }

    private init(progress: ScanProgress) { self.progress = progress }

    func stop() {
        stopped.store(true, ordering: .relaxed)
        finished.wait()
    }

    private func loop() {
        let start = Date()
        var drawn = false
        while !stopped.load(ordering: .relaxed) {
            usleep(200_000)
            let elapsed = Date().timeIntervalSince(start)
            guard elapsed >= 1, !stopped.load(ordering: .relaxed) else { continue }
            StandardError.write("\r\u{1B}[K" + Self.describe(progress, elapsed: elapsed))
            StandardError.progressShown.store(true, ordering: .relaxed)
            drawn = true
        }
        if drawn { StandardError.write("\r\u{1B}[K") }
        StandardError.progressShown.store(false, ordering: .relaxed)
        finished.signal()
    }

    static func describe(_ progress: ScanProgress, elapsed: TimeInterval) -> String {
        let (done, total) = progress.bytes
        let (filesDone, filesTotal) = progress.files
        let rate = Double(done) / max(elapsed, 0.001)
        var text = "scanning \(megabytes(done)) of \(megabytes(total)) · \(filesDone)/\(filesTotal) files · \(megabytes(Int(rate)))/s"
        if rate > 0, total > done {
            text += " · \(Int((Double(total - done) / rate).rounded(.up)))s left"
        }
        return text
    }

    private static func megabytes(_ bytes: Int) -> String {
        bytes >= 10_000_000_000 ? String(format: "%.1f GB", Double(bytes) / 1e9) : "\(bytes / 1_000_000) MB"
    }
}
