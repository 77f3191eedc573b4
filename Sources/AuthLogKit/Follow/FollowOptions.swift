/// How `authlog follow` behaves.
public struct FollowOptions: Sendable {
    /// Read existing files from their start instead of their end.
    public var fromStart = false
    /// Also look at every file this often, not only when inotify reports a change (network
    /// file systems, where inotify does not see other machines' writes).
    public var pollInterval: Double? = nil
    /// How long a file renamed away or deleted is still read (nginx writes to
    /// `access.log.1` until `nginx -s reopen`).
    public var rotationGrace: Double = 15
    public var alerts: [AlertRule] = []
    /// `--ipv6-prefix`: `ip` alerts count the IPv6 addresses of one /N network together (128: each alone).
    public var ipv6Prefix = 64
    public var exec: ExecCommand? = nil
    public var execTimeout: Double = 30
    public var summaryEvery: Double? = nil

    public init() {}

    /// Sensible bounds: below them a follow spins a core or floods its output, above them a
    /// value is a typo (or an overflow waiting to happen).
    public static let pollRange = 0.1...3600.0
    public static let summaryEveryRange = 1.0...(7 * 86_400.0)
    public static let execTimeoutRange = 0.1...86_400.0
    public static let rotationGraceRange = 0.0...86_400.0

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// The first value out of its range, as a message naming the option.
    public func check() throws(Invalid) {
        func inside(_ value: Double?, _ range: ClosedRange<Double>, _ option: String, _ unit: (Double) -> String) throws(Invalid) {
            guard let value else { return }
            guard value.isFinite, range.contains(value) else {
                throw Invalid(description: "\(option) must be between \(unit(range.lowerBound)) and \(unit(range.upperBound))")
            }
        }
        // In the syntax the option takes: 100ms, 1s, 1h, 7d.
        let duration = { (seconds: Double) -> String in
            if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
            for (unit, size) in [("d", 86_400.0), ("h", 3600.0), ("m", 60.0)] where seconds >= size && seconds.truncatingRemainder(dividingBy: size) == 0 {
                return "\(Int64(seconds / size))\(unit)"
            }
            return "\(Int64(seconds))s"
        }
        let seconds = { (value: Double) in value == value.rounded() ? "\(Int64(value))" : "\(value)" }
        try inside(pollInterval, Self.pollRange, "--poll", duration)
        try inside(summaryEvery, Self.summaryEveryRange, "--summary-every", duration)
        try inside(execTimeout, Self.execTimeoutRange, "--exec-timeout", seconds)
        try inside(rotationGrace, Self.rotationGraceRange, "--rotation-grace", seconds)
        if exec != nil, alerts.isEmpty {
            throw Invalid(description: "--exec runs a command for each alert: give at least one --alert rule")
        }
    }
}
