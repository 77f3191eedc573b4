/// `--alert 'ip>=20/5m'`: at least 20 failures for one key within 5 minutes of log time.
/// Keys: every `Dimension` (ip, user, path, cause), spelled as findings and `--fail-on` spell them.
public struct AlertRule: Sendable, Equatable, CustomStringConvertible {
    public var key: Dimension
    public var threshold: Int
    public var windowSeconds: Int64
    public var text: String

    public struct Invalid: Error, CustomStringConvertible {
        public var text: String
        public var description: String {
            "cannot read --alert '\(text)': use KEY>=N/DURATION, e.g. ip>=20/5m (KEY: \(AlertRule.keyNames.joined(separator: ", ")); DURATION: 30s, 5m, 1h, 1d)"
        }
    }

    public init(parsing text: String) throws(Invalid) {
        let compact = text.filter { $0 != " " }
        let sides = compact.split(separator: ">=", maxSplits: 1).map(String.init)
        guard sides.count == 2, let key = Dimension(rawValue: sides[0]) else { throw Invalid(text: text) }
        let parts = sides[1].split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let threshold = Int(parts[0]), threshold >= 1,
              let window = DurationText.wholeSeconds(parts[1]), window > 0 else { throw Invalid(text: text) }
        self.key = key
        self.threshold = threshold
        self.windowSeconds = window
        self.text = compact
    }

    public var description: String { text }

    /// What KEY may be, for the error message and shell completion.
    public static let keyNames: [String] = Dimension.allCases.map(\.rawValue)
}

/// One alert: a key crossed a rule's threshold.
public struct Alert: Sendable, Equatable {
    public var rule: AlertRule
    public var key: String
    public var count: Int
    /// Log time of the event that crossed the threshold.
    public var time: Int64
    public var file: String
    public var line: Int
}

/// Sliding-window counters per rule and key, in log time (so a replay of an old log raises
/// the same alerts as live). An alert fires once when a key reaches its threshold and again
/// only after the key has fallen below it. Keys whose window has emptied are forgotten, so
/// memory stays bounded over days.
///
/// `ipv6Prefix` (`follow --ipv6-prefix`, as for the findings): an `ip` rule counts the IPv6
/// addresses of one /N network in one window, since one attacker owns the network; the alert
/// names the network (`2001:db8:1:2::/64`) when several of its addresses took part, else the
/// one address (nothing is widened on the word of one address). 128: every address alone.
public struct SlidingAlerts: Sendable {
    public let rules: [AlertRule]
    public let ipv6Prefix: Int
    private struct Window {
        /// Event times, sorted (events out of order by a few seconds are inserted in place).
        var times: [Int64] = []
        /// For a network's window, the address of each time (else empty).
        var addresses: [IPAddress] = []
        var start = 0
        var fired = false
        var count: Int { times.count - start }
    }
    private var windows: [[String: Window]]
    private var latest: Int64 = .min
    private var sinceSweep = 0

    public init(rules: [AlertRule], ipv6Prefix: Int = 128) {
        self.rules = rules
        self.ipv6Prefix = ipv6Prefix
        self.windows = Array(repeating: [:], count: rules.count)
    }

    /// The window an event counts in for a rule: its key, or for an IPv6 client under an `ip`
    /// rule its network's text, with the address.
    private func windowKey(_ rule: AlertRule, _ key: String) -> (key: String, address: IPAddress?) {
        guard rule.key == .ip, ipv6Prefix < 128, let address = IPAddress(key), !address.isIPv4 else { return (key, nil) }
        return (IPNetwork(address, prefix: ipv6Prefix).description, address)
    }

    /// Counts an event; returns the alerts it raises.
    public mutating func add(_ event: AuthEvent, now: Int64) -> [Alert] {
        let time = event.time ?? now
        latest = max(latest, time)
        var alerts: [Alert] = []
        for (index, rule) in rules.enumerated() {
            guard let eventKey = rule.key.value(in: event) else { continue }
            let (key, address) = windowKey(rule, eventKey)
            var window = windows[index][key] ?? Window()
            insert(time, address: address, into: &window)
            expire(&window, before: latest - rule.windowSeconds)
            if window.count >= rule.threshold {
                if !window.fired {
                    window.fired = true
                    // A network only when several of its addresses are in the window.
                    let named = address == nil || Set(window.addresses[window.start...]).count > 1 ? key : eventKey
                    alerts.append(Alert(rule: rule, key: named, count: window.count, time: time, file: event.file, line: event.line))
                }
            } else {
                window.fired = false
            }
            windows[index][key] = window
        }
        sinceSweep += 1
        if sinceSweep >= 4096 { sweep() }
        return alerts
    }

    /// Keys currently tracked (for tests and memory checks).
    public var trackedKeys: Int { windows.reduce(0) { $0 + $1.count } }

    /// Drops the keys whose windows hold nothing recent.
    public mutating func sweep() {
        sinceSweep = 0
        for (index, rule) in rules.enumerated() {
            let cutoff = latest - rule.windowSeconds
            windows[index] = windows[index].filter { _, window in window.times.last.map { $0 > cutoff } ?? false }
        }
    }

    private func insert(_ time: Int64, address: IPAddress?, into window: inout Window) {
        if let last = window.times.last, time < last {
            var position = window.times.count
            while position > window.start, window.times[position - 1] > time { position -= 1 }
            window.times.insert(time, at: position)
            if let address { window.addresses.insert(address, at: position) }
        } else {
            window.times.append(time)
            if let address { window.addresses.append(address) }
        }
    }

    private func expire(_ window: inout Window, before cutoff: Int64) {
        while window.start < window.times.count, window.times[window.start] <= cutoff { window.start += 1 }
        if window.start > 64, window.start * 2 > window.times.count {
            window.times.removeFirst(window.start)
            if !window.addresses.isEmpty { window.addresses.removeFirst(window.start) }
            window.start = 0
        }
    }
}
