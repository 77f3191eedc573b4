/// The second, narrow read of the access logs, for new-failure only: when some paths began
/// refusing several clients, were they serving them before? Only lines holding one of those
/// paths (at most `maxPaths`) reach PCRE2, through one rule: any 2xx/3xx answer. It runs only
/// when there are candidates; most scans never need it. `inputs` are the regular files of the
/// first read only: a pipe or FIFO cannot be read twice (a second open(2) of a FIFO whose
/// writer has gone blocks forever), so its lines get no second read.
struct SuccessReader {
    let patterns: CompiledPatterns
    let options: ScanOptions
    static let maxPaths = 8

    /// The times each path answered 2xx/3xx, keyed by the path's id in `strings`.
    func read(paths: [UInt32], strings: StringInterner, files: [FileStats], inputs: [LogInput]) -> [UInt32: [Int64]] {
        let names = paths.compactMap { strings[$0] }
        let accessFormats = Set(patterns.patterns.accessFormats.map(\.name))
        let accessPaths = Set(files.filter { accessFormats.contains($0.format ?? "") }.map(\.path))
        let accessInputs = inputs.filter { accessPaths.contains($0.path) }
        guard !names.isEmpty, !accessInputs.isEmpty, let served = try? servedPatterns(names, formats: accessFormats) else {
            return [:]
        }
        var readOptions = options
        readOptions.progress = nil
        readOptions.formatOverride = nil
        readOptions.requestAnalysis = nil
        let collector = RequestCollector(limit: RequestCollector.defaultLimit)
        _ = ScanSession(patterns: served, options: readOptions, diagnostics: nil, collector: collector).run(inputs: accessInputs)
        let taken = collector.take()
        var times: [UInt32: [Int64]] = Dictionary(uniqueKeysWithValues: paths.map { ($0, []) })
        for record in taken.records where record.hasTime {
            // The literal may sit anywhere in the line (a referer): the request's path decides.
            guard let path = taken.strings[record.path], let id = strings.existingID(path), times[id] != nil else { continue }
            times[id]!.append(record.time)
        }
        return times
    }

    /// The access formats with one rule: any 2xx/3xx answer, on lines holding a path. The
    /// literals are cut to one length, so that one SIMD pass finds them all (they share the
    /// leading " /"); the request's path is compared whole afterwards.
    private func servedPatterns(_ paths: [String], formats: Set<String>) throws -> CompiledPatterns {
        var literals = paths.map { Array((" " + $0).utf8) }
        if let shortest = literals.map(\.count).min(), shortest >= 6 {
            literals = Array(Set(literals.map { Array($0.prefix(shortest)) })).sorted { $0.lexicographicallyPrecedes($1) }
        }
        var set = patterns.patterns
        set.formats = set.formats.filter { formats.contains($0.name) && !$0.wrapsOtherFormats }.map { format in
            var served = format
            let source = PatternSource(file: "(built in)", line: 0, column: 0)
            served.rules = [RuleDefinition(
                id: "served", cause: nil, status: nil, literals: literals,
                regex: PatternText(text: #"<REQUEST>"\ (?<status>[23]\d\d)\ "#, source: source), source: source)]
            return served
        }
        return try CompiledPatterns(set)
    }
}
