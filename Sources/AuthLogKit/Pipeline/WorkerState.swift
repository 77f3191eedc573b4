/// One worker's own state, so that workers share nothing they write: a classifier per format
/// (its PCRE2 match data and timestamp cache are per thread) and the buffer chunks are read
/// through.
// SAFETY (@unchecked Sendable): the runner makes one per worker before the workers start, and
// `WorkerPool` runs worker `i`'s tasks on one thread, which alone touches state `i`.
final class WorkerState: @unchecked Sendable {
    let buffer: WorkerBuffer
    private let pipeline: LinePipeline
    private var classifiers: [String: LineClassifier] = [:]

    init(pipeline: LinePipeline) {
        self.pipeline = pipeline
        buffer = WorkerBuffer(windowSize: pipeline.options.chunkWindowSize)
    }

    func classifier(for format: CompiledFormat) -> LineClassifier {
        if let existing = classifiers[format.name] { return existing }
        let classifier = pipeline.makeClassifier(format)
        classifiers[format.name] = classifier
        return classifier
    }
}
