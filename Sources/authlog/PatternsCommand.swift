import ArgumentParser
import AuthLogKit

struct PatternsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patterns",
        abstract: "List the log formats and rules authlog knows, or test rules against annotated samples.",
        discussion: """
            With --server-config, the formats derived from the servers' configurations are \
            listed with the regex of each (fragments such as <HOST> as in the pattern files), \
            and the access logs read with them.

            With --test, each sample log is scanned and every '# expect:' annotation in it is \
            checked (see samples/ and the README), the way fail2ban-regex checks a filter: \
            write a sample for a new rule before trusting it on real logs.

            A pattern file that does not compile is reported with its file, line and offset, \
            and the exit status is 2. With --test, the exit status is 1 when an annotation \
            does not hold.
            """
    )

    @OptionGroup var patternOptions: PatternOptions

    @Option(name: .customLong("test"), parsing: .upToNextOption, help: ArgumentHelp(
        "Check these annotated sample logs instead of listing the rules.", valueName: "sample"))
    var samples: [String] = []

    func run() throws {
        let loaded = try patternOptions.loaded()
        let compiled = loaded.compiled
        let output = ReportOutput.standardOutput()
        guard !samples.isEmpty else {
            if patternOptions.serverConfigs.isEmpty { list(compiled, to: output) }
            listServerFormats(loaded.server, to: output)
            try output.flush()
            return
        }
        let result = SampleVerifier(patterns: compiled).verify(files: samples)
        for failure in result.failures {
            output.write(TerminalText.escape(failure.description) + "\n")
        }
        let allRules = compiled.patterns.formats.flatMap { format in format.rules.map { "\(format.name)/\($0.id)" } }
        let unproven = allRules.filter { !result.rulesHit.contains($0) }
        output.write("\(result.linesChecked) annotated lines, \(result.eventsExpected) expected events, "
                     + "\(result.failures.count) failure(s); rules matched: \(result.rulesHit.count) of \(allRules.count)\n")
        if !unproven.isEmpty {
            output.write("rules no sample line matched: \(unproven.joined(separator: ", "))\n")
        }
        try output.flush()
        if !result.failures.isEmpty { throw ExitCode(ExitStatus.inputProblem) }
    }

    private func list(_ compiled: CompiledPatterns, to output: ReportOutput) {
        for format in compiled.patterns.formats {
            output.write("\(format.name)  \(format.description)  (\(format.source.file))\n")
            if format.wrapsOtherFormats {
                output.write("    wraps every other format's rules\n")
            }
            for rule in format.rules {
                output.write("    \(rule.id)  → \(rule.cause?.rawValue ?? "none (request record)")\(rule.status.map { " (\($0))" } ?? "")\n")
            }
        }
    }

    /// The formats the servers' configurations define: each with its head and detect regex.
    private func listServerFormats(_ server: ServerFormats, to output: ReportOutput) {
        for format in server.derived {
            guard let definition = server.patterns.format(named: format.formatName) else { continue }
            output.write("\(format.formatName)  (\(format.source))\n")
            if definition.decoderSettings.isEmpty {
                output.write("    head:   \(definition.head.text)\n")
            } else {
                // A JSON layout: the keys its fields are read from.
                output.write("    \(definition.decoder):   \(definition.decoderSettings.map { "\($0.key)=\($0.value)" }.joined(separator: " "))\n")
            }
            output.write("    detect: \(definition.detect.text)\n")
            output.write("    rules:  \(definition.rules.map(\.id).joined(separator: ", "))\n")
        }
        for format in server.derivedErrors {
            guard let definition = server.patterns.format(named: format.formatName) else { continue }
            output.write("\(format.formatName)  (\(format.source))\n")
            output.write("    head:   \(definition.head.text)\n")
            output.write("    detect: \(definition.detect.text)\n")
            output.write("    rules:  those of \(DerivedErrorFormat.baseFormat)\n")
        }
        for (format, reason) in server.unusable {
            output.write("\(format.formatName)  (\(format.source)): not read: \(reason)\n")
        }
        for (format, reason) in server.unusableErrorFormats {
            output.write("ErrorLogFormat (\(format)): not read: \(reason)\n")
        }
        for (path, format) in server.formatsByPath.sorted(by: { $0.key < $1.key }) {
            output.write("\(TerminalText.escape(path)) is read as \(format)\n")
        }
    }
}
