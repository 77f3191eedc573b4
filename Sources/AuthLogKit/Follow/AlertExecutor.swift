import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs `--exec CMD` for each alert with the alert's figures as separate arguments:
///
///     CMD KEY_TYPE KEY COUNT WINDOW_SECONDS RULE
///
/// never through a shell, so nothing in a log line can become a command. At most
/// `maxRunning` commands run at once (others wait in a bounded queue, the rest are dropped
/// and reported); one that outlives `timeout` is killed. Failures are reported, never fatal.
public final class AlertExecutor {
    public let command: String
    let maxRunning: Int
    let maxQueued: Int
    let timeout: TimeInterval
    private var running: [(pid: pid_t, started: Date, key: String)] = []
    private var queued: [[String]] = []
    private let report: (String) -> Void

    public init(command: String, maxRunning: Int = 4, maxQueued: Int = 256, timeout: TimeInterval = 30,
                report: @escaping (String) -> Void) {
        self.command = command
        self.maxRunning = maxRunning
        self.maxQueued = maxQueued
        self.timeout = timeout
        self.report = report
    }

    public func submit(_ alert: Alert) {
        let arguments = [alert.rule.key.rawValue, alert.key, String(alert.count), String(alert.rule.windowSeconds), alert.rule.text]
        if running.count < maxRunning {
            start(arguments)
        } else if queued.count < maxQueued {
            queued.append(arguments)
        } else {
            report("--exec: \(queued.count) alerts already waiting; dropped the one for \(alert.key)")
        }
    }

    /// Reaps finished commands, kills overdue ones, starts queued ones. Call regularly.
    public func poll() {
        var stillRunning: [(pid: pid_t, started: Date, key: String)] = []
        for process in running {
            var status: Int32 = 0
            let result = waitpid(process.pid, &status, WNOHANG)
            if result == process.pid {
                let exited = (status & 0x7F) == 0
                let code = (status >> 8) & 0xFF
                if !exited {
                    report("--exec \(command) for \(process.key) was killed by signal \(status & 0x7F)")
                } else if code != 0 {
                    report("--exec \(command) for \(process.key) exited with status \(code)")
                }
                continue
            }
            if Date().timeIntervalSince(process.started) > timeout {
                kill(process.pid, SIGKILL)
                waitpid(process.pid, &status, 0)
                report("--exec \(command) for \(process.key) took longer than \(Int(timeout)) s and was killed")
                continue
            }
            stillRunning.append(process)
        }
        running = stillRunning
        while running.count < maxRunning, !queued.isEmpty { start(queued.removeFirst()) }
    }

    /// True while commands are running or waiting.
    public var isBusy: Bool { !running.isEmpty || !queued.isEmpty }

    /// Waits for everything still running (at exit), up to the timeout.
    public func drain() {
        let deadline = Date().addingTimeInterval(timeout)
        while isBusy, Date() < deadline {
            poll()
            if isBusy { usleep(20_000) }
        }
    }

    private func start(_ arguments: [String]) {
        let argv = ([command] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, command, nil, nil, argv, environ)
        if result != 0 {
            report("--exec \(command): cannot run it: \(String(cString: strerror(result)))")
            return
        }
        running.append((pid, Date(), arguments[1]))
    }
}
