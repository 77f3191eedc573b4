import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a follow session sends what it finds. Called on the session's thread, in order.
public protocol FollowOutput: AnyObject {
    func event(_ event: AuthEvent)
    func alert(_ alert: Alert)
    func summary(_ aggregate: FailureAggregate, final: Bool)
}

/// How `authlog follow` behaves.
public struct FollowOptions: Sendable {
    /// Read existing files from their start instead of their end.
    public var fromStart = false
    /// Poll every so often instead of waiting for inotify (network file systems).
    public var pollInterval: Double? = nil
    /// How long a file renamed away or deleted is still read (nginx writes to
    /// `access.log.1` until `nginx -s reopen`).
    public var rotationGrace: Double = 15
    public var alerts: [AlertRule] = []
    public var exec: String? = nil
    public var execTimeout: Double = 30
    public var summaryEvery: Double? = nil

    public init() {}
}

/// Live tailing like `tail -F`, for files and directories, through the scan's patterns.
///
/// Every wake-up (an inotify event on a watched directory, a poll tick, a signal) rescans the
/// names: a name now leading to another file means rotation (the old file is read to its end
/// for a grace period, the new one from its start); a file shorter than what was read, or
/// whose first bytes changed, was truncated (copytruncate) and is read again from its start;
/// a new file in a followed directory whose first bytes are those of a followed file is a
/// copy of it and is read from where that file was. So no line is lost or reported twice.
public final class FollowSession {
    private let patterns: CompiledPatterns
    private let scanOptions: ScanOptions
    private let options: FollowOptions
    private weak var output: FollowOutput?
    private weak var diagnostics: ScanDiagnostics?
    private var tails: [FileIdentity: Tail] = [:]
    private var explicitFiles: [String] = []
    private var directories: [String] = []
    private var aggregate: FailureAggregate
    private var alerts: SlidingAlerts
    private let executor: AlertExecutor?
    private var watcher: ChangeWatcher?
    private var readBuffer = [UInt8](repeating: 0, count: 256 << 10)
    /// When names were last all looked at (a full tick); writes alone only read their file.
    private var lastFullTick = 0.0

    public init(patterns: CompiledPatterns, scanOptions: ScanOptions, options: FollowOptions,
                output: FollowOutput, diagnostics: ScanDiagnostics?) {
        self.patterns = patterns
        self.scanOptions = scanOptions
        self.options = options
        self.output = output
        self.diagnostics = diagnostics
        self.aggregate = FailureAggregate(maxKeys: scanOptions.maxKeys)
        self.alerts = SlidingAlerts(rules: options.alerts)
        self.executor = options.exec.map { command in
            AlertExecutor(command: command, timeout: options.execTimeout) { [weak diagnostics] message in
                diagnostics?.warning(message)
            }
        }
    }

    /// Follows `paths` until SIGINT or SIGTERM; prints the final summary and returns.
    public func run(paths: [String]) {
        for path in paths {
            var info = stat()
            if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                directories.append(path)
            } else {
                explicitFiles.append(path)
                if stat(path, &info) != 0 {
                    diagnostics?.warning("\(path): does not exist yet; it will be followed when it appears")
                }
            }
        }
        let signals = SignalPipe.install([SIGINT, SIGTERM, SIGUSR1])
        if options.pollInterval == nil {
            watcher = ChangeWatcher(directories: directories + explicitFiles.map { ($0 as NSString).deletingLastPathComponent })
            if watcher == nil { diagnostics?.warning("inotify is not available; polling every second") }
        }
        tick(startup: true)
        var nextSummary = options.summaryEvery.map { Date().timeIntervalSince1970 + $0 }
        while true {
            var timeout = options.pollInterval ?? (watcher == nil ? 1.0 : 2.0)
            if executor?.isBusy == true { timeout = min(timeout, 0.05) }
            if let next = nextSummary { timeout = max(0, min(timeout, next - Date().timeIntervalSince1970)) }
            var descriptors = [pollfd(fd: signals, events: Int16(POLLIN), revents: 0)]
            if let watcher { descriptors.append(pollfd(fd: watcher.descriptor, events: Int16(POLLIN), revents: 0)) }
            _ = poll(&descriptors, nfds_t(descriptors.count), Int32(timeout * 1000))
            for signal in SignalPipe.drain(signals) {
                switch signal {
                case SIGUSR1:
                    output?.summary(aggregate, final: false)
                default:
                    tick(startup: false)
                    executor?.drain()
                    output?.summary(aggregate, final: true)
                    return
                }
            }
            if let watcher {
                // Let a burst of writes settle so that one wake-up reads them all.
                usleep(1000)
                let changes = watcher.drain()
                watcher.watchMissing()
                let now = Date().timeIntervalSince1970
                if changes.structural || now - lastFullTick >= 1 {
                    tick(startup: false)
                } else {
                    readWritten(changes.written)
                }
            } else {
                tick(startup: false)
            }
            executor?.poll()
            if let next = nextSummary, Date().timeIntervalSince1970 >= next {
                output?.summary(aggregate, final: false)
                nextSummary = next + (options.summaryEvery ?? 60)
            }
        }
    }

    // MARK: - Tracking files

    /// Only files were written to: read those, checking first that they were not truncated.
    private func readWritten(_ paths: Set<String>) {
        for tail in tails.values where paths.contains(tail.path) {
            var info = stat()
            if fstat(tail.descriptor, &info) == 0 { checkRewrite(tail, size: Int(info.st_size)) }
            read(tail)
        }
    }

    private func tick(startup: Bool) {
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
        // New files first: a copy (copytruncate) must be compared with the original's first
        // bytes and offset before the original's truncation resets them.
        for (path, identity, size) in fresh { open(path, identity: identity, size: size, startup: startup) }
        for (tail, path, size) in known {
            tail.path = path
            tail.unreachableSince = nil
            checkRewrite(tail, size: size)
        }
        for tail in tails.values where !reachable.contains(tail.identity) && tail.unreachableSince == nil {
            tail.unreachableSince = now
        }
        // Read in a stable order: older names first, so rotated files come before new ones.
        for tail in tails.values.sorted(by: { LogFileNaming.readingOrder($0.path, $1.path) }) { read(tail) }
        for tail in tails.values {
            guard let since = tail.unreachableSince, now - since >= options.rotationGrace else { continue }
            read(tail)
            if !tail.partial.isEmpty {  // nobody will finish it now
                let rest = tail.partial
                tail.partial = []
                rest.withUnsafeBytes { handle(line: $0, of: tail) }
            }
            close(tail.descriptor)
            tails[tail.identity] = nil
        }
    }

    /// Explicit files, and the log files of followed directories (archives are not followed;
    /// --include/--exclude apply).
    private func candidatePaths() -> [String] {
        var paths = explicitFiles
        for directory in directories {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for name in names.sorted() where LogFileNaming.kind(of: name) == .log && !name.hasSuffix(".gz")
                && scanOptions.pathFilter.admits(name: name, relativePath: name) {
                paths.append(directory.hasSuffix("/") ? directory + name : directory + "/" + name)
            }
        }
        return paths
    }

    private func open(_ path: String, identity: FileIdentity, size: Int, startup: Bool) {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            diagnostics?.error("\(path): \(String(cString: strerror(errno)))")
            return
        }
        var start = startup && !options.fromStart ? size : 0
        let head = readHead(descriptor)
        if !startup {
            // A copy of a followed file (copytruncate) starts with that file's first bytes:
            // what was read from the original is not read again.
            if let original = tails.values.first(where: { !$0.head.isEmpty && head.starts(with: $0.head) }) {
                start = min(original.offset, size)
            }
        }
        let tail = Tail(identity: identity, path: path, descriptor: descriptor, offset: start, line: 0)
        tail.head = start >= head.count ? head : []
        if start > 0, start == size, start <= 4 << 20 {
            tail.line = countLines(descriptor, upTo: start)  // line numbers stay true when cheap
        }
        tails[identity] = tail
    }

    /// Truncated (shorter than what was read) or rewritten (first bytes differ): start over.
    private func checkRewrite(_ tail: Tail, size: Int) {
        if size < tail.offset {
            tail.restart()
            return
        }
        guard !tail.head.isEmpty else { return }
        let current = readHead(tail.descriptor, length: tail.head.count)
        if current != tail.head { tail.restart() }
    }

    private func readHead(_ descriptor: Int32, length: Int = Tail.headLength) -> [UInt8] {
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

    // MARK: - Reading lines

    private func read(_ tail: Tail) {
        while true {
            let got = readBuffer.withUnsafeMutableBytes { pread(tail.descriptor, $0.baseAddress, $0.count, off_t(tail.offset)) }
            guard got > 0 else { return }
            if tail.offset < Tail.headLength, tail.head.count == tail.offset {
                tail.head += readBuffer[0..<min(got, Tail.headLength - tail.offset)]
            }
            tail.offset += got
            readBuffer.withUnsafeBytes { consume(UnsafeRawBufferPointer(rebasing: $0[..<got]), of: tail) }
        }
    }

    private func consume(_ bytes: UnsafeRawBufferPointer, of tail: Tail) {
        var start = 0
        while let newline = bytes[start...].firstIndex(of: 0x0A) {
            if tail.discarding {
                tail.discarding = false
                tail.line += 1
            } else if tail.partial.isEmpty {
                handle(line: UnsafeRawBufferPointer(rebasing: bytes[start..<newline]), of: tail)
            } else {
                tail.partial += bytes[start..<newline]
                let line = tail.partial
                tail.partial = []
                line.withUnsafeBytes { handle(line: $0, of: tail) }
            }
            start = newline + 1
        }
        guard start < bytes.count, !tail.discarding else { return }
        tail.partial += bytes[start...]
        if tail.partial.count > scanOptions.maxLineLength {
            tail.partial = []
            tail.discarding = true
            diagnostics?.warning("\(tail.path): line \(tail.line + 1) is longer than \(scanOptions.maxLineLength) bytes; skipped")
        }
    }

    private func handle(line raw: UnsafeRawBufferPointer, of tail: Tail) {
        tail.line += 1
        guard let classifier = classifier(for: tail) else { return }
        var line = raw
        if let last = line.last, last == 0x0D { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
        if line.contains(0) { return }  // binary junk
        guard case .event(let event) = classifier.classify(line, file: tail.path, lineNumber: tail.line) else { return }
        aggregate.add(event)
        output?.event(event)
        for alert in alerts.add(event, now: Int64(Date().timeIntervalSince1970)) {
            output?.alert(alert)
            executor?.submit(alert)
        }
    }

    private func classifier(for tail: Tail) -> LineClassifier? {
        if let classifier = tail.classifier { return classifier }
        if tail.detectionFailed { return nil }
        var format: CompiledFormat?
        if let name = scanOptions.formatOverride {
            format = patterns.format(named: name)
        } else {
            var sample = [UInt8](repeating: 0, count: 64 << 10)
            let got = sample.withUnsafeMutableBytes { pread(tail.descriptor, $0.baseAddress, $0.count, 0) }
            if got > 0 {
                format = sample.withUnsafeBytes {
                    FormatDetector(formats: patterns.formats).detect(sample: UnsafeRawBufferPointer(rebasing: $0[..<got]), path: tail.path)
                }
            }
            if format == nil, got >= 4096 {
                tail.detectionFailed = true
                diagnostics?.warning("\(tail.path): not a log format authlog knows; not followed (choose one with --log-format)")
            }
        }
        guard let format else { return nil }
        let classifier = LineClassifier(format: format, limits: scanOptions.matchLimits, timeZone: scanOptions.timeZone,
                                        now: Int64(Date().timeIntervalSince1970))
        tail.classifier = classifier
        return classifier
    }
}
