#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How one input will be read, decided when it is first opened.
struct PlannedInput {
    enum Source {
        /// A regular file read in chunks; `size` when planned.
        case regular(size: Int, format: CompiledFormat, forced: Bool)
        /// Standard input, a pipe or an archive, read start to end by one worker.
        case stream(gzip: Bool)
    }

    var input: LogInput
    var source: Source
    /// A pipe, FIFO or device, kept open from planning to reading: it is never opened twice
    /// (a FIFO's writer may be gone by a second open(2), which then blocks forever).
    var held: HeldDescriptor? = nil
    /// A regular file, which can be read again (the second read of `SuccessReader`).
    var isRegularFile = false
    /// Its first lines mix formats: every line goes to the classifier, not only the lines
    /// holding one of its own format's literals.
    var readsOtherFormats = false
    /// Its lines are wrapped (a container log, the journal) and read through this envelope.
    var envelope: Envelope? = nil

    /// Where reading this input stops: the planned size, or the end of its byte range.
    var plannedEnd: Int {
        guard case .regular(let size, _, _) = source else { return 0 }
        return input.byteRange.map { min($0.upperBound, size) } ?? size
    }
}

/// Planning: opens each input once to decide how to read it (in chunks or as a stream) and,
/// for regular files, which format it is in.
struct ScanPlanner {
    let patterns: CompiledPatterns
    let options: ScanOptions
    /// Only regular files are read (a second read): anything else is passed over, and a FIFO
    /// put in a file's place cannot block the open.
    var regularFilesOnly = false

    /// Opens a file to decide how to read it; regular files get their format detected here.
    func plan(_ input: LogInput) -> Result<PlannedInput, UnscannedInput> {
        if input.isStandardInput { return .success(PlannedInput(input: input, source: .stream(gzip: false))) }
        if input.journal != nil {
            // Read once, as a stream; a second read (the served times) is for files only.
            if regularFilesOnly { return .failure(UnscannedInput(path: input.path, reason: "not a regular file", isError: false)) }
            return .success(PlannedInput(input: input, source: .stream(gzip: false)))
        }
        let descriptor = input.open(flags: regularFilesOnly ? O_NONBLOCK : 0)
        guard descriptor >= 0 else {
            return .failure(UnscannedInput(path: input.path, reason: String(cString: strerror(errno)), isError: true))
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            return .failure(UnscannedInput(path: input.path, reason: reason, isError: true))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            if regularFilesOnly {
                close(descriptor)
                return .failure(UnscannedInput(path: input.path, reason: "not a regular file", isError: false))
            }
            // Read as a stream through this very descriptor.
            return .success(PlannedInput(input: input, source: .stream(gzip: false), held: HeldDescriptor(descriptor)))
        }
        defer { close(descriptor) }
        let sample: DetectionSample
        do throws(InputError) {
            sample = try DetectionSample(maxLineLength: options.maxLineLength, seekable: true) { buffer, count, offset throws(InputError) in
                let got = pread(descriptor, buffer, count, off_t(offset))
                if got < 0 { throw InputError(message: String(cString: strerror(errno))) }
                return got
            }
        } catch {
            return .failure(UnscannedInput(path: input.path, reason: error.message, isError: true))
        }
        let gzip = sample.bytes.count >= 2 && sample.bytes[0] == 0x1F && sample.bytes[1] == 0x8B
        guard !gzip else { return .success(PlannedInput(input: input, source: .stream(gzip: true), isRegularFile: true)) }
        switch chooseFormat(sample: sample.window, count: sample.window.count, input: input) {
        case .success(let chosen):
            guard let format = chosen.format else {
                // empty: nothing to split
                return .success(PlannedInput(input: input, source: .stream(gzip: false), isRegularFile: true))
            }
            if chosen.envelope == .cri || chosen.envelope == .dockerJSON {
                // Read start to end by one reader, as a stream: a chunk boundary inside a long
                // line's parts would hand the next chunk its tail without the head.
                return .success(PlannedInput(input: input, source: .stream(gzip: false), isRegularFile: true))
            }
            return .success(PlannedInput(input: input, source: .regular(size: Int(info.st_size), format: format,
                                                                        forced: chosen.forced), isRegularFile: true,
                                         readsOtherFormats: chosen.mixed,
                                         envelope: chosen.envelope))
        case .failure(let failure):
            return .failure(failure)
        }
    }

    /// The forced format, or the detected one; nil format for an empty input.
    func chooseFormat(sample: [UInt8], count: Int, input: LogInput) -> Result<FormatChoice.Chosen, UnscannedInput> {
        sample.withUnsafeBytes { raw in
            FormatChoice(patterns: patterns, formatOverride: options.formatOverride,
                         formatsByPath: options.formatsByPath)
                .choose(sample: UnsafeRawBufferPointer(rebasing: raw[..<count]), input: input)
        }
    }

    func fileSize(_ input: LogInput) -> Int {
        var info = stat()
        return input.location.withCString { stat($0, &info) } == 0 ? Int(info.st_size) : 0
    }
}

/// A descriptor closed when the last reference to it goes (after the scan).
final class HeldDescriptor: Sendable {
    let value: Int32

    init(_ value: Int32) { self.value = value }

    deinit { close(value) }
}

/// Planning and splitting of one set of inputs: how each is read, and the tasks the workers
/// share. Both the scan and the second read of `SuccessReader` start from one.
struct ScanPlan {
    /// Per input, in input order; nil for an input that cannot be scanned.
    var planned: [PlannedInput?] = []
    /// Why, by input index.
    var failures: [Int: UnscannedInput] = [:]
    var tasks: [ScanTask] = []
    var plannedBytes = 0

    init(_ inputs: [LogInput], planner: ScanPlanner) {
        for (index, input) in inputs.enumerated() {
            switch planner.plan(input) {
            case .success(let plan): planned.append(plan)
            case .failure(let failure):
                planned.append(nil)
                failures[index] = failure
            }
        }
        (tasks, plannedBytes) = ScanTask.split(planned, chunkSize: planner.options.chunkSize, fileSize: planner.fileSize)
    }
}
