import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on a summary state, held from reading the state to writing the next
/// one. Without it two overlapping runs report the same lines, and the slower one saves
/// older offsets last, so the next run reports them a third time.
///
/// The lock is `flock(2)` on `STATE.lock` beside the state, not on the state itself: the
/// state is replaced by rename, and a lock on a file that is renamed over locks nothing.
/// The lock file is never removed (removing it would let a third run lock a new file while
/// the second still holds the old one). The kernel drops the lock when the process ends,
/// however it ends, so a killed run leaves no stale lock.
public final class StateLock {
    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    public static func lockPath(forState state: String) -> String { state + ".lock" }

    /// Takes the lock, waiting up to `waitSeconds` for another run to release it.
    public static func acquire(state: String, waitSeconds: Double) throws(InputError) -> StateLock {
        let path = lockPath(forState: state)
        // O_NOFOLLOW: a link planted under the lock's name is not followed; O_NONBLOCK: a
        // FIFO planted there does not hang the open (the type is checked right after).
        let descriptor = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw InputError(message: "cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw InputError(message: "the lock file \(path) is not a regular file")
        }
        let deadline = monotonicSeconds() + max(0, waitSeconds)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK else {
                close(descriptor)
                throw InputError(message: "cannot lock \(path): \(String(cString: strerror(code)))")
            }
            guard monotonicSeconds() < deadline else {
                close(descriptor)
                throw InputError(message: "another authlog summary is using this state (lock \(path) held); "
                                 + "waited \(TextReport.format(Int(waitSeconds.rounded()))) s (--wait-lock)")
            }
            // flock(2) has no timeout: poll. A tenth of a second is nothing next to a summary run.
            usleep(100_000)
        }
        return StateLock(path: path, descriptor: descriptor)
    }

    private static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
