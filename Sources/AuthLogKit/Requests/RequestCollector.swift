import Foundation

/// Gathers, while workers scan, every line a request is made of: access-log failures, the
/// access lines kept by `cause = none` rules, and the error/debug lines that explain them.
/// Workers hand over batches of records (`RequestSink`); the lock is taken once per batch.
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
    /// The batches' lines that held several login attempts, task-relative until `take`.
    private var loginAttemptBatches: [(input: Int, task: Int, counts: [(line: UInt32, count: Int)])] = []
    private var kept = 0
    private var inputNames: [Int: String] = [:]
    private let limit: Int
    private var dropped = 0

    public init(limit: Int = RequestCollector.defaultLimit) {
        self.limit = limit
    }

    /// A worker's lines of one task (an input, or a chunk of one), in line order, with the
    /// task's string ids. Line numbers are relative to the task's first line until
    /// `take(positions:)`.
    struct Batch {
        var input: Int
        var task: Int
        var records: [RequestRecord]
        /// Lines of `records` that held more than one login attempt (`LoginAttempts`).
        var loginAttempts: [(line: UInt32, count: Int)] = []
    }

    /// A task's string not yet given an id here.
    static let unmapped = UInt32.max

    /// Keeps what room there is of `batch` (`RequestSink` made it), its ids turned into this
    /// collector's: `strings` are the task's, `collectorIDs` their ids here, filled in as kept
    /// records need them, so that a string is interned only for a record that is kept, in the
    /// order of the records and their fields, as if each line were interned here.
    /// Returns whether later records can be kept: once the collector is full it stays full.
    @discardableResult
    func add(_ batch: inout Batch, strings: [String], collectorIDs: inout [UInt32], inputName: String) -> Bool {
        guard !batch.records.isEmpty else { return true }
        var records = batch.records
        batch.records = []
        lock.lock()
        defer { lock.unlock() }
        inputNames[batch.input] = inputName
        let room = interner.strings.count < Self.maxStrings ? max(0, limit - kept) : 0
        if records.count > room {
            dropped += records.count - room
            records.removeLast(records.count - room)
        }
        func mapped(_ id: UInt32) -> UInt32 {
            if collectorIDs[Int(id)] == Self.unmapped { collectorIDs[Int(id)] = interner.id(strings[Int(id)]) }
            return collectorIDs[Int(id)]
        }
        for index in records.indices {
            records[index].ip = mapped(records[index].ip)
            records[index].path = mapped(records[index].path)
            records[index].route = mapped(records[index].route)
            records[index].user = mapped(records[index].user)
            records[index].method = mapped(records[index].method)
            records[index].rule = mapped(records[index].rule)
            records[index].format = mapped(records[index].format)
        }
        kept += records.count
        if !records.isEmpty { batches.append((batch.task, records)) }
        if !batch.loginAttempts.isEmpty { loginAttemptBatches.append((batch.input, batch.task, batch.loginAttempts)) }
        return hasRoomLocked
    }

    /// Whether later records can be kept (a task that starts when the collector is full
    /// only counts its lines).
    var hasRoom: Bool {
        lock.lock()
        defer { lock.unlock() }
        return hasRoomLocked
    }

    private var hasRoomLocked: Bool { interner.strings.count < Self.maxStrings && kept < limit }

    /// Lines a task made no record of, the collector being full (their input is still one
    /// the requests came from, as when their records were handed over and dropped here).
    func countDropped(_ lines: Int, input: Int, inputName: String) {
        lock.lock()
        defer { lock.unlock() }
        inputNames[input] = inputName
        dropped += lines
    }

    /// Hands everything over once the scan has ended (every task's lines are in `positions`),
    /// and forgets it.
    func take(positions: LinePositions) -> (records: [RequestRecord], strings: StringInterner, inputNames: [Int: String],
                                            dropped: Int, loginAttempts: LoginAttempts) {
        lock.lock()
        defer { lock.unlock() }
        var loginAttempts = LoginAttempts()
        for batch in loginAttemptBatches {
            let offset = positions.offset(of: batch.task) ?? 0
            for (line, count) in batch.counts {
                loginAttempts.set(count, input: UInt32(truncatingIfNeeded: batch.input), line: UInt32(clamping: Int(line) + offset))
            }
        }
        loginAttemptBatches = []
        let taken = (ordered(positions), interner, inputNames, dropped, loginAttempts)
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
