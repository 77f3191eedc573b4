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

    /// Opens a file to decide how to read it; regular files get their format detected here.
    func plan(_ input: LogInput) -> Result<PlannedInput, UnscannedInput> {
        if input.isStandardInput { return .success(PlannedInput(input: input, source: .stream(gzip: false))) }
        let descriptor = open(input.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            return .failure(UnscannedInput(path: input.path, reason: String(cString: strerror(errno)), isError: true))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            return .failure(UnscannedInput(path: input.path, reason: String(cString: strerror(errno)), isError: true))
        }
        let isRegular = (info.st_mode & S_IFMT) == S_IFREG
        var sample = [UInt8](repeating: 0, count: 64 << 10)
        var sampled = 0
        if isRegular {
            sampled = sample.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
            if sampled < 0 {
                return .failure(UnscannedInput(path: input.path, reason: String(cString: strerror(errno)), isError: true))
            }
        }
        let gzip = sampled >= 2 && sample[0] == 0x1F && sample[1] == 0x8B
        guard isRegular, !gzip else { return .success(PlannedInput(input: input, source: .stream(gzip: gzip))) }
        switch chooseFormat(sample: sample, count: sampled, input: input) {
        case .success(let chosen):
            guard let format = chosen.format else {
                return .success(PlannedInput(input: input, source: .stream(gzip: false)))  // empty: nothing to split
            }
            return .success(PlannedInput(input: input, source: .regular(size: Int(info.st_size), format: format,
                                                                        forced: chosen.forced)))
        case .failure(let failure):
            return .failure(failure)
        }
    }

    /// The forced format, or the detected one; nil format for an empty input.
    func chooseFormat(sample: [UInt8], count: Int, input: LogInput)
        -> Result<(format: CompiledFormat?, forced: Bool), UnscannedInput> {
        if let name = options.formatOverride {
            guard let format = patterns.format(named: name) else {
                return .failure(UnscannedInput(path: input.path, reason: "unknown format '\(name)'", isError: true))
            }
            return .success((format, true))
        }
        if count == 0 { return .success((nil, false)) }
        let detected = sample.withUnsafeBytes { raw in
            FormatDetector(formats: patterns.formats).detect(sample: UnsafeRawBufferPointer(rebasing: raw[..<count]), path: input.path)
        }
        guard let detected else {
            let reason = input.isExplicit
                ? "not a log format authlog knows (formats: \(patterns.formatNames.joined(separator: ", ")); choose one with --log-format)"
                : "not in a known log format"
            return .failure(UnscannedInput(path: input.path, reason: reason, isError: input.isExplicit))
        }
        return .success((detected, false))
    }

    func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }
}
