import AuthLogKit
import Foundation

/// One attacker-facing reader, run on arbitrary bytes. A target must hold nothing from one
/// input to the next, so that every crash replays from its input file alone.
protocol FuzzTarget: AnyObject {
    func run(_ data: UnsafeRawBufferPointer)
}

/// The targets by name: `classify-FORMAT` for every built-in format, `classify-detected`
/// (the format a scan would detect, then the same path), `pattern-file`, `summary-state`.
enum FuzzTargets {
    /// The built-in patterns, compiled once: what a scan without `--patterns` uses.
    static let builtin: CompiledPatterns = {
        do {
            return try CompiledPatterns(try PatternLoader.load())
        } catch {
            fatalError("the built-in patterns do not load: \(error)")
        }
    }()

    static var names: [String] {
        builtin.formatNames.map { "classify-\($0)" } + ["classify-detected", "pattern-file", "summary-state"]
    }

    static func make(_ name: String) -> FuzzTarget? {
        switch name {
        case "classify-detected": return DetectedClassifyTarget(patterns: builtin)
        case "pattern-file": return PatternFileTarget(samples: SampleLines.load())
        case "summary-state": return SummaryStateTarget(patterns: builtin)
        default:
            guard name.hasPrefix("classify-"),
                  let format = builtin.format(named: String(name.dropFirst("classify-".count))) else { return nil }
            return ClassifyTarget(format: format, patterns: builtin)
        }
    }
}
