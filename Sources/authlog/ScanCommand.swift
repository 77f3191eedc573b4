import ArgumentParser
import AuthLogKit
import Foundation
import PCRE2
#if canImport(Glibc)
import Glibc
#endif

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, ndjson
}

enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
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

            EXAMPLES
              authlog scan /var/log/nginx /var/log/apache2/error.log /var/www/wp-content/debug.log
              authlog scan --output json samples/ > report.json
              authlog scan --output ndjson /var/log/nginx | jq 'select(.cause=="password-mismatch")'
              zcat access.log.2.gz | authlog scan -

            EXIT STATUS
              0  the scan completed and every input was read
              1  the scan completed, but some input could not be read or recognised
              2  usage error or unusable pattern file: nothing was scanned
            """
    )

    @Argument(help: ArgumentHelp("Log files or directories; '-' reads standard input.", valueName: "path"))
    var paths: [String] = []

    @Option(name: [.short, .long], help: "Output: text (for people), json (authlog.report/1), ndjson (one event per line).")
    var output: OutputFormat = .text

    @Option(help: "How many entries each top list shows.")
    var top: Int = 10

    @Option(name: .customLong("log-format"), help: ArgumentHelp(
        "Read every input as this format instead of detecting it (see 'authlog patterns').", valueName: "name"))
    var logFormat: String?

    @Option(name: .customLong("include"), help: ArgumentHelp(
        "Read only the files of a directory that match this glob (name, or path below the directory if it has a '/'); repeatable.",
        valueName: "glob"))
    var includes: [String] = []

    @Option(name: .customLong("exclude"), help: ArgumentHelp(
        "Skip the files of a directory that match this glob; repeatable. Files named on the command line are always read.",
        valueName: "glob"))
    var excludes: [String] = []

    @OptionGroup var patternOptions: PatternOptions

    @Option(help: ArgumentHelp(
        "Time zone of timestamps that carry none (nginx/Apache error logs, syslog), e.g. Europe/Berlin. Default: the machine's.",
        valueName: "zone"))
    var tz: String?

    @Option(help: "Colour in text output: auto (when stdout is a terminal and NO_COLOR is unset), always, never.")
    var color: ColorChoice = .auto

    @Option(name: .customLong("match-limit"), help: ArgumentHelp(
        "PCRE2 match limit per line; a line that needs more is skipped and counted, so no pattern can hang a scan.",
        visibility: .hidden))
    var matchLimit: UInt32 = MatchLimits.default.matchLimit

    @Option(name: .customLong("max-line"), help: ArgumentHelp(
        "Longest line analysed, in bytes; longer lines are skipped and counted.", valueName: "bytes"))
    var maxLine: Int = 1 << 20

    @Option(name: [.customShort("j"), .long], help: ArgumentHelp(
        "Worker threads (default: one per core). Files and chunks of large files are scanned in parallel.",
        valueName: "n"))
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("chunk-size"), help: ArgumentHelp(
        "Bytes per chunk when a large file is split between threads.", valueName: "bytes", visibility: .hidden))
    var chunkSize: Int = 16 << 20

    @Option(name: .customLong("max-keys"), help: ArgumentHelp(
        "Distinct IPs, paths and users counted exactly; beyond, top lists are estimated in bounded memory and marked.",
        valueName: "n"))
    var maxKeys: Int = 1_000_000

    @Flag(name: [.short, .long], help: "Do not print warnings or progress (errors are still printed).")
    var quiet = false

    func validate() throws {
        guard top >= 0 else { throw ValidationError("--top must be 0 or more") }
        guard maxLine >= 64 else { throw ValidationError("--max-line must be at least 64 bytes") }
        guard maxKeys >= 1 else { throw ValidationError("--max-keys must be 1 or more") }
        guard threads >= 1 else { throw ValidationError("--threads must be 1 or more") }
        guard chunkSize >= 4096 else { throw ValidationError("--chunk-size must be at least 4096 bytes") }
        if let tz, TimeZone(identifier: tz) == nil {
            throw ValidationError("unknown time zone '\(tz)' (use a name like UTC or Europe/Berlin)")
        }
        if paths.isEmpty, isatty(STDIN_FILENO) != 0 {
            throw ValidationError("give log files or directories to scan, or '-' to read standard input")
        }
        if paths.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("standard input ('-') can be read only once")
        }
    }

    func run() throws {
        let patterns = try patternOptions.compiled()
        if let logFormat, patterns.format(named: logFormat) == nil {
            throw ValidationError("unknown log format '\(logFormat)'; known: \(patterns.formatNames.joined(separator: ", "))")
        }
        var options = ScanOptions()
        options.formatOverride = logFormat
        if let tz { options.timeZone = TimeZone(identifier: tz)! }
        options.matchLimits.matchLimit = matchLimit
        options.maxLineLength = maxLine
        options.threads = threads
        options.chunkSize = chunkSize
        options.maxKeys = maxKeys
        options.pathFilter = PathFilter(includes: includes, excludes: excludes)

        let progress = ScanProgress()
        options.progress = progress
        let progressLine = ProgressLine.start(progress, quiet: quiet)
        let diagnostics = StandardError(quiet: quiet)
        let stdout = StandardOutput()
        let session = ScanSession(patterns: patterns, options: options, diagnostics: diagnostics)
        let inputs = paths.isEmpty ? ["-"] : paths

        let report: ScanReport
        switch output {
        case .ndjson:
            report = session.run(arguments: inputs) { event in stdout.write(event: event) }
            progressLine?.stop()
        case .json:
            report = session.run(arguments: inputs)
            progressLine?.stop()
            stdout.write(JSONReport.render(report, top: top, generator: "authlog \(AuthLog.version)"))
        case .text:
            report = session.run(arguments: inputs)
            progressLine?.stop()
            let useColor: Bool
            switch color {
            case .always: useColor = true
            case .never: useColor = false
            case .auto: useColor = isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
            }
            stdout.write(TextReport.render(report, top: top, style: TextStyle(enabled: useColor)))
        }
        stdout.flush()
        if report.hadInputErrors { throw ExitCode(ExitStatus.inputProblem) }
    }
}
