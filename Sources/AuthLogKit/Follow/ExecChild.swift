import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One running `--exec` command: its process group (led by `pid`) and the read end of the
/// pipe that holds its stdout and stderr, passed on line by line.
final class ExecChild {
    let pid: pid_t
    let output: Int32
    let key: String
    let started = Date()
    private let prefix: String
    private(set) var leaderExited = false
    private(set) var outputClosed = false
    private(set) var finished = false
    private var pending: [UInt8] = []
    /// A command that writes without newlines is still shown, cut at this length.
    static let maxLine = 4096

    init(pid: pid_t, output: Int32, key: String, prefix: String) {
        self.pid = pid
        self.output = output
        self.key = key
        self.prefix = prefix
    }

    /// Reads what the command wrote and passes on every complete line.
    func readOutput(_ forward: (String) -> Void) {
        guard !outputClosed else { return }
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let got = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if got == 0 { outputClosed = true; break }
            if got < 0 {
                if errno == EINTR { continue }
                if errno != EAGAIN { outputClosed = true }
                break
            }
            pending += buffer[0..<got]
            while let newline = pending.firstIndex(of: 0x0A) {
                emit(pending[..<newline], forward)
                pending.removeSubrange(...newline)
            }
            while pending.count >= Self.maxLine {
                emit(pending[..<Self.maxLine], forward)
                pending.removeFirst(Self.maxLine)
            }
        }
    }

    /// Reaps the leader if it has ended: its exit code or the signal that ended it.
    func reap() -> (code: Int32, signal: Int32)? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        leaderExited = true
        return ((status >> 8) & 0xFF, status & 0x7F)
    }

    /// Signals the whole process group: the command and whatever it started.
    func killGroup(_ signal: Int32) {
        guard !finished else { return }
        kill(-pid, signal)
    }

    func waitForLeader() {
        guard !leaderExited else { return }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        leaderExited = true
    }

    /// Passes on what is left of the output and closes the pipe.
    func finish(_ forward: (String) -> Void) {
        guard !finished else { return }
        readOutput(forward)
        if !pending.isEmpty { emit(pending[...], forward) }
        pending = []
        close(output)
        finished = true
    }

    private func emit(_ line: ArraySlice<UInt8>, _ forward: (String) -> Void) {
        var text = line
        if text.last == 0x0D { text = text.dropLast() }
        forward(prefix + TerminalText.escape(String(decoding: text, as: UTF8.self)))
    }
}
