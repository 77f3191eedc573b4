/// `--fail-on 'total>=500'`, `'ip>=100'`, `'user>=20'`, `'path>=50'`, `'unknown-user>10'`:
/// a threshold that, when reached, makes a monitoring run exit 3.
public struct FailOnRule: Sendable, Equatable, CustomStringConvertible {
    public enum Key: Sendable, Equatable {
        case total, ip, user, path
        case cause(Cause)
    }

    public var key: Key
    public var threshold: Int
    /// `>` rather than `>=`.
    public var strict: Bool
    public var text: String

    public struct Invalid: Error, CustomStringConvertible {
        public var text: String
        public var description: String {
            "cannot read --fail-on '\(text)': use KEY>=N or KEY>N with KEY one of total, ip, user, path or a cause id"
        }
    }

    public init(parsing text: String) throws(Invalid) {
        let compact = text.filter { $0 != " " }
        let strict: Bool
        let parts: [Substring]
        if compact.contains(">=") {
            strict = false
            parts = compact.split(separator: ">=", maxSplits: 1, omittingEmptySubsequences: false).map { $0[...] }
        } else {
            strict = true
            parts = compact.split(separator: ">", maxSplits: 1, omittingEmptySubsequences: false)
        }
        guard parts.count == 2, let threshold = Int(parts[1]), threshold >= 0 else { throw Invalid(text: text) }
        switch String(parts[0]) {
        case "total": key = .total
        case "ip": key = .ip
        case "user": key = .user
        case "path": key = .path
        case let name:
            guard let cause = Cause(rawValue: name) else { throw Invalid(text: text) }
            key = .cause(cause)
        }
        self.threshold = threshold
        self.strict = strict
        self.text = text
    }

    public var description: String { text }

    /// A sentence saying what crossed the threshold, or nil.
    public func crossed(by aggregate: FailureAggregate) -> String? {
        func over(_ value: Int) -> Bool { strict ? value > threshold : value >= threshold }
        switch key {
        case .total:
            return over(aggregate.total) ? "total \(aggregate.total) (\(text))" : nil
        case .cause(let cause):
            return over(aggregate.byCause[cause]) ? "\(cause.rawValue) \(aggregate.byCause[cause]) (\(text))" : nil
        case .ip:
            return aggregate.topIPs(1).first.flatMap { over($0.value.count) ? "client \($0.key): \($0.value.count) (\(text))" : nil }
        case .user:
            return aggregate.topUsers(1).first.flatMap { over($0.value.count) ? "user \($0.key): \($0.value.count) (\(text))" : nil }
        case .path:
            return aggregate.topPaths(1).first.flatMap { over($0.value.count) ? "path \($0.key): \($0.value.count) (\(text))" : nil }
        }
    }
}
