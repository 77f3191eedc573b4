/// A task's end of the `RequestCollector`: each line a request is made of (failures, the
/// requests kept by `cause = none` rules) becomes a 48-byte `RequestRecord` here, in the
/// worker, its text fields interned in the task's own table. 4096 records at a time go to the
/// collector, which takes its lock once per batch and only maps the task's ids to its own:
/// the hashing of every field of every line is done in parallel, outside the lock, and no
/// batch holds an `AuthEvent`'s seven strings per line.
struct RequestSink: EventSink {
    static let batchSize = 4096

    let collector: RequestCollector
    let inputName: String
    /// Formats whose lines explain requests of other formats (error logs, debug.log).
    let detailFormats: Set<String>
    private let input: Int
    private let task: Int
    /// The task's strings; its ids are what `events` and `attempts` hold until handed over.
    private var interner = StringInterner()
    /// The collector's id of each of the task's strings, `RequestCollector.unmapped` until a
    /// kept record needed it.
    private var collectorIDs: [UInt32] = [0]
    /// Whether a format (by the task's id) is a detail format: looked up once per format.
    private var detailFormat: [UInt32: Bool] = [:]
    /// Events and attempts each come in line order; `flush` merges them so the batch is too.
    private var events: [RequestRecord] = []
    private var attempts: [RequestRecord] = []
    /// Lines of `events` that held more than one login attempt (`AuthEvent.attempts`), by
    /// their task-relative line: rare, so beside the records rather than in each.
    private var loginAttempts: [(line: UInt32, count: Int)] = []
    /// False once the collector is full (it never has room again): lines are then only
    /// counted, and neither records nor strings are made for them.
    private var collectorHasRoom = true
    private var droppedLines = 0

    init(collector: RequestCollector, input: Int, task: Int, inputName: String, detailFormats: Set<String>) {
        self.collector = collector
        self.inputName = inputName
        self.detailFormats = detailFormats
        self.input = input
        self.task = task
        collectorHasRoom = collector.hasRoom
    }

    mutating func record(_ event: AuthEvent) {
        guard collectorHasRoom else { return droppedLine() }
        let format = interner.id(event.format)
        let isDetail = detailFormat[format] ?? {
            let isDetail = detailFormats.contains(event.format)
            detailFormat[format] = isDetail
            return isDetail
        }()
        if events.capacity == 0 { events.reserveCapacity(Self.batchSize) }
        events.append(record(event, cause: UInt8(event.cause.index), side: isDetail ? .detail : .access))
        if event.attempts > 1 { loginAttempts.append((events[events.count - 1].line, event.attempts)) }
        if events.count + attempts.count >= Self.batchSize { flush() }
    }

    var wantsAttempts: Bool { true }

    mutating func attempt(_ attempt: RequestAttempt) {
        guard collectorHasRoom else { return droppedLine() }
        if attempts.capacity == 0 { attempts.reserveCapacity(Self.batchSize) }
        attempts.append(record(attempt, cause: RequestRecord.noCause, side: .access))
        if events.count + attempts.count >= Self.batchSize { flush() }
    }

    mutating func taskEnded(lines: Int) { flush() }

    private mutating func droppedLine() {
        droppedLines += 1
        if droppedLines >= Self.batchSize { flush() }
    }

    /// Past this many strings a task's table starts afresh after a batch: a flood of distinct
    /// addresses in one large chunk does not hold them all twice (here and in the collector).
    static let maxTaskStrings = 1 << 16
    /// And past this many bytes of them: fields of up to a line's length each (a flood of long
    /// distinct paths) would otherwise hold up to `maxTaskStrings` lines per worker.
    static let maxTaskStringBytes = 16 << 20

    /// A detail line's route is its path (what `pair-by = route` compares); only access
    /// lines carry a separate one. The fields are interned in the order the collector maps
    /// them (see `RequestCollector.add`).
    private mutating func record<Line: RequestLine>(_ line: Line, cause: UInt8, side: RequestRecord.Side) -> RequestRecord {
        RequestRecord(time: line.time ?? Int64.min, input: UInt32(truncatingIfNeeded: input),
                      line: UInt32(clamping: line.line), ip: interner.id(line.ip), path: interner.id(line.path),
                      route: side == .access ? interner.id(line.route) : 0, user: interner.id(line.user),
                      method: interner.id(line.method), rule: interner.id(line.rule), format: interner.id(line.format),
                      status: UInt16(clamping: line.status ?? 0), cause: cause, side: side)
    }

    private mutating func flush() {
        if droppedLines > 0 {
            collector.countDropped(droppedLines, input: input, inputName: inputName)
            droppedLines = 0
        }
        guard !events.isEmpty || !attempts.isEmpty else { return }
        // The kept array is new and of the batch's size (no slack held to the end of the scan);
        // `events` and `attempts` keep their capacity for the task's next batch.
        var records = merged()
        events.removeAll(keepingCapacity: true)
        attempts.removeAll(keepingCapacity: true)
        if collectorIDs.count < interner.strings.count {
            collectorIDs.append(contentsOf: repeatElement(RequestCollector.unmapped, count: interner.strings.count - collectorIDs.count))
        }
        var batch = RequestCollector.Batch(input: input, task: task, records: records, loginAttempts: loginAttempts)
        loginAttempts.removeAll()
        records = []  // the batch's array is the only reference: the collector keeps it, uncopied
        collectorHasRoom = collector.add(&batch, strings: interner.strings, collectorIDs: &collectorIDs, inputName: inputName)
        if interner.strings.count > Self.maxTaskStrings || interner.bytes > Self.maxTaskStringBytes || !collectorHasRoom {
            interner = StringInterner()
            collectorIDs = [0]
            detailFormat = [:]
        }
    }

    /// Events and attempts in line order (of one line, the event first), in an array of
    /// their size.
    private func merged() -> [RequestRecord] {
        var all: [RequestRecord] = []
        all.reserveCapacity(events.count + attempts.count)
        if attempts.isEmpty || events.isEmpty {
            all.append(contentsOf: attempts.isEmpty ? events : attempts)
            return all
        }
        var nextEvent = 0, nextAttempt = 0
        while nextEvent < events.count || nextAttempt < attempts.count {
            if nextAttempt == attempts.count || (nextEvent < events.count && events[nextEvent].line <= attempts[nextAttempt].line) {
                all.append(events[nextEvent])
                nextEvent += 1
            } else {
                all.append(attempts[nextAttempt])
                nextAttempt += 1
            }
        }
        return all
    }
}
