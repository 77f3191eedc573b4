import Foundation

/// How new-failure learns when a file's paths were served.
enum ServedLineReading: Equatable {
    /// Not a log of requests (an error log, debug.log, a syslog file wrapping others).
    case notRequests
    /// Counted during the scan, in C (`ServedPathTable`): the Common Log Format family.
    case commonLogFormat
    /// Read a second time after the scan for the candidate paths (`SuccessReader`): JSON
    /// logs, wrapped lines (container logs), layouts without CLF's `[time] "request" status`.
    /// Only regular files can be read again.
    case secondRead

    /// What the access heads of nginx, Apache (combined, common, vhost), ingress-nginx and
    /// Traefik's CLF write, and a derived layout with `[$time_local] "$request" $status `
    /// (its spaces escaped): exactly what `authlog_served_scan_clf` reads.
    private static let commonLogFormatHead = #" \[(?<time><CLF_TIME>)\] "<REQUEST>" (?<status>\d{3}) "#

    /// What is served is pattern data (`[rules served-request]`); the scan counts served lines
    /// itself only while that data says what the C counter counts: one rule, `field.status =
    /// 2*|3*`. Any other definition (or none) leaves every access log to the second read,
    /// which applies it (or says it cannot).
    static func scanCanCount(_ patterns: CompiledPatterns) -> Bool {
        guard let rules = patterns.patterns.ruleSet(named: SuccessReader.servedRuleSet)?.rules, rules.count == 1,
              let rule = rules.first, rule.cause == nil, rule.regex == nil, rule.fieldTests.count == 1,
              rule.fieldTests[0].field == .status, case .oneOf(let values) = rule.fieldTests[0].test else { return false }
        return Set(values.map { String(decoding: $0.bytes, as: UTF8.self) + ($0.isPrefix ? "*" : "") }) == ["2*", "3*"]
    }

    init(_ format: CompiledFormat, wrapped: Bool) {
        let definition = format.definition
        if definition.role != .access || definition.wrapsOtherFormats {
            self = .notRequests
        } else if !wrapped, definition.decoder == RegexDecoder.name,
                  definition.head.text.replacingOccurrences(of: #"\ "#, with: " ").contains(Self.commonLogFormatHead) {
            self = .commonLogFormat
        } else {
            self = .secondRead
        }
    }
}

/// The scan's served-path counts: one table per running task, borrowed when the task reads its
/// first block of a CLF access log and given back at its end, so there are never more tables
/// than workers; they are merged once, after the scan. Also the inputs whose served lines the
/// scan cannot count, for `SuccessReader`.
// SAFETY (@unchecked Sendable): every access to `idle`, `tables` and `secondRead` holds `lock`.
final class ServedPathCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [ServedPathTable] = []
    private var tables: [ServedPathTable] = []
    private var secondRead: Set<String> = []

    func borrow() -> ServedPathTable {
        lock.lock()
        defer { lock.unlock() }
        if let table = idle.popLast() { return table }
        let table = ServedPathTable()
        tables.append(table)
        return table
    }

    func giveBack(_ table: ServedPathTable) {
        lock.lock()
        defer { lock.unlock() }
        idle.append(table)
    }

    func needsSecondRead(_ input: String) {
        lock.lock()
        defer { lock.unlock() }
        secondRead.insert(input)
    }

    /// The inputs (paths) to read again for the candidates' served times.
    var inputsToReadAgain: Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return secondRead
    }

    /// Every worker's counts in one table (after the scan; sums do not depend on the order).
    func merged() -> ServedPathTable? {
        lock.lock()
        defer { lock.unlock() }
        // Into the first table, whose counts are a part of the sum like any other's.
        guard let total = tables.first else { return nil }
        for table in tables.dropFirst() { total.merge(table) }
        tables = [total]
        idle = []
        return total
    }
}

/// The scan's sink for new-failure: the blocks of a CLF access log go to the C counter (all
/// their lines, not only the prefilter's); of another access format, the input is noted for
/// the second read.
struct ServedPathSink: EventSink {
    let counts: ServedPathCounts
    let inputName: String
    let maxLineLength: Int
    let since: Int64
    let until: Int64
    private var table: ServedPathTable?
    private var reading: (format: ObjectIdentifier, reading: ServedLineReading)?

    init(counts: ServedPathCounts, inputName: String, options: ScanOptions) {
        self.counts = counts
        self.inputName = inputName
        maxLineLength = options.maxLineLength
        since = options.since ?? .min
        until = options.until ?? .max
    }

    func record(_ event: AuthEvent) {}

    mutating func scanned(block: UnsafeRawBufferPointer, format: CompiledFormat, wrapped: Bool) {
        let id = ObjectIdentifier(format)
        if reading?.format != id {
            let decided = ServedLineReading(format, wrapped: wrapped)
            if decided == .secondRead { counts.needsSecondRead(inputName) }
            reading = (id, decided)
        }
        guard reading?.reading == .commonLogFormat else { return }
        if table == nil { table = counts.borrow() }
        table?.countServedLines(in: block, maxLineLength: maxLineLength, since: since, until: until)
    }

    mutating func taskEnded(lines: Int) {
        if let table { counts.giveBack(table) }
        table = nil
    }
}
