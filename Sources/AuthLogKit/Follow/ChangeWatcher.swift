import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// inotify watches on the directories that hold followed files: any change there (a write,
/// a rename, a new file, a deletion) wakes the follow loop at once, and nothing does
/// otherwise, so an idle follow costs no CPU.
final class ChangeWatcher {
    let descriptor: Int32
    private var missing: [String]
    private var requested: Set<String>
    private var directoryOfWatch: [Int32: String] = [:]
    private var buffer = [UInt8](repeating: 0, count: 64 << 10)

    /// What the pending events say: whether names changed (a file appeared, was renamed,
    /// deleted, or the queue overflowed), and which files were only written to.
    struct Changes {
        var structural = false
        var written: Set<String> = []
    }

    /// `directories` as the followed paths spell them ("" for the current directory), so
    /// that a written file's name is built the same way as the path it is followed by.
    init?(directories: [String]) {
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
        self.missing = Array(Set(directories))
        self.requested = Set(directories)
        watchMissing()
    }

    /// Also watches these directories (logs found in subdirectories of a followed one).
    func watch(_ directories: Set<String>) {
        let added = directories.subtracting(requested)
        guard !added.isEmpty else { return }
        requested.formUnion(added)
        missing += added
        watchMissing()
    }

    deinit { close(descriptor) }

    /// Adds watches for directories that did not exist before.
    func watchMissing() {
        guard !missing.isEmpty else { return }
        let mask = UInt32(IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ATTRIB)
        missing = missing.filter { directory in
            let watch = inotify_add_watch(descriptor, directory.isEmpty ? "." : directory, mask)
            if watch >= 0 { directoryOfWatch[watch] = directory }
            return watch < 0
        }
    }

    /// Reads the pending events. A write only needs its file read; anything else makes the
    /// follow loop look at every name again.
    func drain() -> Changes {
        var changes = Changes()
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            var offset = 0
            buffer.withUnsafeBytes { raw in
                // struct inotify_event { int wd; uint32_t mask, cookie, len; char name[len]; }
                while offset + 16 <= count {
                    let watch = raw.load(fromByteOffset: offset, as: Int32.self)
                    let mask = raw.load(fromByteOffset: offset + 4, as: UInt32.self)
                    let length = Int(raw.load(fromByteOffset: offset + 12, as: UInt32.self))
                    let nameBytes = raw[(offset + 16)..<min(count, offset + 16 + length)].prefix { $0 != 0 }
                    offset += 16 + length
                    let onlyWritten = mask & ~UInt32(IN_MODIFY | IN_CLOSE_WRITE) == 0
                    if onlyWritten, !nameBytes.isEmpty, let directory = directoryOfWatch[watch] {
                        let name = String(decoding: nameBytes, as: UTF8.self)
                        changes.written.insert(directory.isEmpty ? name : directory.hasSuffix("/") ? directory + name : directory + "/" + name)
                    } else {
                        changes.structural = true
                    }
                }
            }
        }
        return changes
    }
}

/// Signals as bytes on a pipe (the self-pipe trick), so the follow loop handles them in
/// order on its own thread instead of inside a signal handler.
enum SignalPipe {
    // SAFETY: written once before the handlers are installed, then only read by them.
    nonisolated(unsafe) private static var writeEnd: Int32 = -1

    /// Installs handlers for `signals`; returns the pipe's read end.
    static func install(_ signals: [Int32]) -> Int32 {
        var ends: [Int32] = [0, 0]
        _ = pipe(&ends)
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        writeEnd = ends[1]
        // A parent may have started us with these signals blocked (test runners, some
        // service managers): unblock them, or SIGTERM would never end a follow.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for number in signals { sigaddset(&unblock, number) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for number in signals {
            signal(number) { received in
                var byte = UInt8(truncatingIfNeeded: received)
                _ = write(SignalPipe.writeEnd, &byte, 1)
            }
        }
        return ends[0]
    }

    static func drain(_ descriptor: Int32) -> [Int32] {
        var received: [Int32] = []
        var byte: UInt8 = 0
        while read(descriptor, &byte, 1) == 1 { received.append(Int32(byte)) }
        return received
    }
}
