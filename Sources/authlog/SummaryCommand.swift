import ArgumentParser
import AuthLogKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "A report of the failures in a time window or since the previous run, for cron and systemd timers.",
        discussion: """
            With --state FILE each run covers exactly the lines written since the previous one: \
            rotated logs (access.log → access.log.1 → access.log.2.gz) are recognised by the \
            first bytes of their content, so their unread tail is read once; a truncated log \
            (copytruncate) is read from its start. The state is written atomically, and only \
            after the report, so a run that fails or is killed is simply done again next time. \
            Without --state, --since/--until choose the window from the logs' own timestamps. \
            With --journal the state keeps the journal's cursor (its last entry read), and the \
            next run reads the entries after it; a state that cannot be used is then refused \
            (exit 2) rather than the whole journal read again.

            Counts are failed requests, as scan counts them (an access-log 401 and the error \
            line explaining it are one); the JSON keeps the line counts under "events". \
            --state takes a lock (STATE.lock beside it): a second run on the same state waits \
            for the first (--wait-lock), so no line is reported twice.

            --output-file and --state replace a regular file atomically, keeping its mode. A \
            device or FIFO (/dev/null, /dev/stdout to a pipe) is written straight through, \
            never replaced; a symbolic link to a regular file, a directory or a block device \
            is refused.

            EXAMPLES
              authlog summary --state /var/lib/authlog/state.json -o markdown \\
                /var/log/nginx /var/log/apache2
              authlog summary --since yesterday --until today -o html \\
                --output-file /var/www/reports/auth.html /var/log/nginx
              authlog summary --since 1h --fail-on 'ip>=100' --quiet-if-empty \\
                /var/log/nginx
              authlog summary --journal -u nginx --state /var/lib/authlog/journal.json

            EXIT STATUS
              0  the report was written
              1  it was written, but some input could not be read or recognised; or
                 the report or state could not be written (the state then keeps its
                 old position); or another run held the state's lock past --wait-lock
              2  usage error, unusable pattern file, or a refused --output-file or
                 --state target: nothing was scanned
              3  a --fail-on threshold was reached (the report was written)
            """
    )

    @Argument(help: ArgumentHelp("Log files or directories.", valueName: "path"))
    var paths: [String] = []

    @OptionGroup(title: "The journal") var journal: JournalOptions

    @Option(help: ArgumentHelp("Remember where each log was read up to; the next run reports only what is new.",
                               valueName: "file"))
    var state: String?

    @Option(help: ArgumentHelp("Start of the window: 2026-11-22, 2026-11-22T06:00, 24h, 7d, today, yesterday.", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("End of the window (exclusive), same forms as --since. Default: now.", valueName: "time"))
    var until: String?

    @Option(name: [.short, .long], help: SummaryOutput.help)
    var output: SummaryOutput = .standard

    @Option(name: .customLong("output-file"), help: ArgumentHelp(
        "Write the report to this file (atomically) instead of standard output.", valueName: "path"))
    var outputFile: String?

    @Option(name: .customLong("fail-on"), help: ArgumentHelp(
        "Exit 3 when reached: \(FailOnRule.keyNames.map { $0 + ">=N" }.joined(separator: ", ")) or CAUSE>=N (also >); repeatable.",
        valueName: "rule"),
        completion: .list((FailOnRule.keyNames + CompletionValues.causeIDs).map { $0 + ">=" }))
    var failOn: [String] = []

    @Option(name: .customLong("wait-lock"), help: ArgumentHelp(
        "With --state: seconds to wait while another run holds the state's lock (STATE.lock), then exit 1.",
        valueName: "seconds"))
    var waitLock: Double = 120

    @Flag(name: .customLong("quiet-if-empty"), help: "Print nothing when the window holds no failures (cron mails only news).")
    var quietIfEmpty = false

    @OptionGroup var common: CommonScanOptions

    @OptionGroup(title: "Findings") var findings: FindingOptions

    @OptionGroup(title: "Ban lists") var bans: BanOptions

    func validate() throws {
        try journal.check(paths: paths, logFormat: common.logFormat)
        if paths.isEmpty, !journal.journal { throw ValidationError("Missing expected argument '<path> ...'") }
        for rule in failOn {
            do { _ = try FailOnRule(parsing: rule) } catch { throw ValidationError(error.description) }
        }
        guard waitLock.isFinite, waitLock >= 0, waitLock <= 86_400 else {
            throw ValidationError("--wait-lock: give seconds from 0 to 86400")
        }
        if paths.contains("-"), state != nil {
            throw ValidationError("--state needs files: standard input cannot be read incrementally")
        }
    }

    func run() throws {
        var (patterns, options) = try common.prepare()
        options.requestAnalysis = findings.analysis
        let now = Date()
        let nowSeconds = Int64(now.timeIntervalSince1970)
        options.now = now
        do {
            options.since = try since.map { try TimeExpression.parse($0, now: now, zone: common.timeZone) }
            options.until = try until.map { try TimeExpression.parse($0, now: now, zone: common.timeZone) }
        } catch {
            throw ValidationError("\(error)")
        }
        if let start = options.since, let end = options.until, start >= end {
            throw ValidationError("--since must be before --until (the window is empty)")
        }
        let rules = failOn.compactMap { try? FailOnRule(parsing: $0) }  // checked in validate()
        let diagnostics = StandardError(quiet: common.quiet)

        // Targets are checked before the scan: a refused --output-file or --state is known
        // at once, not after an hour of reading.
        if let outputFile {
            do { _ = try AtomicFile.method(for: outputFile) } catch {
                diagnostics.error("--output-file \(outputFile): \(error.message)")
                throw ExitCode(ExitStatus.usage)
            }
        }
        // The lock is held from reading the state to saving the next one (released when
        // `lock` goes, at the end of run()).
        var lock: StateLock? = nil
        if let state {
            do {
                try AtomicFile.requireReplaceable(state)
            } catch {
                diagnostics.error("--state \(state): \(error.message)")
                throw ExitCode(ExitStatus.usage)
            }
            do {
                lock = try StateLock.acquire(state: state, waitSeconds: waitLock)
            } catch {
                diagnostics.error("\(state): \(error.message)")
                throw ExitCode(ExitStatus.inputProblem)
            }
        }
        defer { withExtendedLifetime(lock) {} }
        let progress = ScanProgress()
        options.progress = progress
        let progressLine = ProgressLine.start(progress, quiet: common.quiet)
        let session = ScanSession(patterns: patterns, options: options, diagnostics: diagnostics)

        // Where to start: the saved state, or everything.
        var saved: SummaryState? = nil
        var windowDescription = since == nil && until == nil ? "everything in the logs" : "by the logs' timestamps"
        if let state {
            switch SummaryState.load(state) {
            case .loaded(let loaded):
                saved = loaded
                windowDescription = "new since the previous run at \(loaded.generatedAt.replacingOccurrences(of: "T", with: " "))"
            case .missing:
                windowDescription = "first run with \(state): everything in the logs"
            case .unusable(let why) where journal.journal:
                // Reading the whole journal again would be a surprise (and could take hours):
                // the admin decides, by repairing or removing the file.
                diagnostics.error("\(state): \(why); fix or remove it (the journal was not read)")
                throw ExitCode(ExitStatus.usage)
            case .unusable(let why):
                diagnostics.warning("\(state): \(why); reading everything and starting a new state")
                windowDescription = "state was unusable: everything in the logs"
            }
        }
        let report: ScanReport
        var plan: IncrementalPlanner.Plan? = nil
        if var selection = journal.selection {
            selection.afterCursor = saved?.journal?.cursor
            report = session.run(inputs: [LogInput(journal: selection)])
        } else if state != nil {
            let made = IncrementalPlanner.plan(arguments: CommandArguments.rawPaths(paths), filter: options.pathFilter,
                                               state: saved)
            report = session.run(inputs: made.inputs, unscanned: made.unscanned)
            plan = made
        } else {
            report = session.run(arguments: CommandArguments.rawPaths(paths))
        }
        progressLine?.stop()

        // The window: what was asked for; since the previous run with a state; otherwise the
        // span of the logs themselves.
        let windowStart = options.since ?? saved.flatMap { Self.seconds($0.generatedAt) }
            ?? (state == nil ? report.aggregate.firstSeen : nil)
        let windowEnd = options.until ?? (state == nil && options.since == nil ? report.aggregate.lastSeen ?? nowSeconds : nowSeconds)
        let document = SummaryDocument(
            report: report, windowStart: windowStart, windowEnd: windowEnd,
            windowDescription: windowDescription, previous: saved?.previous, top: common.top, generatedAt: nowSeconds)

        if !(quietIfEmpty && document.total == 0) {
            // A report for a file is kept in memory and put in place whole, atomically.
            let out = outputFile == nil ? ReportOutput.standardOutput() : ReportOutput()
            let settings = ReportSettings(top: common.top,
                                          style: TextStyle(enabled: outputFile == nil && ColorChoice.terminalWantsColor,
                                                           width: TerminalWidth.current(toTerminal: outputFile == nil)),
                                          generator: "authlog \(AuthLog.version)", bans: bans.settings(trustedProxies: options.trustedProxies.networks))
            output.writer.write(document, settings: settings, to: out)
            if let outputFile {
                do {
                    try AtomicFile.write(out.bytes, to: outputFile)
                } catch {
                    diagnostics.error("\(outputFile): \(error.message)" + (state == nil ? "" : "; the state was not updated"))
                    throw ExitCode(ExitStatus.inputProblem)
                }
            } else {
                do {
                    try out.flush()
                } catch {
                    // The report did not get out: the state keeps the old position, so the
                    // next run reports these lines again. A reader that left ends quietly.
                    if error.isBrokenPipe { throw error }
                    diagnostics.error(error.message + (state == nil ? "" : "; the state was not updated"))
                    throw ExitCode(ExitStatus.inputProblem)
                }
            }
        }

        // Only now, with the report out, is the new position remembered.
        if let state {
            // Files and the journal keep their own positions: a run of one leaves the other's.
            let checkpoints = plan.map { IncrementalPlanner.checkpoints(after: $0, report: report) } ?? saved?.checkpoints ?? []
            let journalCheckpoint = journal.selection.map {
                SummaryState.JournalCheckpoint.after(report, source: $0.displayName, previous: saved?.journal)
            } ?? saved?.journal
            let next = SummaryState(generatedAt: CivilTime.iso8601(nowSeconds), checkpoints: checkpoints,
                                    previous: document.asPrevious, journal: journalCheckpoint)
            do {
                try next.save(to: state)
            } catch {
                diagnostics.error("\(state): cannot save the state: \(error.message)")
                throw ExitCode(ExitStatus.inputProblem)
            }
        }

        let crossed = rules.compactMap { $0.crossed(by: document.counted) }
        for reason in crossed { diagnostics.error("threshold reached: \(reason)") }
        if !crossed.isEmpty { throw ExitCode(ExitStatus.thresholdReached) }
        if report.hadInputErrors { throw ExitCode(ExitStatus.inputProblem) }
    }

    static func seconds(_ iso: String) -> Int64? {
        try? TimeExpression.parse(iso, now: Date(), zone: TimeZone(identifier: "UTC")!)
    }
}
