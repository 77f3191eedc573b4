import ArgumentParser
import AuthLogKit
import Foundation
import PCRE2
#if canImport(Glibc)
import Glibc
#endif

enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    /// stdout is a terminal and NO_COLOR is unset or empty (https://no-color.org).
    static var terminalWantsColor: Bool {
        isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
    }

    var enabled: Bool {
        switch self {
        case .always: true
        case .never: false
        case .auto: Self.terminalWantsColor
        }
    }
}

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan log files and directories and report authentication failures.",
        discussion: """
            Each file's format is detected from its first lines (nginx-access, apache-access, \
            nginx-error, apache-error, wordpress, or any of them behind a syslog/journald prefix). \
            A directory contributes the log files in it and below it, rotated siblings \
            (access.log.1) included, oldest first. authlog only reads its inputs.

            An access-log 401/403 and the error-log or debug.log line explaining it are one failed \
            request, counted once under its precise cause. The report leads with findings: \
            attacks to block (\(FindingRegistry.kindIDs(in: .attack).joined(separator: ", "))), \
            things to fix (\(FindingRegistry.kindIDs(in: .fix).joined(separator: ", "))) and \
            colleagues who only mistyped (\(FindingRegistry.kindIDs(in: .benign).joined(separator: ", "))), \
            each with its evidence (file:line) and advice.

            EXAMPLES
              authlog scan /var/log/nginx /var/www/wp-content/debug.log
              authlog scan --output json samples/ > report.json
              authlog scan -o ndjson /var/log/nginx | jq 'select(.cause=="unknown-user")'
              authlog scan -o ndjson /var/log | jq -c 'select(.type=="finding") | {kind, key, advice}'
              authlog scan -o bans --ban-format nginx /var/log/nginx > /etc/nginx/authlog-bans.conf
              authlog scan --brute-force 100 --no-requests /var/log/apache2
              xzcat access.log.3.xz | authlog scan -
              authlog scan --journal -u nginx -u apache2

            EXIT STATUS
              0  the scan completed and every input was read
              1  the scan completed, but some input could not be read or recognised,
                 or the report could not be written to standard output
              2  usage error or unusable pattern file: nothing was scanned
            """
    )

    @Argument(help: ArgumentHelp("Log files or directories; '-' reads standard input.", valueName: "path"))
    var paths: [String] = []

    @Option(name: [.short, .long], help: ScanOutput.help)
    var output: ScanOutput = .standard

    @OptionGroup(title: "The journal") var journal: JournalOptions

    @OptionGroup var common: CommonScanOptions

    @OptionGroup(title: "Findings") var findings: FindingOptions

    @OptionGroup(title: "Ban lists") var bans: BanOptions

    @Option(help: "Colour in text output: auto (when stdout is a terminal and NO_COLOR is unset), always, never.")
    var color: ColorChoice = .auto

    func validate() throws {
        try journal.check(paths: paths, logFormat: common.logFormat)
        if paths.isEmpty, !journal.journal, isatty(STDIN_FILENO) != 0 {
            throw ValidationError("give log files or directories to scan, or '-' to read standard input")
        }
        if paths.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("standard input ('-') can be read only once")
        }
    }

    func run() throws {
        var (patterns, options) = try common.prepare()
        options.requestAnalysis = findings.analysis
        let progress = ScanProgress()
        options.progress = progress
        let progressLine = ProgressLine.start(progress, quiet: common.quiet)
        let diagnostics = StandardError(quiet: common.quiet)
        let stdout = ReportOutput.standardOutput()
        let session = ScanSession(patterns: patterns, options: options, diagnostics: diagnostics)
        let inputs = paths.isEmpty ? [LogPath.standardInput] : CommandArguments.rawPaths(paths)

        let writer = output.writer
        let onEvent: ((AuthEvent) -> Void)? = writer.streams ? { event in writer.write(event: event, to: stdout) } : nil
        let report = journal.selection.map { session.run(inputs: [LogInput(journal: $0)], onEvent: onEvent) }
            ?? session.run(arguments: inputs, onEvent: onEvent)
        progressLine?.stop()
        writer.write(report, settings: ReportSettings(top: common.top, style: TextStyle(enabled: color.enabled, width: TerminalWidth.current()),
                                                      generator: "authlog \(AuthLog.version)", bans: bans.settings(trustedProxies: options.trustedProxies.networks)), to: stdout)
        try stdout.flush()
        if report.hadInputErrors { throw ExitCode(ExitStatus.inputProblem) }
    }
}
