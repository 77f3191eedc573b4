/// The second, narrow read of the access logs, for new-failure only: when some paths began
/// refusing several clients, were they serving them before? Only for the access logs whose
/// served lines the scan cannot count itself (`ServedLineReading.secondRead`: JSON logs,
/// wrapped lines, layouts without CLF's `[time] "request" status`; all access logs when
/// `[rules served-request]` is not the built-in 2xx/3xx). Only lines holding one of the
/// candidate paths (at most `maxPaths`) reach PCRE2, through one rule: any 2xx/3xx answer. It
/// runs only when there are candidates. `inputs` are the regular files of the first read
/// only: a pipe or FIFO cannot be read twice (a second open(2) of a FIFO whose writer has
/// gone blocks forever), so its lines get no second read.
struct SuccessReader {
    let patterns: CompiledPatterns
    let options: ScanOptions
    /// Told when the read cannot run (its rule set is missing or does not compile): the scan
    /// then has no new-failure findings, and must say so.
    weak var diagnostics: ScanDiagnostics? = nil
    static let maxPaths = 8
    /// The rule set (`patterns/access-rules.conf`) whose rules the read applies to the access
    /// formats, with the paths asked about as their literals.
    static let servedRuleSet = "served-request"

    /// The times each path answered 2xx/3xx, keyed by the path's id in `strings`.
    func read(paths: [UInt32], strings: StringInterner, files: [FileStats], inputs: [LogInput]) -> [UInt32: [Int64]] {
        let names = paths.compactMap { strings[$0] }
        let accessFormats = Set(patterns.patterns.accessFormats.map(\.name))
        let accessPaths = Set(files.filter { accessFormats.contains($0.format ?? "") }.map(\.path))
        let accessInputs = inputs.filter { accessPaths.contains($0.path) }
        guard !names.isEmpty, !accessInputs.isEmpty else { return [:] }
        let served: CompiledPatterns
        do {
            served = try servedPatterns(names, formats: accessFormats)
        } catch {
            diagnostics?.warning("new-failure findings are not judged: \(error)")
            return [:]
        }
        var readOptions = options
        readOptions.progress = nil
        readOptions.formatOverride = nil
        readOptions.requestAnalysis = nil
        // Through the line pipeline with a sink of its own; only regular files are planned
        // (a FIFO put in a file's place cannot block the open).
        let plan = ScanPlan(accessInputs, planner: ScanPlanner(patterns: served, options: readOptions, regularFilesOnly: true))
        let found = ServedTimes()
        TaskRunner(patterns: served, options: readOptions).run(plan, makeSink: { _ in ServedTimesSink() },
                                                               taskEnded: { task, _, sink in found.add(sink.served, task: task) })
        var times: [UInt32: [Int64]] = Dictionary(uniqueKeysWithValues: paths.map { ($0, []) })
        for (path, time) in found.all {
            // The literal may sit anywhere in the line (a referer): the request's path decides.
            guard let id = strings.existingID(path), times[id] != nil else { continue }
            times[id]!.append(time)
        }
        return times
    }

    /// The access formats with the rules of the `served-request` set (any 2xx/3xx answer), on
    /// lines holding a path. The literals are cut to one length, so that one SIMD pass finds
    /// them all (they share the leading " /"); the request's path is compared whole afterwards.
    func servedPatterns(_ paths: [String], formats: Set<String>) throws(PatternError) -> CompiledPatterns {
        // A text log writes the path after the method and a space; a JSON log as a value of its
        // own ("uri":"/admin/"), after a quote.
        var literals = paths.flatMap { [Array((" " + $0).utf8), Array(("\"" + $0).utf8)] }
        if let shortest = literals.map(\.count).min(), shortest >= 6 {
            literals = Array(Set(literals.map { Array($0.prefix(shortest)) })).sorted { $0.lexicographicallyPrecedes($1) }
        }
        var set = patterns.patterns
        guard let servedRules = set.ruleSet(named: Self.servedRuleSet), !servedRules.rules.isEmpty else {
            throw PatternError(file: set.files.first { $0.hasSuffix("/access-rules.conf") } ?? "patterns/access-rules.conf",
                               line: 0, message: "no [rules \(Self.servedRuleSet)] with a rule: the second read of "
                                   + "the access logs, which tells whether failing paths were served before, has no rule")
        }
        set.formats = set.formats.filter { formats.contains($0.name) && !$0.wrapsOtherFormats }.map { format in
            var served = format
            // A JSON format's own literals ("status":401…) name refusals: here the path decides.
            served.literals = []
            served.rules = servedRules.rules.map { rule in
                var rule = rule
                rule.literals = literals
                return rule
            }
            return served
        }
        return try CompiledPatterns(set)
    }
}
