import Foundation

/// A running `authlog follow` whose stdout and stderr lines are collected by reader threads.
/// Tests wait on what it writes, never on time: it is ready when it says what it follows,
/// and done when its output ends.
final class Follower: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var collected: [String] = []
    private var collectedErrors: [String] = []
    private var pending = Data()
    private var pendingErrors = Data()
    private var outputEnded = false
    /// Long enough for a loaded machine; a test that passes never waits this long.
    static let patience: TimeInterval = 20

    /// Starts follow and waits until it has looked at its files once (its "following" note).
    /// `standardInput`: a pipe the test writes to (`follow -`); /dev/null otherwise.
    init(_ arguments: [String], ndjson: Bool = true, waitUntilReady: Bool = true, standardInput: Pipe? = nil) throws {
        process.executableURL = CommandLineTests.executable
        process.arguments = ["follow"] + (ndjson ? ["--output", "ndjson"] : []) + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TZ"] = "UTC"
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = standardInput ?? FileHandle.nullDevice
        out.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.lock()
            defer { self.lock.unlock() }
            if data.isEmpty {
                self.outputEnded = true
                handle.readabilityHandler = nil
            }
            Self.split(data, pending: &self.pending, into: &self.collected)
        }
        err.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.lock()
            defer { self.lock.unlock() }
            if data.isEmpty { handle.readabilityHandler = nil }
            Self.split(data, pending: &self.pendingErrors, into: &self.collectedErrors)
        }
        try process.run()
        if waitUntilReady { _ = waitUntil { $0.errors.contains { $0.hasPrefix("authlog: following") } } }
    }

    private static func split(_ data: Data, pending: inout Data, into lines: inout [String]) {
        pending.append(data)
        while let newline = pending.firstIndex(of: 0x0A) {
            lines.append(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
            pending.removeSubrange(pending.startIndex...newline)
        }
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }

    var errors: [String] {
        lock.lock()
        defer { lock.unlock() }
        return collectedErrors
    }

    /// Waits until `condition` holds for the output so far (or patience runs out); true if it holds.
    @discardableResult
    func waitUntil(_ condition: (Follower) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(Self.patience)
        while !condition(self) {
            if Date() > deadline { return false }
            usleep(5_000)
        }
        return true
    }

    /// Waits until at least `count` lines arrived, then a short while more so that an extra
    /// (duplicate) line would show up too.
    func waitFor(_ count: Int, settle: UInt32 = 250_000) -> [String] {
        waitUntil { $0.lines.count >= count }
        usleep(settle)
        return lines
    }

    /// Sends `signal` (SIGINT by default), waits for the exit and for the last of its output.
    func stop(_ signal: Int32 = SIGINT) {
        if process.isRunning { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        waitUntil { follower in
            follower.lock.lock()
            defer { follower.lock.unlock() }
            return follower.outputEnded
        }
    }
}
