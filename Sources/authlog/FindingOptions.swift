import ArgumentParser
import AuthLogKit

/// How failed requests are joined and when a pattern becomes a finding (scan, summary).
struct FindingOptions: ParsableArguments {
    /// The thresholds of the registered finding rules, one flag each, listed first.
    @OptionGroup var thresholds: ThresholdOptions

    @Option(name: .customLong("pairing-window"), help: ArgumentHelp(
        "Seconds an error/debug line may be apart from its access line when none of the same second fits.",
        valueName: "seconds"))
    var pairingWindow = 2

    @Option(name: .customLong("challenge-window"), help: ArgumentHelp(
        "Seconds within which a client's login that worked makes its 401 without credentials before it a challenge, not a failure (0: the same second).",
        valueName: "seconds"))
    var challengeWindow = Int(RequestAnalysisOptions().challengeWindow)

    @Option(name: .customLong("max-requests"), help: ArgumentHelp(
        "Authentication lines kept for pairing and findings (48 bytes each, plus ~60 per distinct address, path or name); past it, lines count as events only.",
        valueName: "n"))
    var maxRequests = RequestCollector.defaultLimit

    @Option(name: .customLong("ipv6-prefix"), help: ArgumentHelp(
        "Findings take the IPv6 addresses of one /N network that fail together as one client, keyed by the network.",
        valueName: "bits"))
    var ipv6Prefix = 64

    @Flag(name: .customLong("no-requests"), help: "Count log lines only: no joining of access and error lines, no findings.")
    var noRequests = false

    func validate() throws {
        try requireOption(pairingWindow, in: 0...86_400, "--pairing-window")
        try requireOption(challengeWindow, in: 0...3_600, "--challenge-window")
        try requireOption(maxRequests, in: 0...1_000_000_000, "--max-requests")
        try requireOption(ipv6Prefix, in: 1...128, "--ipv6-prefix")
    }

    var analysis: RequestAnalysisOptions? {
        guard !noRequests else { return nil }
        var options = RequestAnalysisOptions()
        options.thresholds = thresholds.values
        options.pairingWindow = Int64(pairingWindow)
        options.maxRequests = maxRequests
        options.challengeWindow = Int64(challengeWindow)
        options.ipv6Prefix = ipv6Prefix
        return options
    }
}
