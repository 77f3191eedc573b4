/// One kind of finding, whole, in one file under `Findings/Rules/`: its kind (id, category,
/// key dimension), the thresholds that tune it (each becomes a command-line flag of scan and
/// summary), when it runs relative to the others, how it finds, and how its figures read
/// as a sentence. Adding a kind is that file, its line in `FindingRegistry.rules`, and a scene
/// in `samples/findings/KIND/` whose logs say `# finding: KIND KEY`.
protocol FindingRule: Sendable {
    var kind: Finding.Kind { get }
    /// Its tunables, in the order their flags are listed (`--help`, man pages).
    var thresholds: [FindingThreshold] { get }
    var stage: DetectionStage { get }

    /// The findings in the failed requests; `state` holds what earlier stages concluded and
    /// takes what later ones must know (addresses judged attackers, requests explained).
    func detect(in context: FindingContext, state: inout DetectionState) -> [Finding]

    /// The finding's figures as one line for people (text report, summaries); the writer
    /// has `figures` escape log text for its medium.
    func describe(_ figures: FindingFigures) -> String
}

/// A rule that needs the successes of some paths, which the scan does not keep as requests:
/// it names the candidate paths after the other rules ran, is given when those paths answered
/// 2xx/3xx (counted during the scan, `ServedPathTable`, or read back, `SuccessReader`), and
/// judges with them.
protocol SuccessReadingRule: FindingRule {
    /// At most `limit` paths (interned ids) worth reading back; `logStarts` is the time of
    /// each input's first line.
    func candidatePaths(in context: FindingContext, state: DetectionState, logStarts: [Int: Int64], limit: Int) -> [UInt32]

    /// `served` holds, for the candidate paths, when they answered 2xx/3xx.
    func detect(in context: FindingContext, state: DetectionState, served: [UInt32: [ServedBucket]]) -> [Finding]
}

extension SuccessReadingRule {
    /// Nothing before the successes are read.
    func detect(in context: FindingContext, state: inout DetectionState) -> [Finding] { [] }
}

/// When a rule runs. The order is what keeps advice honest: nobody is told to block a
/// colleague or a monitor, and a botnet is counted without the addresses already judged.
/// Rules of one stage run in registry order.
enum DetectionStage: Int, Comparable, Sendable {
    /// Users who got in after a few failures: set aside before anything counts them.
    case setAside
    /// Clients failing at a steady interval: a monitor with a stale password fails hundreds
    /// of times but is no attacker.
    case machines
    /// Attacks from one address, on what the stages above left.
    case singleSource
    /// Attacks spread over many addresses, counting only addresses not judged above.
    case distributed
    /// What to fix in the setup; independent of the stages above.
    case setup
    /// Judged on what nothing above explains, with successes read back after the scan.
    case afterSuccesses

    static func < (a: DetectionStage, b: DetectionStage) -> Bool { a.rawValue < b.rawValue }
}

/// What earlier rules concluded, for the later ones.
struct DetectionState {
    /// Requests explained as a colleague's typo or a misconfigured client.
    var explained: [Bool]
    /// Addresses already reported as attacking on their own.
    var attackers: Set<UInt32> = []
    /// Addresses already reported as misconfigured clients.
    var misconfigured: Set<UInt32> = []

    init(count: Int) { explained = [Bool](repeating: false, count: count) }
}
