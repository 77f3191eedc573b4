import Foundation

/// Which format an input's lines are classified as: the one forced with --log-format, or the
/// one detected from a sample of its first bytes. The one place that decides it, for the
/// regular files a scan plans, the streams it reads, and the files follow reads.
struct FormatChoice {
    let patterns: CompiledPatterns
    /// `--log-format`: every input is read as this format, nothing is sampled.
    let formatOverride: String?
    /// `access_log PATH NAME` of the server's configuration: that file is in that format.
    var formatsByPath: [String: String] = [:]

    /// Bytes of an input's start that detection looks at.
    static let sampleSize = 64 << 10

    struct Chosen {
        /// Nil for an input with nothing in it yet.
        var format: CompiledFormat?
        var forced: Bool
        /// The sample mixes formats: every line goes to the classifier (see `FormatDetector`).
        var mixed: Bool
        /// The lines are wrapped (a container log, the journal): `format` is the inner lines'.
        var envelope: Envelope? = nil
    }

    /// The format the server's configuration writes this file in, if it names the file.
    private func configuredFormat(of input: LogInput) -> String? {
        guard !formatsByPath.isEmpty, !input.isStandardInput else { return nil }
        // The configuration names absolute paths; a relative input is resolved against the
        // working directory (once per input, never per line).
        let absolute = input.path.hasPrefix("/") ? input.path
            : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(input.path)
        return formatsByPath[(absolute as NSString).standardizingPath]
    }

    /// The forced format, or the one `sample` (the input's first bytes) is in.
    func choose(sample: UnsafeRawBufferPointer, input: LogInput) -> Result<Chosen, UnscannedInput> {
        if let name = formatOverride ?? configuredFormat(of: input) {
            guard let format = patterns.format(named: name) else {
                return .failure(UnscannedInput(path: input.path, reason: "unknown format '\(name)'", isError: true))
            }
            return .success(Chosen(format: format, forced: true, mixed: false))
        }
        if sample.isEmpty { return .success(Chosen(format: nil, forced: false, mixed: false)) }
        if let envelope = Envelope.detect(sample: sample) { return choose(inside: envelope, sample: sample, input: input) }
        guard let detected = FormatDetector(formats: patterns.formats).detectWithMix(sample: sample, path: input.path) else {
            let reason = input.isExplicit
                ? "not a log format authlog knows (formats: \(patterns.formatNames.joined(separator: ", ")); choose one with --log-format)"
                : "not in a known log format"
            return .failure(UnscannedInput(path: input.path, reason: reason, isError: input.isExplicit))
        }
        return .success(Chosen(format: detected.format, forced: false, mixed: detected.mixed))
    }

    /// A wrapped input: the format of the inner lines of the sample. Its lines are always
    /// read as a mix (every line any format wants reaches the classifier): one container's
    /// log holds the access and the error lines of its server.
    private func choose(inside envelope: Envelope, sample: UnsafeRawBufferPointer, input: LogInput) -> Result<Chosen, UnscannedInput> {
        let reader = EnvelopeReader(envelope, maxLineLength: FormatChoice.sampleSize)
        var inner: [UInt8] = []
        var start = 0
        while start < sample.count {
            let end = sample[start...].firstIndex(of: 0x0A) ?? sample.count
            if case .inner(let bytes, _) = reader.unwrap(UnsafeRawBufferPointer(rebasing: sample[start..<end]), lineNumber: 0) {
                inner += bytes
                inner.append(0x0A)
            }
            start = end + 1
        }
        let detected = inner.withUnsafeBytes { FormatDetector(formats: patterns.formats).detectWithMix(sample: $0, path: input.path) }
        guard let detected else {
            let reason = "a \(envelope.rawValue) log whose lines are in no format authlog knows"
            return .failure(UnscannedInput(path: input.path, reason: reason, isError: input.isExplicit))
        }
        return .success(Chosen(format: detected.format, forced: false, mixed: true, envelope: envelope))
    }
}
