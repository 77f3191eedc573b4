import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Decides, from the saved checkpoints, which bytes of each log are new since the last run,
/// and produces the checkpoints to save after this one.
public enum IncrementalPlanner {
    static let fingerprintBytes = 1024

    /// A file found now, with what is needed to match it to a checkpoint.
    struct Candidate {
        var input: LogInput
        var device: UInt64
        var inode: UInt64
        /// Up to `fingerprintBytes` first bytes of the content (decompressed for archives).
        var head: [UInt8]
        /// Bytes of content up to the last newline (plain files); nil for archives, read to the end.
        var completeLength: Int?
        /// For archives: size and modification time of the compressed file.
        var archive: (size: Int, modified: Int64)?
    }

    public struct Plan {
        public var inputs: [LogInput]
        public var unscanned: [UnscannedInput]
        /// For each input: the checkpoint to save if it is read completely.
        var pending: [Pending]
        /// Last event times carried over from the matched checkpoints.
        var previousLastTime: [String: String] = [:]
        /// Archives read to their end before and unchanged since: not read, kept as they were.
        var carried: [SummaryState.Checkpoint] = []
    }

    struct Pending {
        var path: String
        var device: UInt64
        var inode: UInt64
        var start: Int
        var fingerprint: String
        var fingerprintLength: Int
        var archive: (size: Int, modified: Int64)?
    }

    public static func plan(arguments: [String], filter: PathFilter, state: SummaryState?) -> Plan {
        plan(arguments: arguments.map(LogPath.init), filter: filter, state: state)
    }

    public static func plan(arguments: [LogPath], filter: PathFilter, state: SummaryState?) -> Plan {
        let discovery = InputDiscovery.discover(arguments, filter: filter)
        var plan = Plan(inputs: [], unscanned: discovery.unscanned, pending: [])
        var unclaimed = state?.checkpoints ?? []
        for input in discovery.inputs {
            if input.isStandardInput {
                plan.unscanned.append(UnscannedInput(path: "-", reason: "standard input cannot be read incrementally; drop --state or give files", isError: true))
                continue
            }
            guard let candidate = inspect(input) else {
                plan.unscanned.append(UnscannedInput(path: input.path, reason: String(cString: strerror(errno)), isError: true))
                continue
            }
            var start = 0
            // Prefer the checkpoint of the same inode, then any whose fingerprint matches.
            let matching = unclaimed.indices.filter { matches(candidate, unclaimed[$0]) }
            if let index = matching.first(where: { unclaimed[$0].inode == candidate.inode && unclaimed[$0].device == candidate.device })
                ?? matching.first {
                var checkpoint = unclaimed.remove(at: index)
                plan.previousLastTime[input.path] = checkpoint.lastTime
                if let archive = candidate.archive, checkpoint.archiveSize == archive.size,
                   checkpoint.archiveModified == archive.modified {
                    // An archive already read to its end and untouched since: nothing new in
                    // it, and no need to decompress it again to find that out.
                    checkpoint.path = input.path
                    plan.carried.append(checkpoint)
                    continue
                }
                // A file shorter than where we stopped was truncated (copytruncate) and
                // rewritten: it is all new.
                if let length = candidate.completeLength, length < checkpoint.offset {
                    start = 0
                } else {
                    start = checkpoint.offset
                }
            }
            let end = candidate.completeLength ?? Int.max
            let fingerprintLength = min(candidate.head.count, fingerprintBytes)
            plan.pending.append(Pending(path: input.path, device: candidate.device, inode: candidate.inode, start: start,
                                        fingerprint: fingerprint(candidate.head, length: fingerprintLength),
                                        fingerprintLength: fingerprintLength, archive: candidate.archive))
            var ranged = input
            ranged.byteRange = start..<max(start, end)
            plan.inputs.append(ranged)
        }
        return plan
    }

    /// The checkpoints after a run: each file's start plus the bytes read from it.
    public static func checkpoints(after plan: Plan, report: ScanReport) -> [SummaryState.Checkpoint] {
        var result = plan.carried
        for pending in plan.pending {
            // A file that could not be scanned keeps no checkpoint: it is tried again next time.
            guard let stats = report.files.first(where: { $0.path == pending.path }) else { continue }
            // An archive read to its end without error need not be decompressed again.
            let finished = pending.archive != nil && !report.unscanned.contains { $0.path == pending.path }
            let previous = plan.previousLastTime[pending.path]
            let lastTime = stats.lastEventTime.map(CivilTime.iso8601) ?? previous
            result.append(SummaryState.Checkpoint(path: pending.path, device: pending.device, inode: pending.inode,
                                                  offset: pending.start + stats.bytes, fingerprint: pending.fingerprint,
                                                  fingerprintLength: pending.fingerprintLength, lastTime: lastTime,
                                                  archiveSize: finished ? pending.archive?.size : nil,
                                                  archiveModified: finished ? pending.archive?.modified : nil))
        }
        return result
    }

    static func matches(_ candidate: Candidate, _ checkpoint: SummaryState.Checkpoint) -> Bool {
        guard candidate.head.count >= checkpoint.fingerprintLength, checkpoint.fingerprintLength > 0 else { return false }
        return fingerprint(candidate.head, length: checkpoint.fingerprintLength) == checkpoint.fingerprint
    }

    static func fingerprint(_ bytes: [UInt8], length: Int) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes.prefix(length) { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Identity, first bytes and complete length of a file (archives decompressed).
    static func inspect(_ input: LogInput) -> Candidate? {
        let descriptor = input.open()
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        var head = [UInt8](repeating: 0, count: fingerprintBytes)
        let got = head.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard got >= 0 else { return nil }
        head.removeLast(fingerprintBytes - got)
        var completeLength: Int? = nil
        var archive: (size: Int, modified: Int64)? = nil
        if head.count >= 2, head[0] == 0x1F, head[1] == 0x8B {
            head = decompressedHead(descriptor)
            archive = (Int(info.st_size), Int64(info.st_mtim.tv_sec))
        } else {
            completeLength = lastNewlineEnd(descriptor, size: Int(info.st_size))
        }
        return Candidate(input: input, device: UInt64(info.st_dev), inode: UInt64(info.st_ino), head: head,
                         completeLength: completeLength, archive: archive)
    }

    private static func decompressedHead(_ descriptor: Int32) -> [UInt8] {
        lseek(descriptor, 0, SEEK_SET)
        guard let source = try? GzipSource(wrapping: DescriptorSource(descriptor: descriptor)) else { return [] }
        var head = [UInt8](repeating: 0, count: fingerprintBytes)
        var filled = 0
        while filled < head.count {
            let got = (try? head.withUnsafeMutableBytes { try source.read(into: $0.baseAddress! + filled, count: $0.count - filled) }) ?? 0
            if got == 0 { break }
            filled += got
        }
        return Array(head.prefix(filled))
    }

    /// Offset just after the last newline (a line still being written is left for next time).
    private static func lastNewlineEnd(_ descriptor: Int32, size: Int) -> Int {
        var end = size
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while end > 0 {
            let start = max(0, end - buffer.count)
            let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, end - start, off_t(start)) }
            guard got > 0 else { return 0 }
            if let index = buffer[0..<got].lastIndex(of: 0x0A) { return start + index + 1 }
            end = start
        }
        return 0
    }
}
