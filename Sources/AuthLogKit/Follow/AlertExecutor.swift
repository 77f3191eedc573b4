import Foundation
import CByteSearch
#if canImport(Glibc)
import Glibc
#endif

/// Runs `--exec` for each alert with the alert's figures as separate arguments:
///
///     PROGRAM [ARGUMENTS…] -- KEY_TYPE KEY COUNT WINDOW_SECONDS RULE
///
/// never through a shell, so nothing in a log line can become a command. Each command is
/// isolated (see `authlog_spawn_isolated`): stdin /dev/null, its output to authlog's stderr
/// line by line behind `authlog: exec PROGRAM: ` (never into the event stream on stdout), no
/// other descriptor, its own process group. At most `maxRunning` commands run at once (others
/// wait in a bounded queue, the rest are dropped and reported); one that outlives `timeout` is
/// killed with everything it started. Failures are reported, never fatal.
public final class AlertExecutor {
    public let command: ExecCommand
    let maxRunning: Int
    let maxQueued: Int
    let timeout: TimeInterval
    private var children: [ExecChild] = []
    private var queued: [(fields: [String], key: String)] = []
    private var stopping = false
    private let report: (String) -> Void
    private let forward: (String) -> Void

    /// `report` gets authlog's own messages about the commands, `forward` each line a command
    /// wrote (already prefixed and escaped for a terminal).
    public init(command: ExecCommand, maxRunning: Int = 4, maxQueued: Int = 256, timeout: TimeInterval = 30,
                report: @escaping (String) -> Void, forward: @escaping (String) -> Void) {
        self.command = command
        self.maxRunning = maxRunning
        self.maxQueued = maxQueued
        self.timeout = timeout
        self.report = report
        self.forward = forward
    }

    public func submit(_ alert: Alert) {
        let fields = [alert.rule.key.rawValue, alert.key, String(alert.count), String(alert.rule.windowSeconds), alert.rule.text]
        if stopping {
            report("--exec \(command.name) not run for \(alert.key): follow is stopping")
        } else if runningCount < maxRunning {
            start(fields, key: alert.key)
        } else if queued.count < maxQueued {
            queued.append((fields, alert.key))
        } else {
            report("--exec: \(queued.count) alerts already waiting; dropped the one for \(alert.key)")
        }
    }

    /// The commands' output pipes, for the follow loop's poll(2): their lines are passed on
    /// as soon as they are written.
    public var outputDescriptors: [Int32] { children.map(\.output) }

    /// True while commands are running, waiting, or their output is still open.
    public var isBusy: Bool { !children.isEmpty || !queued.isEmpty }

    private var runningCount: Int { children.count { !$0.leaderExited } }

    /// Passes output on, reaps finished commands, kills overdue ones with their process group,
    /// starts queued ones. Call regularly.
    public func poll() {
        let now = Date()
        for child in children {
            child.readOutput(forward)
            if !child.leaderExited, let status = child.reap() {
                if status.signal != 0 {
                    report("--exec \(command.name) for \(child.key) was killed by signal \(status.signal)")
                } else if status.code != 0 {
                    report("--exec \(command.name) for \(child.key) exited with status \(status.code)")
                }
            }
            if now.timeIntervalSince(child.started) > timeout {
                if !child.leaderExited {
                    report("--exec \(command.name) for \(child.key) took longer than \(DurationText.describe(seconds: Int64(timeout.rounded(.up)))) and was killed")
                }
                child.killGroup(SIGKILL)
                child.waitForLeader()
                child.finish(forward)
            } else if child.leaderExited, child.outputClosed {
                child.finish(forward)
            }
        }
        children.removeAll { $0.finished }
        while !stopping, runningCount < maxRunning, !queued.isEmpty {
            let next = queued.removeFirst()
            start(next.fields, key: next.key)
        }
    }

    /// At exit: nothing waiting is started; running commands get SIGTERM (their whole
    /// process group), `grace` seconds to end, then SIGKILL. Nothing authlog started outlives it.
    public func shutDown(grace: TimeInterval = 2) {
        stopping = true
        if !queued.isEmpty {
            report("--exec: \(queued.count) waiting alert command(s) not run: follow is stopping")
            queued.removeAll()
        }
        for child in children { child.killGroup(SIGTERM) }
        let deadline = Date().addingTimeInterval(grace)
        while children.contains(where: { !$0.leaderExited || !$0.outputClosed }), Date() < deadline {
            for child in children {
                child.readOutput(forward)
                if !child.leaderExited { _ = child.reap() }
            }
            usleep(10_000)
        }
        for child in children {
            child.killGroup(SIGKILL)
            child.waitForLeader()
            child.finish(forward)
        }
        children.removeAll()
    }

    private func start(_ fields: [String], key: String) {
        var ends: [Int32] = [-1, -1]
        // Close-on-exec at once: follow spawns on its one thread, so no other spawn can
        // inherit this pipe between pipe(2) and fcntl(2).
        guard pipe(&ends) == 0 else {
            report("--exec \(command.name): cannot make a pipe: \(String(cString: strerror(errno)))")
            return
        }
        // Descriptors 0–2 are the child's own: keep the pipe above them even if authlog was
        // started with one of them closed.
        for index in ends.indices where ends[index] < 3 {
            let moved = fcntl(ends[index], F_DUPFD_CLOEXEC, 3)
            close(ends[index])
            ends[index] = moved
        }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        let argv = command.argv(for: fields).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = authlog_spawn_isolated(&pid, command.executable, argv, environ, ends[1])
        close(ends[1])
        guard result == 0 else {
            close(ends[0])
            report("--exec \(command.name): cannot run it: \(String(cString: strerror(result)))")
            return
        }
        children.append(ExecChild(pid: pid, output: ends[0], key: key, prefix: "authlog: exec \(command.name): "))
    }
}
