import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `follow -`: standard input instead of files, e.g. `journalctl -f -o json -u nginx |
/// authlog follow -`. The lines go through the same pipeline, sinks, alerts and signals as a
/// followed file's; there is nothing to watch for rotation, and the end of the input ends the
/// session (once the --exec commands it started are done), as `tail -f` of a pipe ends.
extension FollowSession {
    func runOnStandardInput() {
        let signals = SignalPipe.install([SIGINT, SIGTERM, SIGUSR1, SIGHUP])
        let input = PipeTail(pipeline: pipeline, formatOverride: scanOptions.formatOverride,
                             maxLineLength: scanOptions.maxLineLength)
        output?.started(following: [PipeTail.path])
        var nextSummary = options.summaryEvery.map { Date().timeIntervalSince1970 + $0 }
        var inputOpen = true
        while inputOpen || executor?.isBusy == true {
            var timeout = executor?.isBusy == true ? 0.05 : 2.0
            if let next = nextSummary { timeout = max(0, min(timeout, next - Date().timeIntervalSince1970)) }
            var descriptors = [pollfd(fd: signals, events: Int16(POLLIN), revents: 0)]
            if inputOpen { descriptors.append(pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)) }
            for descriptor in executor?.outputDescriptors ?? [] {
                descriptors.append(pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0))
            }
            _ = poll(&descriptors, nfds_t(descriptors.count), Int32(timeout * 1000))
            guard answerSignals(signals, input: input) else { return }
            if inputOpen, descriptors[1].revents != 0 {
                inputOpen = readAvailable(into: input)
                if !inputOpen { report(input.finish(into: &sinks), skipsOf: input) }
            }
            executor?.poll()
            summarizeIfDue(&nextSummary)
        }
        reportSkipTotals()
        output?.summary(aggregate, final: true)
    }

    /// Reads what the pipe holds now (one read: a busy writer must not starve the signals);
    /// false at its end or on an error.
    private func readAvailable(into input: PipeTail) -> Bool {
        let got = readBuffer.withUnsafeMutableBytes { Glibc.read(STDIN_FILENO, $0.baseAddress, $0.count) }
        if got < 0, errno == EINTR || errno == EAGAIN { return true }
        if got < 0 { diagnostics?.warning("standard input: \(String(cString: strerror(errno)))") }
        guard got > 0 else { return false }
        let warning = readBuffer.withUnsafeBytes { input.consume(UnsafeRawBufferPointer(rebasing: $0[..<got]), into: &sinks) }
        report(warning, skipsOf: input)
        return true
    }

    /// Answers the signals waiting on the signal pipe: SIGUSR1 and SIGHUP print the overview;
    /// any other ends the session, after what `input` still holds and the final overview.
    /// False when the session must end.
    func answerSignals(_ signals: Int32, input: PipeTail) -> Bool {
        for signal in SignalPipe.drain(signals) {
            switch signal {
            case SIGUSR1, SIGHUP:
                output?.summary(aggregate, final: false)
            default:
                // Nothing waiting is started now, and nothing started outlives us.
                executor?.shutDown()
                report(input.finish(into: &sinks), skipsOf: input)
                reportSkipTotals()
                output?.summary(aggregate, final: true)
                return false
            }
        }
        return true
    }

    /// Says at once what could not be read, in the scan's words, and keeps the skips for the end.
    func report(_ warning: String?, skipsOf input: PipeTail) {
        if let warning { diagnostics?.warning(warning) }
        guard let skips = input.takeSkips(), !skips.counts.isEmpty else { return }
        let count = skips.counts.values.reduce(0, +)
        diagnostics?.warning("\(input.path): skipped \(count) line(s): \(SkipReason.describe(skips.counts, firstLines: skips.firstLines))")
        if let index = skipTotals.firstIndex(where: { $0.path == input.path }) {
            skipTotals[index].counts.merge(skips.counts, uniquingKeysWith: +)
            skipTotals[index].firstLines.merge(skips.firstLines) { first, _ in first }
        } else {
            skipTotals.append((input.path, skips.counts, skips.firstLines))
        }
    }
}
