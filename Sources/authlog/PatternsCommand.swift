import ArgumentParser
import AuthLogKit

struct PatternsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patterns",
        abstract: "List the log formats and rules authlog knows, after loading --patterns directories.",
        discussion: "A pattern file that does not compile is reported with its file, line and offset, and the exit status is 2."
    )

    @OptionGroup var patternOptions: PatternOptions

    func run() throws {
        let compiled = try patternOptions.compiled()
        let output = StandardOutput()
        for format in compiled.patterns.formats {
            output.write("\(format.name)  \(format.description)  (\(format.source.file))\n")
            if format.wrapsOtherFormats {
                output.write("    wraps every other format's rules\n")
            }
            for rule in format.rules {
                output.write("    \(rule.id)  → \(rule.cause.rawValue)\(rule.status.map { " (\($0))" } ?? "")\n")
            }
        }
        output.flush()
    }
}
