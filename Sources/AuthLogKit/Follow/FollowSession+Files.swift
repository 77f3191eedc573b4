import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Which files are followed, and from where each is read.
extension FollowSession {
    /// Only files were written to: read those, checking first that they were not truncated.
    /// False when one of them needs a full look (rewritten, or new content not identified
    /// yet): then the caller ticks, which compares it with every followed file.
    func readWritten(_ paths: Set<String>) -> Bool {
        let written = tails.values.filter { paths.contains($0.path) }
        for tail in written {
            var info = stat()
            guard fstat(tail.descriptor, &info) == 0 else { return false }
            if tail.identifying || isRewritten(tail, size: Int(info.st_size)) { return false }
        }
        for tail in written { read(tail) }
        return true
    }

    func tick(startup: Bool) {
        let now = Date().timeIntervalSince1970
        lastFullTick = now
        var reachable = Set<FileIdentity>()
        var known: [(Tail, String, Int)] = []
        var fresh: [(String, FileIdentity, Int)] = []
        for path in candidatePaths() {
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            let identity = FileIdentity(info)
            guard reachable.insert(identity).inserted else { continue }
            if let tail = tails[identity] {
                known.append((tail, path, Int(info.st_size)))
            } else {
                fresh.append((path, identity, Int(info.st_size)))
            }
        }
        // What each file had read before anything changed in this tick: new content is
        // compared with that (copytruncate copies first, then truncates the original).
        let origins = tails.values.filter { !$0.identifying && $0.mirrorOf == nil && !$0.head.isEmpty }.map(CopyOrigin.init)
        for (path, identity, size) in fresh { open(path, identity: identity, size: size, startup: startup) }
        var restarted = Set<FileIdentity>()
        for (tail, path, size) in known {
            tail.path = path
            tail.unreachableSince = nil
            if isRewritten(tail, size: size) {
                restart(tail)
                restarted.insert(tail.identity)
            }
        }
        for tail in tails.values where tail.identifying { identify(tail, among: origins, restarted: restarted) }
        for tail in tails.values where !reachable.contains(tail.identity) && tail.unreachableSince == nil {
            tail.unreachableSince = now
        }
        // Logs found in subdirectories: their directories are watched too.
        watcher?.watch(Set(tails.values.map { Self.directory(of: $0.path) }))
        // Read in a stable order: older names first, so rotated files come before new ones.
        for tail in tails.values.sorted(by: { LogFileNaming.readingOrder($0.path, $1.path) }) { read(tail) }
        for tail in tails.values {
            guard let since = tail.unreachableSince, now - since >= options.rotationGrace else { continue }
            releaseCopies(of: tail)
            read(tail)
            finishPartialLine(of: tail)  // nobody will finish it now
            close(tail.descriptor)
            tails[tail.identity] = nil
        }
    }

    /// Decides where new content is read from: after what was read of the file it copies,
    /// or from its start. Undecided while it is too short to tell (a copy being written).
    private func identify(_ tail: Tail, among origins: [CopyOrigin], restarted: Set<FileIdentity>) {
        let head = readHead(tail.descriptor)
        let (check, origin) = CopyCheck.check(head, against: origins.filter { $0.identity != tail.identity })
        switch check {
        case .undetermined:
            return
        case .new:
            tail.identifying = false
        case .copy(let original):
            guard let origin else { return }
            tail.identifying = false
            tail.head = head
            tail.continueAfter(origin)
            // The original still holds its content: its lines are read there, and this copy
            // waits until the original is truncated (then it reads what the original had
            // not read yet). An original restarted in this tick has released its copies.
            if !restarted.contains(original), tails[original] != nil { tail.mirrorOf = original }
        }
    }

    /// The copies waiting on `original` continue from where it is now.
    func releaseCopies(of original: Tail) {
        let origin = CopyOrigin(original)
        for tail in tails.values where tail.mirrorOf == original.identity {
            tail.mirrorOf = nil
            tail.continueAfter(origin)
        }
    }

    private func restart(_ tail: Tail) {
        releaseCopies(of: tail)
        tail.restart()
        tail.mirrorOf = nil
        tail.identifying = true
    }

    /// Explicit files, and the log files of followed directories and their subdirectories,
    /// found as `scan` finds them (archives are not followed; --include/--exclude apply).
    func candidatePaths() -> [String] {
        var paths = explicitFiles
        for directory in directories { paths += logFiles(in: directory) }
        return paths
    }

    func logFiles(in directory: String) -> [String] {
        InputDiscovery.discover([directory], filter: scanOptions.pathFilter).inputs.map(\.path).filter { !$0.hasSuffix(".gz") }
    }

    /// A followed directory with nothing to follow is said once, at start: a wrong path or
    /// a --include that matches nothing should not look like a quiet server.
    func warnAboutEmptyDirectories() {
        for directory in directories {
            let found = InputDiscovery.discover([directory], filter: scanOptions.pathFilter)
            for problem in found.unscanned where problem.isError {
                diagnostics?.warning("\(problem.path): \(problem.reason); not followed")
            }
            if found.inputs.allSatisfy({ $0.path.hasSuffix(".gz") }) {
                diagnostics?.warning("\(directory): no log files in it or its subdirectories (yet); new ones will be followed when they appear")
            }
        }
    }

    private func open(_ path: String, identity: FileIdentity, size: Int, startup: Bool) {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            diagnostics?.error("\(path): \(String(cString: strerror(errno)))")
            return
        }
        let start = startup && !options.fromStart ? size : 0
        let tail = Tail(identity: identity, path: path, descriptor: descriptor, offset: start, line: 0)
        if startup {
            let head = readHead(descriptor)
            tail.head = start >= head.count ? head : []
            if start > 0, start == size, start <= 4 << 20 {
                tail.line = countLines(descriptor, upTo: start)  // line numbers stay true when cheap
            }
        } else {
            tail.identifying = true  // a new file may be a copy (copytruncate's .1)
        }
        tails[identity] = tail
    }

    /// Truncated (shorter than what was read) or rewritten (first bytes differ). A copy
    /// waiting on its original has read nothing itself: only its first bytes say.
    func isRewritten(_ tail: Tail, size: Int) -> Bool {
        if tail.mirrorOf == nil, size < tail.offset { return true }
        guard !tail.head.isEmpty else { return false }
        return readHead(tail.descriptor, length: tail.head.count) != tail.head
    }

    func readHead(_ descriptor: Int32, length: Int = Tail.headLength) -> [UInt8] {
        var head = [UInt8](repeating: 0, count: length)
        let got = head.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, length, 0) }
        return Array(head.prefix(max(0, got)))
    }

    private func countLines(_ descriptor: Int32, upTo end: Int) -> Int {
        var count = 0, position = 0
        while position < end {
            let got = readBuffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, min($0.count, end - position), off_t(position)) }
            guard got > 0 else { break }
            count += readBuffer[0..<got].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            position += got
        }
        return count
    }
}
