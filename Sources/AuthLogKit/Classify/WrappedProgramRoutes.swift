import Synchronization

/// Which inner formats a wrapped line (syslog) is matched against, chosen by the program
/// that wrote it: `nginx[12]:` by the formats whose path hints name nginx, `haproxy[3]:` by
/// HAProxy's. A program no format names (a container's id, `php-fpm`) gets every format, as
/// before. Without this, every wrapped line tried the head of every inner format in one
/// alternation, so each format anyone added made every syslog line slower.
///
/// The rules of each set of formats are compiled once per process, when a line first needs
/// them, into a regex that starts where the wrapper's head ends (its head is matched first,
/// which is what reads the program), and are shared by every worker.
final class WrappedProgramRoutes: Sendable {
    /// Each distinct path hint (lowercased) and the inner formats that state it, as a mask
    /// over `formats`.
    private let hints: [(text: [UInt8], formats: UInt64)]
    /// Per rule: the bit of its format in a mask.
    private let ruleFormatBits: [UInt64]
    let allFormats: UInt64
    private let branches: [RuleBranch]
    private let ruleCount: Int
    private let expander: FragmentExpander
    private let compiled = Mutex<[UInt64: RuleProgram]>([:])

    /// Nil when there is nothing to choose between, or more inner formats than a mask holds
    /// (a user's hundred pattern files): every line then tries every format, as it always did.
    init?(rules: [CompiledRule], branches: [RuleBranch], pathHintsByFormat: [String: [String]],
          expander: FragmentExpander) {
        var names: [String] = []
        for rule in rules where !names.contains(rule.format) { names.append(rule.format) }
        guard names.count > 1, names.count <= 64 else { return nil }
        var hints: [(text: [UInt8], formats: UInt64)] = []
        for (index, name) in names.enumerated() {
            for hint in pathHintsByFormat[name] ?? [] where !hint.isEmpty {
                let text = Array(hint.lowercased().utf8)
                if let known = hints.firstIndex(where: { $0.text == text }) {
                    hints[known].formats |= 1 << UInt64(index)
                } else {
                    hints.append((text, 1 << UInt64(index)))
                }
            }
        }
        self.hints = hints
        self.ruleFormatBits = rules.map { 1 << UInt64(names.firstIndex(of: $0.format)!) }
        self.allFormats = names.count == 64 ? ~0 : (1 << UInt64(names.count)) - 1
        self.branches = branches
        self.ruleCount = rules.count
        self.expander = expander
    }

    /// The formats a program name selects: those with a path hint inside it, else all.
    func formats(forProgram program: UnsafeRawBufferPointer) -> UInt64 {
        var lowered = [UInt8](program)
        for index in lowered.indices where lowered[index] >= 0x41 && lowered[index] <= 0x5A { lowered[index] |= 0x20 }
        var mask: UInt64 = 0
        for hint in hints where Self.contains(lowered, hint.text) { mask |= hint.formats }
        if mask == 0 { return allFormats }
        // Program names are the log's text: names made to hold many hints at once must not
        // make a regex per combination. Past a few dozen sets, new ones get every format.
        return compiled.withLock { $0.count >= Self.maximumSets && $0[mask] == nil } ? allFormats : mask
    }

    static let maximumSets = 32

    /// The rules of the formats in `mask`, matched on a wrapped message. Nil only when
    /// PCRE2 runs out of resources: every piece compiled before, as part of the whole.
    func program(for mask: UInt64) -> RuleProgram? {
        if let known = compiled.withLock({ $0[mask] }) { return known }
        let chosen = branches.filter { ruleFormatBits[$0.rule] & mask != 0 }
        guard let program = try? RuleProgram(head: "", branches: chosen, ruleCount: ruleCount, expander: expander) else {
            return nil
        }
        return compiled.withLock { table in
            if let raced = table[mask] { return raced }
            table[mask] = program
            return program
        }
    }

    private static func contains(_ text: [UInt8], _ part: [UInt8]) -> Bool {
        guard part.count <= text.count else { return false }
        for start in 0...(text.count - part.count) where text[start] == part[0] {
            if text[start..<(start + part.count)].elementsEqual(part) { return true }
        }
        return false
    }
}
