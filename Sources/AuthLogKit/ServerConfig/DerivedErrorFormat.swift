import Foundation

/// An Apache `ErrorLogFormat` of the configuration, as a detail format: the built-in
/// `apache-error` with the head compiled from the format string (`ApacheErrorLogFormat`), so
/// that its rules (the AH codes' messages), its pairing and its escapes are those of the
/// default layout. Text the format writes after `%M` ends each rule's message in place of
/// the default layout's `, referer: …`.
public struct DerivedErrorFormat: Sendable {
    /// `errorlog:apache2.conf:12`: the file and line of the `ErrorLogFormat`.
    public var configName: String
    /// The format string as written.
    public var string: String
    public var source: PatternSource
    let compiled: ApacheErrorLogFormat.Compiled

    /// `apache-config:errorlog:apache2.conf:12`, the name events and `--log-format` use.
    public var formatName: String { "apache-config:\(configName)" }

    /// The built-in format whose rules and pairing a derived error format takes.
    public static let baseFormat = "apache-error"

    init(string: String, file: String, line: Int) throws(LogFormatError) {
        compiled = try ApacheErrorLogFormat.compile(string, file: file, line: line)
        self.string = string
        configName = "errorlog:\((file as NSString).lastPathComponent):\(line)"
        source = PatternSource(file: file, line: line, column: 1)
    }

    /// The format, from `base` (the loaded `apache-error`).
    func definition(base: FormatDefinition) -> FormatDefinition {
        var definition = base
        definition.name = formatName
        definition.description = "Apache ErrorLogFormat from \(source)"
        definition.detect = PatternText(text: compiled.detect, source: source)
        definition.head = PatternText(text: compiled.head, source: source)
        definition.hint = nil
        definition.pathHints = []
        definition.source = source
        let end = "(?:\(compiled.tail))$"
        definition.rules = base.rules.map { rule in
            var rule = rule
            if let regex = rule.regex {
                rule.regex = PatternText(text: regex.text.replacingOccurrences(of: "<APACHE_END>", with: end),
                                         source: regex.source)
            }
            return rule
        }
        return definition
    }
}
