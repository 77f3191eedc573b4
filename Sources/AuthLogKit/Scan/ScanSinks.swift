/// What a scan does with one task's lines: every sink of the scan, as concrete members, so
/// that the scanner's loop is specialised for this one type.
struct ScanSinks: EventSink {
    var aggregate: AggregateSink
    /// Present when request analysis runs.
    var requests: RequestSink?
    /// Present when events are written as they are found (NDJSON).
    var events: OrderedStreamSink?
    /// Present when the caller watches the `cause = none` requests (the sample verifier).
    var observer: AttemptObserver?
    /// Present when request analysis runs: when each path was served, for new-failure.
    var served: ServedPathSink?
    let wantsAttempts: Bool

    init(aggregate: AggregateSink, requests: RequestSink?, events: OrderedStreamSink?, observer: AttemptObserver?,
         served: ServedPathSink? = nil) {
        self.served = served
        self.aggregate = aggregate
        self.requests = requests
        self.events = events
        self.observer = observer
        wantsAttempts = requests != nil || observer != nil
    }

    @inline(__always)
    mutating func record(_ event: AuthEvent) {
        aggregate.record(event)
        requests.record(event)
        events.record(event)
    }

    mutating func attempt(_ attempt: RequestAttempt) {
        observer.attempt(attempt)
        requests.attempt(attempt)
    }

    mutating func taskEnded(lines: Int) {
        events.taskEnded(lines: lines)
        requests.taskEnded(lines: lines)
        served.taskEnded(lines: lines)
    }

    mutating func scanned(block: UnsafeRawBufferPointer, format: CompiledFormat, wrapped: Bool) {
        served.scanned(block: block, format: format, wrapped: wrapped)
    }
}

/// The aggregator: counts a task's events into a partial aggregate. Under a flood of
/// distinct keys the partial is merged into the total and started afresh, so memory holds the
/// total plus `partialKeyLimit` keys per worker, whatever the chunk size.
struct AggregateSink: EventSink {
    static let partialKeyLimit = 32_768

    private(set) var partial: FailureAggregate
    private let store: OutcomeStore
    private let maxKeys: Int

    init(store: OutcomeStore, maxKeys: Int) {
        self.store = store
        self.maxKeys = maxKeys
        partial = FailureAggregate(maxKeys: maxKeys)
    }

    @inline(__always)
    mutating func record(_ event: AuthEvent) {
        partial.add(event)
        if partial.byIP.count + partial.byPath.count + partial.byUser.count > Self.partialKeyLimit {
            store.absorb(partial)
            partial = FailureAggregate(maxKeys: maxKeys)
        }
    }
}

/// Hands the `cause = none` requests to a closure of the caller's, on worker threads.
// SAFETY (@unchecked Sendable): `ScanSession.scan(_:into:onEvent:onAttempt:)` documents that
// `onAttempt` is called from worker threads; its one caller, the sample verifier, scans with
// one thread.
struct AttemptObserver: EventSink, @unchecked Sendable {
    let observe: (RequestAttempt) -> Void

    func record(_ event: AuthEvent) {}
    var wantsAttempts: Bool { true }
    func attempt(_ attempt: RequestAttempt) { observe(attempt) }
}
