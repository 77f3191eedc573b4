/// One log line that shows a finding: which input it is in and its line number. Kept as the
/// two numbers, not as text, so that each writer says it its own way (`file:line` in the
/// text and JSON reports; a file field and a line field where an output has them).
public struct Evidence: Sendable, Hashable {
    /// The input's number in the scan; `EvidenceFiles` names it.
    public var input: Int
    /// 1-based line number within that input.
    public var line: Int

    public init(input: Int, line: Int) {
        self.input = input
        self.line = line
    }
}

/// The names of the inputs evidence points into, as the scan displayed them (the path given,
/// `-` for standard input). One table per report: a finding's evidence is only numbers.
public struct EvidenceFiles: Sendable {
    private let names: [Int: String]

    public init(_ names: [Int: String] = [:]) { self.names = names }

    /// The input's name; `?` for a number the scan never gave (no report holds one).
    public func name(of input: Int) -> String { names[input] ?? "?" }
}
