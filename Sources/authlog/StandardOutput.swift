import AuthLogKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A write to standard output that failed. A reader that went away (`| head`) is no error:
/// the run ends quietly, as with SIGPIPE. Anything else (a full disk, `> /dev/full`, an I/O
/// error) is: a truncated report must not look like a complete one, so the run says so in
/// one line and exits 1 (see `Main`).
struct OutputFailure: Error {
    var code: Int32
    var isBrokenPipe: Bool { code == EPIPE }
    var message: String { "standard output: \(String(cString: strerror(code)))" }
}

/// Buffered writes to stdout: reports can be large and a write(2) per event is slow. The
/// first failed write is kept, later output is dropped, and `flush()` throws it: callers
/// that stream (NDJSON events) write without `try`, and learn of the failure at the flush.
final class StandardOutput {
    private var buffer: [UInt8] = []
    private let flushThreshold: Int
    private(set) var failure: OutputFailure?

    init(flushThreshold: Int = 64 << 10) {
        self.flushThreshold = flushThreshold
        buffer.reserveCapacity(flushThreshold + 4096)
    }

    func write(_ text: String) {
        guard failure == nil else { return }
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= flushThreshold { drain() }
    }

    /// Appends an NDJSON event without building a string for it.
    func write(event: AuthEvent) {
        guard failure == nil else { return }
        NDJSONEvent.render(event, into: &buffer)
        if buffer.count >= flushThreshold { drain() }
    }

    /// Writes out what is buffered; throws the first write error met since the start.
    func flush() throws(OutputFailure) {
        drain()
        if let failure { throw failure }
    }

    private func drain() {
        if failure == nil {
            failure = Self.writeAll(buffer, to: STDOUT_FILENO)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// write(2) until every byte is out; the error, if any.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> OutputFailure? {
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
