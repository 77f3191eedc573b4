/// Values shell completion offers, computed without compiling any pattern: the argument
/// parser builds them every time a command line is parsed, so they must stay cheap.
public enum CompletionValues {
    /// The formats the built-in pattern files define, in file order: `--log-format` values.
    public static let builtinFormatNames: [String] = {
        var names: [String] = []
        for file in BuiltinPatternFiles.files where file.name.hasSuffix(".conf") {
            guard let sections = try? PatternFileParser.parse(file.text) else { continue }
            for section in sections where section.header == "format" {
                if let name = section.value("name")?.value, !names.contains(name) { names.append(name) }
            }
        }
        return names
    }()

    /// Every cause id, in the order the README lists them.
    public static let causeIDs: [String] = Cause.allCases.map(\.rawValue)
}
