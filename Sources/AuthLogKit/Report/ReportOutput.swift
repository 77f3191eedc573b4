#if canImport(Glibc)
import Glibc
#endif

/// Where a writer's bytes go: a descriptor (standard output), buffered because reports can
/// be large and a write(2) per event is slow; or memory, for a report that is then put in
/// place as a whole (`--output-file`, atomically). The first failed write is kept, later
/// output is dropped, and `flush()` throws it: writers and streamed events write without
/// `try`, and the command learns of the failure at the flush.
public final class ReportOutput {
    private var buffer: [UInt8] = []
    /// nil: memory; the bytes stay in `buffer` until someone takes them.
    private let descriptor: Int32?
    private let flushThreshold: Int
    public private(set) var failure: OutputFailure?

    /// Buffered writes to `descriptor`.
    public init(descriptor: Int32, flushThreshold: Int = 64 << 10) {
        self.descriptor = descriptor
        self.flushThreshold = flushThreshold
        buffer.reserveCapacity(flushThreshold + 4096)
    }

    /// Everything kept in memory, for `bytes`.
    public init() {
        self.descriptor = nil
        self.flushThreshold = .max
    }

    public static func standardOutput() -> ReportOutput { ReportOutput(descriptor: STDOUT_FILENO) }

    /// What was written, in memory (only for an output made with `init()`).
    public var bytes: [UInt8] { buffer }

    public func write(_ text: String) {
        guard failure == nil else { return }
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= flushThreshold { drain() }
    }

    public func write(_ bytes: [UInt8]) {
        guard failure == nil else { return }
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushThreshold { drain() }
    }

    /// Lets a writer render straight into the buffer (NDJSON events), without building a
    /// string per event.
    @inline(__always)
    func append(_ render: (inout [UInt8]) -> Void) {
        guard failure == nil else { return }
        render(&buffer)
        if buffer.count >= flushThreshold { drain() }
    }

    /// Writes out what is buffered; throws the first write error met since the start.
    public func flush() throws(OutputFailure) {
        drain()
        if let failure { throw failure }
    }

    private func drain() {
        guard let descriptor else { return }
        if failure == nil {
            failure = Self.writeAll(buffer, to: descriptor)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// write(2) until every byte is out; the error, if any.
    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> OutputFailure? {
        bytes.withUnsafeBytes { raw -> OutputFailure? in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return OutputFailure(code: errno)
                }
                if written == 0 { return OutputFailure(code: EIO) }
                offset += written
            }
            return nil
        }
    }
}

/// A write to standard output that failed. A reader that went away (`| head`) is no error:
/// the run ends quietly, as with SIGPIPE. Anything else (a full disk, `> /dev/full`, an I/O
/// error) is: a truncated report must not look like a complete one, so the run says so in
/// one line and exits 1.
public struct OutputFailure: Error, Sendable {
    public var code: Int32
    public init(code: Int32) { self.code = code }
    public var isBrokenPipe: Bool { code == EPIPE }
    public var message: String { "standard output: \(String(cString: strerror(code)))" }
}
