/// `--fail-on 'total>=500'`, `'ip>=100'`, `'user>=20'`, `'path>=50'`, `'unknown-user>10'`:
/// a threshold that, when reached, makes a monitoring run exit 3.
public struct FailOnRule: Sendable, Equatable, CustomStringConvertible {
    public enum Key: Sendable, Equatable {
        /// Every failure in the window.
        case total
        /// The largest single key of a dimension: the busiest client, user or path.
        case top(Dimension)
        /// The failures of one cause (`unknown-user>10`).
        case cause(Cause)
    }

    /// The dimensions `--fail-on` takes by name, largest key first. `cause` is not one of
    /// them: a cause is named by its id instead (`unknown-user>=5`), and `cause>=N` is an error.
    public static let rankedDimensions: [Dimension] = [.ip, .user, .path]

    /// What KEY may be by name, before the cause ids: for the error message and completion.
    public static let keyNames: [String] = ["total"] + rankedDimensions.map(\.rawValue)

    public var key: Key
    public var threshold: Int
    /// `>` rather than `>=`.
    public var strict: Bool
    public var text: String

    public struct Invalid: Error, CustomStringConvertible {
        public var text: String
        public var description: String {
            "cannot read --fail-on '\(text)': use KEY>=N or KEY>N with KEY one of \(FailOnRule.keyNames.joined(separator: ", ")) or a cause id"
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
        let name = String(parts[0])
        if name == "total" {
            key = .total
        } else if let dimension = Dimension(rawValue: name), Self.rankedDimensions.contains(dimension) {
            key = .top(dimension)
        } else if let cause = Cause(rawValue: name) {
            key = .cause(cause)
        } else {
            throw Invalid(text: text)
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
        case .top(let dimension):
            guard let (key, count) = Self.largest(dimension, in: aggregate), over(count) else { return nil }
            return "\(dimension.noun) \(key): \(count) (\(text))"
        }
    }

    /// The key with the most failures in a dimension, and their count.
    static func largest(_ dimension: Dimension, in aggregate: FailureAggregate) -> (key: String, count: Int)? {
        switch dimension {
        case .ip: aggregate.topIPs(1).first.map { ($0.key, $0.value.count) }
        case .user: aggregate.topUsers(1).first.map { ($0.key, $0.value.count) }
        case .path: aggregate.topPaths(1).first.map { ($0.key, $0.value.count) }
        case .cause: aggregate.byCause.nonZeroByCount.first.map { ($0.cause.rawValue, $0.count) }
        }
    }
}
