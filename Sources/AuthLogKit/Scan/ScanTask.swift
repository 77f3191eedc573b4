/// Splitting: the units of work the workers share. Every large regular file is cut into
/// chunks of `chunkSize` bytes (see `ChunkReader`); archives and pipes are one task each.
enum ScanTask {
    case chunk(input: Int, range: Range<Int>)
    case stream(input: Int)

    var input: Int {
        switch self {
        case .chunk(let input, _), .stream(let input): input
        }
    }

    /// The tasks for the planned inputs, in input order, and the bytes they will read.
    static func split(_ planned: [PlannedInput?], chunkSize: Int, fileSize: (LogInput) -> Int)
        -> (tasks: [ScanTask], plannedBytes: Int) {
        var tasks: [ScanTask] = []
        var plannedBytes = 0
        for (index, plan) in planned.enumerated() {
            guard let plan else { continue }
            switch plan.source {
            case .regular(let size, _, _):
                let range = plan.input.byteRange.map { $0.clamped(to: 0..<size) } ?? 0..<size
                plannedBytes += range.count
                let chunk = max(chunkSize, 4096)
                var start = range.lowerBound
                repeat {
                    tasks.append(.chunk(input: index, range: start..<min(range.upperBound, start + chunk)))
                    start += chunk
                } while start < range.upperBound
            case .stream:
                if !plan.input.isStandardInput, plan.input.journal == nil { plannedBytes += fileSize(plan.input) }
                tasks.append(.stream(input: index))
            }
        }
        return (tasks, plannedBytes)
    }
}
