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

    public init(limit: Int = RequestCollector.defaultLimit) {
        self.limit = limit
    }

    /// A worker's lines of one task (an input, or a chunk of one), in line order. Line
    /// numbers are relative to the task's first line until `take(positions:)`.
    struct Batch {
        var input: Int
        var task: Int
        var events: [AuthEvent] = []
        var attempts: [RequestAttempt] = []
        var isEmpty: Bool { events.isEmpty && attempts.isEmpty }
        var count: Int { events.count + attempts.count }
    }

    /// `detailFormats` are the formats with `role = detail` (`PatternSet.detailFormatNames`):
    /// their lines explain requests; every other line is one. A syslog line's event names the
    /// format it wraps, so it takes that format's role.
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
                converted.append(record(event, input: batch.input, cause: UInt8(event.cause.index), side: side))
            } else {
                converted.append(record(batch.attempts[nextAttempt], input: batch.input, cause: RequestRecord.noCause,
                                        side: .access))
                nextAttempt += 1
            }
        }
        kept += converted.count
        if !converted.isEmpty { batches.append((batch.task, converted)) }
    }

    /// A detail line's route is its path (what `pair-by = route` compares); only access
    /// lines carry a separate one.
    private func record<Line: RequestLine>(_ line: Line, input: Int, cause: UInt8, side: RequestRecord.Side) -> RequestRecord {
        RequestRecord(time: line.time ?? Int64.min, input: UInt32(truncatingIfNeeded: input),
                      line: UInt32(clamping: line.line), ip: interner.id(line.ip), path: interner.id(line.path),
                      route: side == .access ? interner.id(line.route) : 0, user: interner.id(line.user),
                      method: interner.id(line.method), rule: interner.id(line.rule), format: interner.id(line.format),
                      status: UInt16(clamping: line.status ?? 0), cause: cause, side: side)
    }

    /// Hands everything over once the scan has ended (every task's lines are in `positions`),
    /// and forgets it.
    func take(positions: LinePositions) -> (records: [RequestRecord], strings: StringInterner, inputNames: [Int: String],
                                            dropped: Int) {
        lock.lock()
        defer { lock.unlock() }
        let taken = (ordered(positions), interner, inputNames, dropped)
        interner = StringInterner()
        kept = 0
        return taken
    }

    /// The records with absolute line numbers, in log order: tasks are in input order,
    /// chunks in file order, each batch in line order, so ordering the batches by task is
    /// enough. Each batch is released once copied: memory holds the records about once.
    private func ordered(_ positions: LinePositions) -> [RequestRecord] {
        let order = batches.indices.sorted { (batches[$0].task, $0) < (batches[$1].task, $1) }
        var all: [RequestRecord] = []
        all.reserveCapacity(kept)
        for index in order {
            let offset = positions.offset(of: batches[index].task) ?? 0
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
