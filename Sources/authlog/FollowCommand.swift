import ArgumentParser
import AuthLogKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

enum FollowFormat: String, ExpressibleByArgument, CaseIterable {
    case text, ndjson
}

struct FollowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "follow",
        abstract: "Follow logs as they are written, like tail -F: every failure as it happens, alerts while an attack is under way.",
        discussion: """
            Files are followed by name and survive rotation: rename (logrotate create), \
            copytruncate, delete and recreate, a file that does not exist yet, and new log files \
            in a followed directory. Lines still written to a renamed file are read for \
            --rotation-grace. Existing files are read from their end unless --from-start.

            ALERTS
              --alert 'ip>=20/5m' fires once when one address has 20 failures
              within 5 minutes of log time, again only after falling below.
              Keys: ip, user, path, cause.
              --exec CMD runs CMD KEY_TYPE KEY COUNT WINDOW_SECONDS RULE for each
              alert, with no shell in between, at most 4 at a time, killed
              after --exec-timeout.

            SIGUSR1 prints the overview so far; SIGINT or SIGTERM prints it and exits 0.

            EXAMPLES
              authlog follow /var/log/nginx/access.log /var/log/nginx/error.log
              authlog follow --output ndjson /var/log/nginx | vector …
              authlog follow --alert 'ip>=20/5m' --alert 'user>=10/10m' \\
                --exec /usr/local/bin/block-ip /var/log/nginx
            """
    )

    @Argument(help: ArgumentHelp("Log files or directories to follow.", valueName: "path"))
    var paths: [String]

    @Option(name: [.short, .long], help: "Output: text (a line per event) or ndjson (the scan's event objects; alerts and summaries with \"type\").")
    var output: FollowFormat = .text

    @Flag(name: .customLong("from-start"), help: "Read existing files from their start, not their end.")
    var fromStart = false

    @Option(name: .customLong("alert"), help: ArgumentHelp("Alert rule KEY>=N/DURATION, e.g. ip>=20/5m; repeatable.", valueName: "rule"),
            completion: .list(["ip>=", "user>=", "path>=", "cause>="]))
    var alertRules: [String] = []

    @Option(help: ArgumentHelp("Command run for each alert (no shell): CMD KEY_TYPE KEY COUNT WINDOW_SECONDS RULE.", valueName: "cmd"))
    var exec: String?

    @Option(name: .customLong("exec-timeout"), help: ArgumentHelp("Seconds an --exec command may run before it is killed.", valueName: "seconds"))
    var execTimeout: Double = 30

    @Option(name: .customLong("summary-every"), help: ArgumentHelp("Print the overview this often, e.g. 60s or 10m.", valueName: "duration"))
    var summaryEvery: String?

    @Option(help: ArgumentHelp("Poll this often instead of using inotify (network file systems), e.g. 1s.", valueName: "duration"))
    var poll: String?

    @Option(name: .customLong("rotation-grace"), help: ArgumentHelp("Seconds a renamed or deleted file is still read.", valueName: "seconds"))
    var rotationGrace: Double = 15

    @Option(help: "Colour in text output: auto, always, never.")
    var color: ColorChoice = .auto

    @OptionGroup var common: CommonScanOptions

    func validate() throws {
        for rule in alertRules {
            do { _ = try AlertRule(parsing: rule) } catch { throw ValidationError(error.description) }
        }
        if let summaryEvery, Self.seconds(summaryEvery) == nil { throw ValidationError("--summary-every: use a duration like 60s or 10m") }
        if let poll, Self.seconds(poll) == nil { throw ValidationError("--poll: use a duration like 1s or 500ms") }
        if paths.contains("-") { throw ValidationError("follow reads files and directories, not standard input") }
    }

    static func seconds(_ text: String) -> Double? { DurationText.seconds(text) }

    func run() throws {
        let (patterns, scanOptions) = try common.prepare()
        var options = FollowOptions()
        options.fromStart = fromStart
        options.alerts = alertRules.compactMap { try? AlertRule(parsing: $0) }
        options.exec = exec
        options.execTimeout = execTimeout
        options.summaryEvery = summaryEvery.flatMap(Self.seconds)
        options.pollInterval = poll.flatMap(Self.seconds)
        options.rotationGrace = rotationGrace
        let useColor = color == .always || (color == .auto && ColorChoice.terminalWantsColor)
        let printer = FollowPrinter(format: output, style: TextStyle(enabled: useColor), top: common.top)
        let diagnostics = StandardError(quiet: common.quiet)
        signal(SIGPIPE, SIG_DFL)
        let session = FollowSession(patterns: patterns, scanOptions: scanOptions, options: options,
                                    output: printer, diagnostics: diagnostics)
        session.run(paths: paths)
    }
}

/// Writes each event, alert and summary at once (one write(2), no buffering), so a pipe
/// downstream sees it immediately. The lines themselves come from `FollowLines`.
final class FollowPrinter: FollowOutput {
    let format: FollowLines.Format
    let style: TextStyle
    let top: Int

    init(format: FollowFormat, style: TextStyle, top: Int) {
        self.format = format == .ndjson ? .ndjson : .text
        self.style = style
        self.top = top
    }

    func event(_ event: AuthEvent) { emit(FollowLines.event(event, format: format)) }
    func alert(_ alert: Alert) { emit(FollowLines.alert(alert, format: format, style: style)) }
    func summary(_ aggregate: FailureAggregate, final: Bool) {
        emit(FollowLines.summary(aggregate, final: final, top: top, format: format, style: style))
    }

    private func emit(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(STDOUT_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { if errno == EINTR { continue }; return }
                offset += written
            }
        }
    }
}
