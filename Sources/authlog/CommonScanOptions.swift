import ArgumentParser
import AuthLogKit
import Foundation
import PCRE2

/// Options every command that reads logs shares (scan, summary).
struct CommonScanOptions: ParsableArguments {
    @Option(help: "How many entries each top list shows.")
    var top: Int = 10

    @Option(name: .customLong("log-format"), help: ArgumentHelp(
        "Read every input as this format instead of detecting it (see 'authlog patterns'), or as a format string: "
            + "'nginx:$remote_addr … $status' (log_format) or 'apache:%h … %>s' (LogFormat).", valueName: "name"),
        completion: .list(CompletionValues.builtinFormatNames))
    var logFormat: String?

    @OptionGroup var patternOptions: PatternOptions

    @Option(name: .customLong("include"), help: ArgumentHelp(
        "Read only the files of a directory that match this glob (name, or path below the directory if it has a '/'); repeatable.",
        valueName: "glob"))
    var includes: [String] = []

    @Option(name: .customLong("exclude"), help: ArgumentHelp(
        "Skip the files of a directory that match this glob; repeatable. Files named on the command line are always read.",
        valueName: "glob"))
    var excludes: [String] = []

    @Option(help: ArgumentHelp(
        "Time zone of timestamps that carry none (nginx/Apache error logs, syslog), e.g. Europe/Berlin. Default: the machine's.",
        valueName: "zone"))
    var tz: String?

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

    @Option(name: .customLong("trusted-proxy"), help: ArgumentHelp(
        "A proxy whose X-Forwarded-For, X-Real-IP or CF-Connecting-IP names the client (CIDR or address; 'cloudflare' for Cloudflare's ranges); repeatable. Without it the connecting address is the client.",
        valueName: "cidr"), completion: .list(TrustedProxies.namedLists))
    var trustedProxies: [String] = []

    @Flag(name: [.short, .long], help: "Do not print warnings or progress (errors are still printed).")
    var quiet = false

    /// Upper bounds well beyond any real need, low enough that nothing they size overflows.
    static let maxTop = 1_000_000
    static let maxThreads = 256
    static let maxLineLimit = 1 << 30
    static let maxChunkSize = 1 << 30
    static let maxKeysLimit = 100_000_000

    func validate() throws {
        try requireOption(top, in: 0...Self.maxTop, "--top")
        try requireOption(maxLine, in: 64...Self.maxLineLimit, "--max-line")
        try requireOption(maxKeys, in: 1...Self.maxKeysLimit, "--max-keys")
        try requireOption(threads, in: 1...Self.maxThreads, "--threads (-j)")
        try requireOption(chunkSize, in: 4096...Self.maxChunkSize, "--chunk-size")
        try requireOption(matchLimit, in: 1...UInt32.max, "--match-limit")
        do { _ = try TrustedProxies.parse(trustedProxies) } catch { throw ValidationError(error.description) }
        if let tz, TimeZone(identifier: tz) == nil {
            throw ValidationError("unknown time zone '\(tz)' (use a name like UTC or Europe/Berlin)")
        }
    }

    var timeZone: TimeZone { tz.flatMap(TimeZone.init(identifier:)) ?? .current }

    /// The compiled patterns and the scan options these flags describe.
    func prepare() throws -> (CompiledPatterns, ScanOptions) {
        let loaded = try patternOptions.loaded(logFormat: logFormat)
        let patterns = loaded.compiled
        let logFormat = loaded.inlineFormat ?? logFormat
        if let logFormat, patterns.format(named: logFormat) == nil {
            throw ValidationError("unknown log format '\(logFormat)'; known: \(patterns.formatNames.joined(separator: ", "))")
        }
        var options = ScanOptions()
        options.formatOverride = logFormat
        options.formatsByPath = loaded.server.formatsByPath
        options.timeZone = timeZone
        options.matchLimits.matchLimit = matchLimit
        options.maxLineLength = maxLine
        options.threads = threads
        options.chunkSize = chunkSize
        options.maxKeys = maxKeys
        options.trustedProxies = (try? TrustedProxies.parse(trustedProxies)) ?? TrustedProxies([])
        options.pathFilter = PathFilter(includes: includes, excludes: excludes)
        return (patterns, options)
    }
}
