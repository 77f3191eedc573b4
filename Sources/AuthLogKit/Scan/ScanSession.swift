import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Diagnostics go to stderr in the CLI; the library only hands over the text. Each message
/// is one line naming the input (and line) it is about; the caller escapes it for display.
public protocol ScanDiagnostics: AnyObject {
    func warning(_ message: String)
    func error(_ message: String)
}

/// Scans inputs from end to end: detect each file's format, stream its lines through the
/// classifier, aggregate the events. authlog only ever opens its inputs read-only.
public final class ScanSession {
    private let patterns: CompiledPatterns
    private let options: ScanOptions
    private weak var diagnostics: ScanDiagnostics?

    public init(patterns: CompiledPatterns, options: ScanOptions, diagnostics: ScanDiagnostics?) {
        self.patterns = patterns
        self.options = options
        self.diagnostics = diagnostics
    }

    /// Scans `arguments` (files, directories, `-`). `onEvent` sees every event in input
    /// order as it is found (for NDJSON output); the report holds the aggregate.
    public func run(arguments: [String], onEvent: ((AuthEvent) -> Void)? = nil) -> ScanReport {
        let discovery = InputDiscovery.discover(arguments)
        var report = ScanReport()
        report.unscanned = discovery.unscanned
        for unscanned in discovery.unscanned where unscanned.isError {
            diagnostics?.error("\(unscanned.path): \(unscanned.reason)")
        }
        for input in discovery.inputs {
            scan(input, into: &report, onEvent: onEvent)
        }
        let notRead = discovery.unscanned.filter { !$0.isError }
        if !notRead.isEmpty {
            diagnostics?.warning("\(notRead.count) compressed file(s) in the given directories were not read, e.g. \(notRead[0].path)")
        }
        return report
    }

    /// Scans one input; public for tests and for callers that manage their own inputs.
    public func scan(_ input: LogInput, into report: inout ScanReport, onEvent: ((AuthEvent) -> Void)? = nil) {
        let descriptor: Int32
        if input.isStandardInput {
            descriptor = STDIN_FILENO
        } else {
            descriptor = open(input.path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                fail(input, String(cString: strerror(errno)), into: &report, error: true)
                return
            }
        }
        defer { if !input.isStandardInput { close(descriptor) } }

        // Read the first block to decide the format, then hand it to the reader as its start.
        let sampleSize = 64 << 10
        var sample = [UInt8](repeating: 0, count: sampleSize)
        var sampled = 0
        var readFailure: Int32? = nil
        sample.withUnsafeMutableBytes { buffer in
            while sampled < sampleSize {
                let count = read(descriptor, buffer.baseAddress! + sampled, sampleSize - sampled)
                if count > 0 { sampled += count; continue }
                if count < 0, errno == EINTR { continue }
                if count < 0 { readFailure = errno }
                break
            }
        }
        if let readFailure {
            fail(input, String(cString: strerror(readFailure)), into: &report, error: true)
            return
        }

        let format: CompiledFormat
        var forced = false
        if let name = options.formatOverride {
            guard let named = patterns.format(named: name) else {
                fail(input, "unknown format '\(name)'", into: &report, error: true)
                return
            }
            format = named
            forced = true
        } else if sampled == 0 {
            report.files.append(FileStats(path: input.path, format: nil))  // empty: nothing to say
            return
        } else {
            let detected = sample.withUnsafeBytes { raw in
                FormatDetector(formats: patterns.formats)
                    .detect(sample: UnsafeRawBufferPointer(rebasing: raw[..<sampled]), path: input.path)
            }
            guard let detected else {
                fail(input, "not a log format authlog knows (formats: \(patterns.formatNames.joined(separator: ", "));"
                     + " choose one with --log-format)", into: &report, error: input.isExplicit)
                return
            }
            format = detected
        }

        let classifier = LineClassifier(format: format, limits: options.matchLimits, timeZone: options.timeZone,
                                        now: Int64(options.now.timeIntervalSince1970))
        var aggregate = FailureAggregate()
        let scanner = FileScanner(classifier: classifier, path: input.path, formatForced: forced) { event in
            aggregate.add(event)
            onEvent?(event)
        }
        let reader = sample.withUnsafeBytes { raw in
            LineBlockReader(descriptor: descriptor, prefix: UnsafeRawBufferPointer(rebasing: raw[..<sampled]),
                            maxLineLength: options.maxLineLength, bufferSize: options.readBufferSize)
        }
        do {
            while let chunk = try reader.next() {
                switch chunk {
                case .lines(let block): scanner.scan(block)
                case .overlongLine: scanner.skipOverlongLine()
                }
            }
        } catch {
            diagnostics?.error("\(input.path): read error after line \(scanner.stats.lines): \(String(cString: strerror(error.errno)))")
            report.unscanned.append(UnscannedInput(path: input.path, reason: "read error", isError: true))
        }
        report.aggregate.merge(aggregate)
        let stats = scanner.stats
        report.files.append(stats)
        if stats.skipped > 0 {
            let parts = SkipReason.allCases.compactMap { reason -> String? in
                guard let count = stats.skippedByReason[reason], count > 0 else { return nil }
                return "\(count) \(reason.rawValue) (first at line \(stats.firstSkippedLine[reason]!))"
            }
            diagnostics?.warning("\(input.path): skipped \(stats.skipped) line(s): \(parts.joined(separator: ", "))")
        }
    }

    private func fail(_ input: LogInput, _ reason: String, into report: inout ScanReport, error: Bool) {
        report.unscanned.append(UnscannedInput(path: input.path, reason: reason, isError: error))
        if error {
            diagnostics?.error("\(input.path): \(reason)")
        } else {
            diagnostics?.warning("\(input.path): skipped: \(reason)")
        }
    }
}
