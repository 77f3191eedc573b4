import ArgumentParser
import AuthLogKit

/// How failed requests are joined and when a pattern becomes a finding (scan, summary).
struct FindingOptions: ParsableArguments {
    @Option(name: .customLong("brute-force"), help: ArgumentHelp(
        "brute-force: wrong credentials from one IP on one login surface.", valueName: "n"))
    var bruteForce = FindingThresholds().bruteForceFailures

    @Option(name: .customLong("stuffing-users"), help: ArgumentHelp(
        "credential-stuffing: distinct user names one IP tried.", valueName: "n"))
    var stuffingUsers = FindingThresholds().stuffingUsers

    @Option(name: .customLong("distributed-ips"), help: ArgumentHelp(
        "distributed-attack: distinct IPs that tried one user name and never got in.", valueName: "n"))
    var distributedIPs = FindingThresholds().distributedIPs

    @Option(name: .customLong("probe-requests"), help: ArgumentHelp(
        "probe: refused requests for sensitive files (.git, .env, wp-config.php…) from one IP.", valueName: "n"))
    var probeRequests = FindingThresholds().probeRequests

    @Option(name: .customLong("login-posts"), help: ArgumentHelp(
        "wordpress-login-pressure: POSTs to wp-login.php/xmlrpc.php answered 200 from one IP.", valueName: "n"))
    var loginPosts = FindingThresholds().loginPressurePosts

    @Option(name: .customLong("regular-failures"), help: ArgumentHelp(
        "misconfigured-client: failures of one IP on one path at a steady interval.", valueName: "n"))
    var regularFailures = FindingThresholds().regularFailures

    @Option(name: .customLong("missing-header"), help: ArgumentHelp(
        "missing-authorization-header: REST 401s sent without credentials (from 3 or more clients).", valueName: "n"))
    var missingHeader = FindingThresholds().missingHeaderFailures

    @Option(name: .customLong("expired-failures"), help: ArgumentHelp(
        "expired-credentials: expired-token or invalid-nonce failures.", valueName: "n"))
    var expiredFailures = FindingThresholds().expiredFailures

    @Option(name: .customLong("typo-failures"), help: ArgumentHelp(
        "user-typo: at most this many failures before the same user got in from the same IP (within 15 min).",
        valueName: "n"))
    var typoFailures = FindingThresholds().typoMaxFailures

    @Option(name: .customLong("new-failure-clients"), help: ArgumentHelp(
        "new-failure: clients refused on a path that served them before.", valueName: "n"))
    var newFailureClients = FindingThresholds().newFailureClients

    @Option(name: .customLong("pairing-window"), help: ArgumentHelp(
        "Seconds an error/debug line may be apart from its access line when none of the same second fits.",
        valueName: "seconds"))
    var pairingWindow = 2

    @Option(name: .customLong("max-requests"), help: ArgumentHelp(
        "Authentication lines kept for pairing and findings (48 bytes each, plus ~60 per distinct address, path or name); past it, lines count as events only.",
        valueName: "n"))
    var maxRequests = RequestCollector.defaultLimit

    @Flag(name: .customLong("no-requests"), help: "Count log lines only: no joining of access and error lines, no findings.")
    var noRequests = false

    func validate() throws {
        let thresholds = [("--brute-force", bruteForce), ("--stuffing-users", stuffingUsers),
                          ("--distributed-ips", distributedIPs), ("--probe-requests", probeRequests),
                          ("--login-posts", loginPosts), ("--missing-header", missingHeader),
                          ("--expired-failures", expiredFailures), ("--typo-failures", typoFailures),
                          ("--new-failure-clients", newFailureClients)]
        for (name, value) in thresholds { try requireOption(value, in: 1...1_000_000_000, name) }
        try requireOption(regularFailures, in: 3...1_000_000_000, "--regular-failures (two intervals at least)")
        try requireOption(pairingWindow, in: 0...86_400, "--pairing-window")
        try requireOption(maxRequests, in: 0...1_000_000_000, "--max-requests")
    }

    var analysis: RequestAnalysisOptions? {
        guard !noRequests else { return nil }
        var options = RequestAnalysisOptions()
        options.thresholds.bruteForceFailures = bruteForce
        options.thresholds.stuffingUsers = stuffingUsers
        options.thresholds.distributedIPs = distributedIPs
        options.thresholds.probeRequests = probeRequests
        options.thresholds.loginPressurePosts = loginPosts
        options.thresholds.regularFailures = regularFailures
        options.thresholds.missingHeaderFailures = missingHeader
        options.thresholds.expiredFailures = expiredFailures
        options.thresholds.typoMaxFailures = typoFailures
        options.thresholds.newFailureClients = newFailureClients
        options.pairingWindow = Int64(pairingWindow)
        options.maxRequests = maxRequests
        return options
    }
}
