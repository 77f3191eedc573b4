/// Every kind of finding, once. The order of this list is the order of every output (kinds
/// in the text report, the JSON `findings`, the `--help` flags); when each rule runs is its
/// own `stage`. A new kind is one file in `Findings/Rules/` and one line here.
public enum FindingRegistry {
    static let rules: [any FindingRule] = [
        CompromisedRule(),
        BruteForceRule(),
        CredentialStuffingRule(),
        DistributedAttackRule(),
        ProbeRule(),
        MisconfiguredClientRule(),
        MissingAuthorizationHeaderRule(),
        ExpiredCredentialsRule(),
        NewFailureRule(),
        UserTypoRule(),
    ]

    /// The ids of the kinds of one category, in output order (for help texts that list them).
    public static func kindIDs(in category: Finding.Category) -> [String] {
        rules.map(\.kind).filter { $0.category == category }.map(\.rawValue)
    }

    /// The registered tunables, in flag order; the command line offers one flag each.
    public static let thresholds: [FindingThreshold] = rules.flatMap(\.thresholds)

    /// The rules in the order they run: by stage, then as listed.
    static let detectionOrder: [any FindingRule] =
        rules.enumerated().sorted { ($0.element.stage, $0.offset) < ($1.element.stage, $1.offset) }.map(\.element)

    static func rule(for kind: Finding.Kind) -> any FindingRule {
        guard let rule = rules.first(where: { $0.kind == kind }) else {
            preconditionFailure("finding kind \(kind) has no registered rule")
        }
        return rule
    }

    /// Position of a kind in the output order.
    static func rank(of kind: Finding.Kind) -> Int {
        rules.firstIndex { $0.kind == kind } ?? rules.count
    }
}
