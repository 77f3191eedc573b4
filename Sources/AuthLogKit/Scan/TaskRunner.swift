/// Running: the tasks of a plan on `options.threads` workers, each task through the line
/// pipeline into a sink of its own. The caller makes each task's sink and is handed it back,
/// with the task's outcome, when the task ends (on the worker's thread, in any task order);
/// `LinePositions` and `OrderedEventStream` restore the order where it matters.
struct TaskRunner: Sendable {
    let pipeline: LinePipeline
    let workers: Int

    init(patterns: CompiledPatterns, options: ScanOptions) {
        pipeline = LinePipeline(patterns: patterns, options: options)
        workers = max(1, options.threads)
    }

    func run<Sink: EventSink>(_ plan: ScanPlan, makeSink: @Sendable (_ task: Int) -> Sink,
                              taskEnded: @Sendable (_ task: Int, _ outcome: TaskOutcome, _ sink: inout Sink) -> Void) {
        let states = (0..<workers).map { _ in WorkerState(pipeline: pipeline) }
        let tasks = plan.tasks
        let planned = plan.planned
        let progress = pipeline.options.progress
        WorkerPool.run(tasks: tasks.count, workers: workers, window: 4 * workers) { task, worker in
            var sink = makeSink(task)
            let outcome = execute(tasks[task], planned: planned[tasks[task].input]!, worker: states[worker], into: &sink)
            sink.taskEnded(lines: outcome.stats?.lines ?? 0)
            if case .chunk(let input, let range) = tasks[task] {
                progress?.advance(bytes: range.count)
                if range.upperBound >= (planned[input]?.plannedEnd ?? 0) { progress?.finishFile() }
            } else {
                progress?.finishFile()
            }
            taskEnded(task, outcome, &sink)
        }
    }

    private func execute<Sink: EventSink>(_ task: ScanTask, planned plan: PlannedInput, worker: WorkerState,
                                          into sink: inout Sink) -> TaskOutcome {
        switch (task, plan.source) {
        case (.chunk(_, let range), .regular(let size, let format, let forced)):
            pipeline.readChunk(plan.input, range: range, size: size, format: format, forced: forced,
                               mixed: plan.readsOtherFormats, envelope: plan.envelope, worker: worker, into: &sink)
        case (.stream, .stream(let gzip)):
            pipeline.readStream(plan.input, gzip: gzip, held: plan.held, worker: worker, into: &sink)
        default:
            preconditionFailure("task and plan disagree")
        }
    }
}
