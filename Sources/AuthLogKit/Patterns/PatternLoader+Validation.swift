import Foundation
import PCRE2

/// Checks run while loading: each regex compiles on its own, with errors traced back to the
/// text the user wrote, and no rule moves the client its format's head reads.
extension PatternLoader {
    /// Where a format's head reads the client (`ip`), that is the structural position the
    /// format guarantees; a rule capturing its own `ip` would move the client to text after
    /// the head, which is attacker text in every log. Formats whose head names no client
    /// (error logs, debug.log) leave it to their rules.
    static func rejectRulesMovingTheClient(_ formats: [FormatDefinition],
                                   expander: FragmentExpander) throws(PatternError) {
        for format in formats where !format.wrapsOtherFormats {
            guard let head = try? Regex(expander.expand(format.head.text).text, options: [.duplicateNames], jit: false),
                  !head.groupNumbers(named: "ip").isEmpty else { continue }
            for rule in format.rules {
                guard let pattern = rule.regex,
                      let regex = try? Regex(expander.expand(pattern.text).text, options: [.duplicateNames], jit: false),
                      !regex.groupNumbers(named: "ip").isEmpty else { continue }
                throw PatternError(file: pattern.source.file, line: pattern.source.line,
                                   message: "rule '\(rule.id)' captures 'ip', but format '\(format.name)' reads the "
                                       + "client in its head; a rule cannot move it")
            }
        }
    }

    /// Compiles one regex on its own (fragments expanded) and turns a PCRE2 error into a
    /// message naming the file, the line and where in the written text the problem is.
    static func validate(_ pattern: PatternText, what: String,
                 expander: FragmentExpander) throws(PatternError) {
        let expansion: FragmentExpander.Expansion
        do {
            expansion = try expander.expand(pattern.text)
        } catch {
            switch error {
            case .unknownFragment(let name, let offset):
                throw PatternError(file: pattern.source.file, line: pattern.source.line,
                                   message: "\(what): unknown fragment <\(name)> at offset \(offset)"
                                       + " (write \\< for a literal '<')")
            case .recursive(let chain):
                throw PatternError(file: pattern.source.file, line: pattern.source.line,
                                   message: "\(what): fragments refer to each other in a loop: "
                                       + chain.map { "<\($0)>" }.joined(separator: " → "))
            }
        }
        do {
            _ = try Regex(expansion.text, options: [.duplicateNames], jit: false)
        } catch {
            let location = expansion.location(ofExpandedOffset: error.offset ?? 0)
            var message = "\(what) does not compile: \(error.message)"
            if let offset = location.originalOffset {
                message += " at offset \(offset) of the regex"
                if let column = column(of: offset, in: pattern) { message += " (column \(column))" }
            } else if let fragment = location.fragment {
                message += " inside <\(fragment)> as inserted here"
            } else if let offset = error.offset {
                message += " at offset \(offset) of the expanded regex"
            }
            throw PatternError(file: pattern.source.file, line: pattern.source.line, message: message)
        }
    }

    /// The column on the `key = value` line, when the offset is on that line.
    static func column(of offset: Int, in pattern: PatternText) -> Int? {
        pattern.source.column > 0 ? pattern.source.column + offset : nil
    }
}
