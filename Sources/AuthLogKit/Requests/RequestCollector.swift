import Foundation

/// Gathers, while workers scan, every line a request is made of: access-log failures, the
/// access lines kept by `cause = none` rules, and the error/debug lines that explain them.
/// Workers hand over batches; the lock is taken once per batch.
///
/// Memory grows with the number of authentication lines (48 bytes each plus the distinct
/// strings), not with the size of the logs. Past `limit` records, or `maxStrings` distinct
/// addresses, paths and names (a flood of random addresses), the rest is counted, not kept,
/// and the report says pairing and findings cover only part of the scan.
// SAFETY (@unchecked Sendable): every access to the mutable state holds `lock`.
public final class RequestCollector: @unchecked Sendable {
    public static let defaultLimit = 1_000_000
    /// Distinct strings kept, about 60 bytes each.
    static let maxStrings = 250_000

    private let lock = NSLock()
    private var interner = StringInterner()
    /// Records kept, per batch as workers handed them over (in any task order).
    private var batches: [(task: Int, records: [RequestRecord])] = []
    private var kept = 0
    private var inputNames: [Int: String] = [:]
    private let limit: Int
    private var dropped = 0
    /// Set by the scan for a collector handed to it from outside (see `take`).
    private var pendingOffsets: [Int] = []

    public init(limit: Int = RequestCollector.defaultLimit) {
        self.limit = limit
    }

    /// A worker's lines of one task (an input, or a chunk of one), in line order. Line
    /// numbers are relative to the task's first line until `take(lineOffsets:)`.
    struct Batch {
        var input: Int
        var task: Int
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
        let room = interner.strings.count < Self.maxStrings ? max(0, limit - kept) : 0
        if batch.count > room { dropped += batch.count - room }
        var converted: [RequestRecord] = []
        converted.reserveCapacity(min(room, batch.count))
        // Events and attempts each come in line order: merge them so the batch is too.
        var nextEvent = 0, nextAttempt = 0
        while converted.count < room, nextEvent < batch.events.count || nextAttempt < batch.attempts.count {
            let takeEvent = nextAttempt == batch.attempts.count
                || (nextEvent < batch.events.count && batch.events[nextEvent].line <= batch.attempts[nextAttempt].line)
            if takeEvent {
                let event = batch.events[nextEvent]
                nextEvent += 1
                let side: RequestRecord.Side = detailFormats.contains(event.format) ? .detail : .access
                converted.append(record(time: event.time, input: batch.input, line: event.line, ip: event.ip, path: event.path,
                                        route: side == .access ? event.route : nil, user: event.user, method: event.method,
                                        rule: event.rule, format: event.format, status: event.status,
                                        cause: UInt8(event.cause.index), side: side))
            } else {
                let attempt = batch.attempts[nextAttempt]
                nextAttempt += 1
                converted.append(record(time: attempt.time, input: batch.input, line: attempt.line, ip: attempt.ip,
                                        path: attempt.path, route: attempt.route, user: attempt.user, method: attempt.method,
                                        rule: attempt.rule, format: attempt.format, status: attempt.status,
                                        cause: RequestRecord.noCause, side: .access))
            }
        }
        kept += converted.count
        if !converted.isEmpty { batches.append((batch.task, converted)) }
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

    /// For a collector handed to a scan from outside: the scan's line offsets, for `take()`.
    func setLineOffsets(_ offsets: [Int]) {
        lock.lock()
        pendingOffsets = offsets
        lock.unlock()
    }

    /// Hands everything over once the scan is done, and forgets it. `lineOffsets[task]` is
    /// the number of lines of the input before the task's first line (a chunk counts its
    /// lines from its own start).
    func take(lineOffsets: [Int] = []) -> (records: [RequestRecord], strings: StringInterner, inputNames: [Int: String],
                                           dropped: Int) {
        lock.lock()
        defer { lock.unlock() }
        let taken = (ordered(lineOffsets.isEmpty ? pendingOffsets : lineOffsets), interner, inputNames, dropped)
        interner = StringInterner()
        kept = 0
        return taken
    }

    /// The records with absolute line numbers, in log order: tasks are in input order,
    /// chunks in file order, each batch in line order, so ordering the batches by task is
    /// enough. Each batch is released once copied: memory holds the records about once.
    private func ordered(_ lineOffsets: [Int]) -> [RequestRecord] {
        let order = batches.indices.sorted { (batches[$0].task, $0) < (batches[$1].task, $1) }
        var all: [RequestRecord] = []
        all.reserveCapacity(kept)
        for index in order {
            let task = batches[index].task
            let offset = task < lineOffsets.count ? lineOffsets[task] : 0
            for var record in batches[index].records {
                record.line = UInt32(clamping: Int(record.line) + offset)
                all.append(record)
            }
            batches[index].records = []
        }
        batches = []
        return all
    }
}
