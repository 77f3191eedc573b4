/// One number that decides when a pattern becomes a finding, declared by its rule with all
/// the command line needs to offer it: scan and summary get `--FLAG <VALUE-NAME>` with this
/// help and default, and refuse a value outside `range` as a usage error.
public struct FindingThreshold: Sendable, Hashable {
    /// The long flag without dashes: `brute-force`. Unique over all rules.
    public let flag: String
    public let defaultValue: Int
    /// One line for `--help` and the man pages; it starts with the kind it tunes.
    public let help: String
    public let valueName: String
    public let range: ClosedRange<Int>
    /// Why the range is narrower than usual, said in the range error.
    public let rangeNote: String?

    /// Thresholds count requests, users or clients: at least one, and at most a billion
    /// (a larger value could only overflow or never be reached).
    public static let counts: ClosedRange<Int> = 1...1_000_000_000

    public init(flag: String, defaultValue: Int, help: String, valueName: String = "n",
                range: ClosedRange<Int> = counts, rangeNote: String? = nil) {
        self.flag = flag
        self.defaultValue = defaultValue
        self.help = help
        self.valueName = valueName
        self.range = range
        self.rangeNote = rangeNote
    }

    /// How a range error names it: `--regular-failures (two intervals at least)`.
    public var optionDescription: String { "--" + flag + (rangeNote.map { " (\($0))" } ?? "") }
}

/// The value of every threshold for one analysis: the registered defaults, and what the
/// command line changed.
public struct FindingThresholds: Sendable {
    private var values: [String: Int] = [:]

    public init() {}

    public subscript(_ threshold: FindingThreshold) -> Int {
        get { values[threshold.flag] ?? threshold.defaultValue }
        set { values[threshold.flag] = newValue }
    }
}
