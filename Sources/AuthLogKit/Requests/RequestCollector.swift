import Foundation

/// Gathers, while workers scan, every line a request is made of: access-log failures, the
/// access lines kept by `cause = none` rules, and the error/debug lines that explain them.
/// Workers hand over batches; the lock is taken once per batch.
///
/// Memory grows with the number of authentication lines (48 bytes each plus the distinct
/// strings), not with the size of the logs. Past `limit` records the rest is counted, not
/// kept, and the report says pairing and findings cover only part of the scan.
// SAFETY (@unchecked Sendable): every access to the mutable state holds `lock`.
public final class RequestCollector: @unchecked Sendable {
    public static let defaultLimit = 2_000_000

    private let lock = NSLock()
    private var interner = StringInterner()
    private var records: [RequestRecord] = []
    private var inputNames: [Int: String] = [:]
    private let limit: Int
    private var dropped = 0

    public init(limit: Int = RequestCollector.defaultLimit) {
        self.limit = limit
    }

    /// A worker's lines of one input, in line order.
    struct Batch {
        var input: Int
        var events: [AuthEvent] = []
        var attempts: [RequestAttempt] = []
        var isEmpty: Bool { events.isEmpty && attempts.isEmpty }
        var count: Int { events.count + attempts.count }
    }

    func add(_ batch: Batch, inputName: String, detailFormats: Set<String>) {
        guard !batch.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        inputNames[batch.input] = inputName
        let room = max(0, limit - records.count)
        if batch.count > room { dropped += batch.count - room }
        for event in batch.events.prefix(room) {
            let side: RequestRecord.Side = detailFormats.contains(event.format) ? .detail : .access
            records.append(record(time: event.time, input: batch.input, line: event.line, ip: event.ip, path: event.path,
                                  route: side == .access ? event.route : nil, user: event.user, method: event.method,
                                  rule: event.rule, format: event.format, status: event.status,
                                  cause: UInt8(event.cause.index), side: side))
        }
        for attempt in batch.attempts.prefix(max(0, room - batch.events.count)) {
            records.append(record(time: attempt.time, input: batch.input, line: attempt.line, ip: attempt.ip,
                                  path: attempt.path, route: attempt.route, user: attempt.user, method: attempt.method,
                                  rule: attempt.rule, format: attempt.format, status: attempt.status,
                                  cause: RequestRecord.noCause, side: .access))
        }
    }

    private func record(time: Int64?, input: Int, line: Int, ip: String?, path: String?, route: String?, user: String?,
                        method: String?, rule: String, format: String, status: Int?, cause: UInt8,
                        side: RequestRecord.Side) -> RequestRecord {
        RequestRecord(time: time ?? Int64.min, input: UInt32(truncatingIfNeeded: input),
                      line: UInt32(clamping: line), ip: interner.id(ip), path: interner.id(path),
                      route: interner.id(route), user: interner.id(user), method: interner.id(method),
                      rule: interner.id(rule), format: interner.id(format),
                      status: UInt16(clamping: status ?? 0), cause: cause, side: side)
    }

    /// Hands everything over once the scan is done (and forgets it).
    func take() -> (records: [RequestRecord], strings: StringInterner, inputNames: [Int: String], dropped: Int) {
        lock.lock()
        defer { lock.unlock() }
        let taken = (records, interner, inputNames, dropped)
        records = []
        interner = StringInterner()
        return taken
    }
}
