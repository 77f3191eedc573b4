import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a report or a state file so that readers see the old content or the new, never
/// half of it, and so that nothing but a regular file is ever replaced. authlog runs as
/// root, often into directories other users can write; what is at the path decides:
///
/// - nothing, or a regular file: a temporary file is made next to it with `mkstemp`
///   (`O_CREAT|O_EXCL`, so a link planted under a guessed name is never followed), given
///   the old file's mode and owner, written, fsynced and renamed over the target. A run
///   killed in the middle leaves the old file in place.
/// - a character device or a FIFO (`/dev/null`, `/dev/full`, a named pipe): written straight
///   through, never created or replaced (renaming over `/dev/full` would replace the
///   system's node with a regular file).
/// - a symbolic link: followed only to something that is not a regular file, which is then
///   written through (`/dev/stdout` → `/proc/self/fd/1` → a pipe or a terminal). A link to a
///   regular file is refused: replacing the link would silently drop it, and writing
///   through it lets whoever planted it choose which file root overwrites.
/// - a directory, a block device or a socket: refused.
public enum AtomicFile {
    /// How a path is written.
    public enum Method: Sendable, Equatable {
        /// Nothing there, or a regular file: temporary file and rename.
        case replace
        /// A device or FIFO, named or behind a symbolic link: opened and written as it is.
        case writeThrough(followingLink: Bool)
    }

    /// How `write` would write `path`, or why it refuses to: commands check their targets
    /// with this before a long scan, not after it.
    public static func method(for path: String) throws(InputError) -> Method {
        var info = stat()
        if lstat(path, &info) != 0 {
            guard errno == ENOENT else { throw .system(errno) }
            return .replace
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            return .replace
        case S_IFCHR, S_IFIFO:
            return .writeThrough(followingLink: false)
        case S_IFLNK:
            var target = stat()
            guard stat(path, &target) == 0 else { throw .system(errno) }
            let kind = target.st_mode & S_IFMT
            if kind == S_IFREG {
                throw InputError(message: "is a symbolic link to a regular file: not written through and not replaced; name the file itself")
            }
            guard kind == S_IFCHR || kind == S_IFIFO else { throw refusal(kind) }
            return .writeThrough(followingLink: true)
        default:
            throw refusal(info.st_mode & S_IFMT)
        }
    }

    /// For a file authlog reads back (a state): only `.replace` will do, a device or FIFO
    /// would swallow it.
    public static func requireReplaceable(_ path: String) throws(InputError) {
        guard try method(for: path) == .replace else {
            throw InputError(message: "is not a regular file: it must be one (or not exist yet)")
        }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(InputError) {
        switch try method(for: path) {
        case .replace:
            var info = stat()
            // Only a regular file's mode and owner are kept (the path may have changed since).
            let existing = lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
            try replace(path, with: bytes, keeping: existing ? info : nil)
        case .writeThrough(let followingLink):
            try writeThrough(path, bytes, followLink: followingLink)
        }
    }

    private static func refusal(_ kind: mode_t) -> InputError {
        switch kind {
        case S_IFDIR: InputError(message: "is a directory")
        case S_IFBLK: InputError(message: "is a block device: refused")
        case S_IFSOCK: InputError(message: "is a socket: refused")
        default: InputError(message: "is not a regular file: refused")
        }
    }

    /// Opens what is there without creating or truncating anything, checks that it is still
    /// a device or a FIFO (the path may have changed since `lstat`), and writes.
    private static func writeThrough(_ path: String, _ bytes: [UInt8], followLink: Bool) throws(InputError) {
        let descriptor = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | (followLink ? 0 : O_NOFOLLOW))
        guard descriptor >= 0 else { throw .system(errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .system(errno) }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFCHR || kind == S_IFIFO else {
            throw InputError(message: "changed while it was opened: not written")
        }
        try writeAll(descriptor, bytes)
    }

    /// Temporary file beside the target, then rename: the directory entry changes in one step.
    private static func replace(_ path: String, with bytes: [UInt8], keeping existing: stat?) throws(InputError) {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let folder = directory.isEmpty ? "." : directory
        var template = Array((folder + "/.\(name).tmp.XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw .system(errno) }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)  // no --exec child inherits it
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        func fail(_ code: Int32) -> InputError {
            close(descriptor)
            unlink(temporary)
            return .system(code)
        }
        // mkstemp makes the file 0600. An existing file keeps its mode and owner (a 0600
        // report stays 0600); a new one gets 0644 less the umask, as open(2) would give it.
        if let existing {
            if geteuid() == 0 { _ = fchown(descriptor, existing.st_uid, existing.st_gid) }
            guard fchmod(descriptor, existing.st_mode & 0o7777) == 0 else { throw fail(errno) }
        } else {
            guard fchmod(descriptor, 0o644 & ~currentUmask()) == 0 else { throw fail(errno) }
        }
        do throws(InputError) {
            try writeAll(descriptor, bytes)
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard fsync(descriptor) == 0 else { throw fail(errno) }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .system(code)
        }
        let directoryDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) throws(InputError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .system(errno)
            }
            offset += written
        }
    }

    /// The process umask, read from /proc (reading it with umask(2) would change it for a
    /// moment, under any thread that creates a file at the same time).
    static func currentUmask() -> mode_t {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
           let value = mode_t(line.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8) {
            return value
        }
        let mask = umask(0o022)
        umask(mask)
        return mask
    }
}
