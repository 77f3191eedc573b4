import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `follow --journal`: the journal's new entries, read through libsystemd as `journalctl -f
/// -o json` would print them, through the same `PipeTail` as `follow -` (format told from the
/// first entries, then every entry classified as it comes). The wait is `sd_journal_wait`
/// taken apart (its descriptor polled beside the signal pipe, then `sd_journal_process`), so
/// a signal is answered at once rather than after the wait's timeout.
extension FollowSession {
    public func run(journal selection: JournalSelection) {
        let signals = SignalPipe.install([SIGINT, SIGTERM, SIGUSR1, SIGHUP])
        let source: JournalSource
        let wake: (descriptor: Int32, pollEvents: Int16)
        do {
            source = try JournalSource(selection, maxLineLength: scanOptions.maxLineLength)
            if !options.fromStart { source.seekToEnd() }
            wake = try source.waitDescriptor()
        } catch {
            diagnostics?.error("\(selection.displayName): \(error.message)")
            return
        }
        let input = PipeTail(pipeline: pipeline, formatOverride: scanOptions.formatOverride,
                             maxLineLength: scanOptions.maxLineLength, path: selection.displayName)
        output?.started(following: [selection.displayName])
        var nextSummary = options.summaryEvery.map { Date().timeIntervalSince1970 + $0 }
        readAvailable(from: source, into: input)
        while true {
            var timeout: Int32 = executor?.isBusy == true ? 50 : 2000
            let journalTimeout = source.pollTimeoutMilliseconds
            if journalTimeout >= 0 { timeout = min(timeout, journalTimeout) }
            if let next = nextSummary {
                timeout = min(timeout, Int32(max(0, (next - Date().timeIntervalSince1970) * 1000)))
            }
            var descriptors = [pollfd(fd: signals, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: wake.descriptor, events: wake.pollEvents, revents: 0)]
            for descriptor in executor?.outputDescriptors ?? [] {
                descriptors.append(pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0))
            }
            _ = poll(&descriptors, nfds_t(descriptors.count), timeout)
            guard answerSignals(signals, input: input) else { return }
            source.process()
            readAvailable(from: source, into: input)
            executor?.poll()
            summarizeIfDue(&nextSummary)
        }
    }

    /// Every entry the journal holds now (whole entries: each read ends after a line).
    private func readAvailable(from source: JournalSource, into input: PipeTail) {
        while true {
            let read: Result<Int, InputError> = readBuffer.withUnsafeMutableBytes { buffer in
                Result { () throws(InputError) in try source.read(into: buffer.baseAddress!, count: buffer.count) }
            }
            guard case .success(let got) = read else {
                if case .failure(let error) = read { diagnostics?.warning("\(input.path): \(error.message)") }
                return
            }
            guard got > 0 else { return }
            let warning = readBuffer.withUnsafeBytes { input.consume(UnsafeRawBufferPointer(rebasing: $0[..<got]), into: &sinks) }
            report(warning, skipsOf: input)
        }
    }
}
