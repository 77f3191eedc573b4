/// A task's end of the `RequestCollector`: the lines a request is made of (failures, the
/// requests kept by `cause = none` rules) are batched and handed over 4096 at a time, so
/// that the collector's lock is taken once per batch.
struct RequestSink: EventSink {
    let collector: RequestCollector
    let inputName: String
    /// Formats whose lines explain requests of other formats (error logs, debug.log).
    let detailFormats: Set<String>
    private var batch: RequestCollector.Batch

    init(collector: RequestCollector, input: Int, task: Int, inputName: String, detailFormats: Set<String>) {
        self.collector = collector
        self.inputName = inputName
        self.detailFormats = detailFormats
        self.batch = RequestCollector.Batch(input: input, task: task)
    }

    mutating func record(_ event: AuthEvent) {
        batch.events.append(event)
        if batch.count >= 4096 { flush() }
    }

    var wantsAttempts: Bool { true }

    mutating func attempt(_ attempt: RequestAttempt) {
        batch.attempts.append(attempt)
        if batch.count >= 4096 { flush() }
    }

    mutating func taskEnded(lines: Int) { flush() }

    private mutating func flush() {
        collector.add(batch, inputName: inputName, detailFormats: detailFormats)
        batch.events.removeAll(keepingCapacity: true)
        batch.attempts.removeAll(keepingCapacity: true)
    }
}
