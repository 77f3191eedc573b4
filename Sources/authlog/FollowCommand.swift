import ArgumentParser
import AuthLogKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct FollowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "follow",
        abstract: "Follow logs as they are written, like tail -F: every failure as it happens, alerts while an attack is under way.",
        discussion: """
            Files are followed by name and survive rotation: rename (logrotate create), \
            copytruncate (also onto an existing .1), delete and recreate, a file that does not \
            exist yet, and new log files in a followed directory or its subdirectories (found \
            as scan finds them). Lines still written to a renamed file are read for \
            --rotation-grace. Existing files are read from their end unless --from-start: \
            lines written while follow was not running are not reported (summary --state \
            covers every line, run after run). `follow -` reads standard input (a pipe) from \
            its start to its end, its format (journalctl -o json included) told from its first lines.

            ALERTS
              --alert 'ip>=20/5m' fires once when one address has 20 failures
              within 5 minutes of log time, again only after falling below.
              Keys: ip, user, path, cause.
              --exec 'PROGRAM [ARGS…]' runs, for each alert,
                PROGRAM ARGS… -- KEY_TYPE KEY COUNT WINDOW_SECONDS RULE
              split like a shell splits words but with no shell in between
              (| ; & $ ` < > ( ) must be quoted). The program must exist at
              start. Its stdin is /dev/null, its output goes to stderr as
              "authlog: exec PROGRAM: …" lines, never into the events, and it
              gets no other descriptor. At most 4 run at a time; each runs in
              its own process group, killed whole after --exec-timeout.

            SIGNALS
              SIGUSR1 prints the overview so far. SIGHUP (logrotate's
              postrotate) looks at every name again and prints the overview;
              follow goes on. SIGINT or SIGTERM: alerts waiting for --exec are
              not run, running commands get SIGTERM and 2 s, then SIGKILL;
              the final overview is printed; exit 0.

            EXAMPLES
              authlog follow /var/log/nginx/access.log /var/log/nginx/error.log
              authlog follow --output ndjson /var/log/nginx | vector …
              journalctl -f -o json -u nginx | authlog follow -
              authlog follow --journal -u nginx -u apache2
              authlog follow --alert 'ip>=20/5m' --alert 'user>=10/10m' \\
                --exec /usr/local/bin/block-ip /var/log/nginx
              authlog follow --alert 'ip>=20/5m' \\
                --exec 'logger -t authlog -p auth.warning' /var/log/nginx
            """
    )

    @Argument(help: ArgumentHelp("Log files or directories to follow; - for standard input (a pipe, e.g. journalctl -f -o json).", valueName: "path"))
    var paths: [String] = []

    @OptionGroup(title: "The journal") var journal: JournalOptions

    @Option(name: [.short, .long], help: FollowStreamOutput.help)
    var output: FollowStreamOutput = .standard

    @Flag(name: .customLong("from-start"), help: "Read existing files from their start, not their end.")
    var fromStart = false

    @Option(name: .customLong("alert"), help: ArgumentHelp("Alert rule KEY>=N/DURATION, e.g. ip>=20/5m; repeatable.", valueName: "rule"),
            completion: .list(AlertRule.keyNames.map { $0 + ">=" }))
    var alertRules: [String] = []

    @Option(name: .customLong("ipv6-prefix"), help: ArgumentHelp(
        "ip alerts count the IPv6 addresses of one /N network together and name the network when several took part (128: each address alone).",
        valueName: "bits"))
    var ipv6Prefix = 64

    @Option(help: ArgumentHelp("Program (with arguments) run for each alert, no shell: PROGRAM ARGS… -- KEY_TYPE KEY COUNT WINDOW_SECONDS RULE.", valueName: "program"))
    var exec: String?

    @Option(name: .customLong("exec-timeout"), help: ArgumentHelp("Seconds an --exec command may run before its process group is killed (0.1 to 86400).", valueName: "seconds"))
    var execTimeout: Double = 30

    @Option(name: .customLong("summary-every"), help: ArgumentHelp("Print the overview this often, e.g. 60s or 10m (1s to 7d).", valueName: "duration"))
    var summaryEvery: String?

    @Option(help: ArgumentHelp("Poll this often instead of using inotify (network file systems), e.g. 1s (100ms to 1h).", valueName: "duration"))
    var poll: String?

    @Option(name: .customLong("rotation-grace"), help: ArgumentHelp("Seconds a renamed or deleted file is still read (0 to 86400).", valueName: "seconds"))
    var rotationGrace: Double = 15

    @Option(help: "Colour in text output: auto, always, never.")
    var color: ColorChoice = .auto

    @OptionGroup var common: CommonScanOptions

    func validate() throws {
        try journal.check(paths: paths, logFormat: common.logFormat)
        if paths.isEmpty, !journal.journal { throw ValidationError("Missing expected argument '<path> ...'") }
        _ = try followOptions()
        if paths.contains("-"), paths.count > 1 {
            throw ValidationError("follow - reads standard input alone: follow files and a pipe in two runs")
        }
    }

    /// The options, checked: a malformed or absurd value, or an --exec program that cannot
    /// be run, is a usage error before anything is followed.
    func followOptions() throws -> FollowOptions {
        var options = FollowOptions()
        options.fromStart = fromStart
        try requireOption(ipv6Prefix, in: 1...128, "--ipv6-prefix")
        options.ipv6Prefix = ipv6Prefix
        for rule in alertRules {
            do { options.alerts.append(try AlertRule(parsing: rule)) } catch { throw ValidationError(error.description) }
        }
        if let summaryEvery {
            guard let seconds = DurationText.seconds(summaryEvery) else { throw ValidationError("--summary-every: use a duration like 60s or 10m") }
            options.summaryEvery = seconds
        }
        if let poll {
            guard let seconds = DurationText.seconds(poll) else { throw ValidationError("--poll: use a duration like 1s or 500ms") }
            options.pollInterval = seconds
        }
        options.execTimeout = execTimeout
        options.rotationGrace = rotationGrace
        if let exec {
            do { options.exec = try ExecCommand(parsing: exec) } catch { throw ValidationError(error.description) }
        }
        do { try options.check() } catch { throw ValidationError(error.description) }
        return options
    }

    func run() throws {
        let (patterns, scanOptions) = try common.prepare()
        let options = try followOptions()
        let printer = FollowPrinter(writer: output.writer, style: TextStyle(enabled: color.enabled), top: common.top,
                                    quiet: common.quiet)
        let diagnostics = StandardError(quiet: common.quiet)
        signal(SIGPIPE, SIG_DFL)
        let session = FollowSession(patterns: patterns, scanOptions: scanOptions, options: options,
                                    output: printer, diagnostics: diagnostics)
        if let selection = journal.selection {
            session.run(journal: selection)
        } else {
            session.run(paths: paths)
        }
    }
}

/// Writes each event, alert and summary at once (one write(2), no buffering), so a pipe
/// downstream sees it immediately. The lines themselves come from the `--output` writer.
final class FollowPrinter: FollowOutput {
    let writer: any FollowStreamWriter
    let style: TextStyle
    let top: Int
    let quiet: Bool

    init(writer: any FollowStreamWriter, style: TextStyle, top: Int, quiet: Bool) {
        self.writer = writer
        self.style = style
        self.top = top
        self.quiet = quiet
    }

    func event(_ event: AuthEvent) { emit(writer.event(event)) }
    func alert(_ alert: Alert) { emit(writer.alert(alert, style: style)) }
    func summary(_ aggregate: FailureAggregate, final: Bool) {
        emit(writer.summary(aggregate, final: final, top: top, style: style))
    }

    /// On stderr, so that whoever reads the log of a service sees what it follows (and a
    /// wrong path shows at once).
    func started(following files: [String]) {
        guard !quiet else { return }
        let names = files.prefix(5).map { TerminalText.escape($0) }.joined(separator: ", ")
        let more = files.count > 5 ? ", and \(files.count - 5) more" : ""
        StandardError.writeLine("authlog: following \(files.count) file\(files.count == 1 ? "" : "s")\(files.isEmpty ? "" : ": " + names + more)\n")
    }

    /// An --exec command's output: on stderr, never among the events on stdout.
    func execOutput(_ line: String) { StandardError.writeLine(line + "\n") }

    /// A line that cannot be written ends the run: a reader that left (EPIPE, when SIGPIPE
    /// did not already end it) quietly, any other error (a full disk) with one error line and
    /// status 1, rather than following on with every event lost.
    private func emit(_ bytes: [UInt8]) {
        guard let failure = ReportOutput.writeAll(bytes, to: STDOUT_FILENO) else { return }
        if failure.isBrokenPipe { exit(ExitStatus.success) }
        StandardError.writeLine("authlog: error: \(failure.message)\n")
        exit(ExitStatus.inputProblem)
    }
}
