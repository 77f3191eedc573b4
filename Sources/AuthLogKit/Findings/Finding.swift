/// Something an admin should know and act on, concluded from many failed requests: who is
/// attacking, which client is misconfigured, what broke. Every finding carries its figures,
/// a few lines to check it by, and advice.
public struct Finding: Sendable {
    /// What was found: its id in every output, whether to block, fix or leave it alone, and
    /// what its key is (an address, a user name, a path or a cause). Each kind is declared
    /// once, beside the rule that finds it (`Findings/Rules/`); `FindingRegistry` lists them.
    public struct Kind: Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// `brute-force`: the `kind` of the JSON, the heading of the text report.
        public let rawValue: String
        public let category: Category
        /// What the key names (`key_type` in the JSON).
        public let dimension: Dimension

        public init(_ rawValue: String, category: Category, key dimension: Dimension) {
            self.rawValue = rawValue
            self.category = category
            self.dimension = dimension
        }

        /// Every registered kind, in the order of every output.
        public static var allCases: [Kind] { FindingRegistry.rules.map(\.kind) }

        public var description: String { rawValue }

        // A kind is its id: two declarations of one id would be one kind (a registry test
        // keeps ids unique).
        public static func == (a: Kind, b: Kind) -> Bool { a.rawValue == b.rawValue }
        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
    }

    public enum Category: String, Sendable {
        case attack, fix, benign
    }

    public enum Value: Sendable, Equatable {
        case int(Int)
        case text(String)
        case time(Int64)
    }

    public var kind: Kind
    /// The IP, user name, path or cause the finding is about (see `Kind.dimension`).
    public var key: String
    /// Named figures in a fixed order per kind (failures, users, ips, path, interval…).
    public var figures: [(name: String, value: Value)]
    /// A few lines that show it, oldest first; the writers name their files.
    public var evidence: [Evidence]
    public var advice: String
    /// How strongly it stands out, for ordering within a kind (usually the failures involved).
    public var weight: Int
    /// Client addresses the finding is about besides its key (the addresses a colleague
    /// mistyped from, for a `user-typo` keyed by the user): what a ban list must spare. Not
    /// written by the reports.
    public var addresses: [String] = []
    /// What the key names when it is not what its kind's keys name: a `compromised` finding is
    /// keyed by the address that got in, but by the user when a botnet sprayed that user's name.
    public var keyedBy: Dimension? = nil
    /// Addresses an attack finding keyed by something else than an address wants blocked (the
    /// address a botnet got in from): added to the ban list as its key would be.
    public var blocks: [String] = []

    /// What the key names (`key_type` in the JSON): the kind's dimension unless `keyedBy` says.
    public var keyDimension: Dimension { keyedBy ?? kind.dimension }

    public func figure(_ name: String) -> Value? { figures.first { $0.name == name }?.value }
}
