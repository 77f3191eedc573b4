import ArgumentParser
import AuthLogKit

/// One `--FLAG <n>` option per threshold the finding rules register (`FindingRegistry`), so
/// that a new kind of finding brings its flags without an edit here.
///
/// ArgumentParser finds a command's options by reflecting a default instance (`Mirror`), and
/// reads their values back through `Decodable`. This type answers both from the registry:
/// its mirror lists one `Option<Int>` per threshold, built with the threshold's flag, default,
/// value name and help, and its decoder reads each back under the same key. To ArgumentParser
/// they are ordinary options, so `--help`, the man pages (`--experimental-dump-help`), shell
/// completions and its error messages (a missing or non-numeric value) treat them as they
/// treat the declared ones. `ThresholdOptionTests` checks every registered flag in each.
struct ThresholdOptions: ParsableArguments, CustomReflectable {
    /// The values given, or the registered defaults.
    private(set) var values = FindingThresholds()

    init() {}

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for threshold in FindingRegistry.thresholds {
            values[threshold] = try container.decode(Option<Int>.self, forKey: Key(threshold.flag)).wrappedValue
        }
    }

    var customMirror: Mirror {
        Mirror(self, children: FindingRegistry.thresholds.map { threshold in
            (label: threshold.flag, value: Self.option(for: threshold) as Any)
        })
    }

    private static func option(for threshold: FindingThreshold) -> Option<Int> {
        Option(wrappedValue: threshold.defaultValue, name: .customLong(threshold.flag),
               help: ArgumentHelp(threshold.help, valueName: threshold.valueName))
    }

    func validate() throws {
        for threshold in FindingRegistry.thresholds {
            try requireOption(values[threshold], in: threshold.range, threshold.optionDescription)
        }
    }

    /// A threshold's flag as the key ArgumentParser stores its value under.
    private struct Key: CodingKey {
        let stringValue: String
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}
