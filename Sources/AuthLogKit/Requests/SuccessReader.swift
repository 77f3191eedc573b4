/// The second, narrow read of the access logs: the successful requests (2xx/3xx) on the few
/// paths where findings need them. A user who failed and then got in (user-typo) and a path
/// that served before it refused (new-failure) cannot be told from the failures alone, and
/// reading every success in the first pass would cost every line a regex match. Here only
/// lines holding one of at most `maxPaths` path literals reach PCRE2.
struct SuccessReader {
    let patterns: CompiledPatterns
    let options: ScanOptions
    static let maxPaths = 8

    func read(for joined: RequestJoiner.Result, thresholds: FindingThresholds, files: [FileStats],
              inputs: [LogInput]) -> (successes: [RequestRecord], strings: StringInterner) {
        let prefixes = candidatePaths(joined, thresholds: thresholds)
        let accessFormats = Set(patterns.patterns.formats.flatMap(\.pairsWith))
        let accessPaths = Set(files.filter { accessFormats.contains($0.format ?? "") }.map(\.path))
        let accessInputs = inputs.filter { accessPaths.contains($0.path) }
        guard !prefixes.isEmpty, !accessInputs.isEmpty, let served = try? servedPatterns(prefixes, formats: accessFormats) else {
            return ([], joined.strings)
        }
        var readOptions = options
        readOptions.progress = nil
        readOptions.formatOverride = nil
        readOptions.requestAnalysis = nil
        let collector = RequestCollector(limit: RequestCollector.defaultLimit)
        _ = ScanSession(patterns: served, options: readOptions, diagnostics: nil, collector: collector).run(inputs: accessInputs)
        let taken = collector.take()

        // Into the join's string table, so ids compare across both reads.
        var strings = joined.strings
        var successes: [RequestRecord] = []
        for var record in taken.records {
            guard let path = taken.strings[record.path], prefixes.contains(where: path.hasPrefix) else { continue }
            record.ip = strings.id(taken.strings[record.ip])
            record.path = strings.id(path)
            record.user = strings.id(taken.strings[record.user])
            record.method = strings.id(taken.strings[record.method])
            record.route = 0
            record.rule = 0
            record.format = 0
            successes.append(record)
        }
        successes.sort { $0.time < $1.time }
        return (successes, strings)
    }

    /// Paths worth reading back: the areas where addresses with only a few failures failed
    /// (typos), and paths many clients started failing on (new failures); WordPress logins
    /// are left out, their successes are in the first pass (302 answers).
    private func candidatePaths(_ joined: RequestJoiner.Result, thresholds: FindingThresholds) -> [String] {
        var failuresPerIP: [UInt32: Int] = [:]
        for request in joined.requests { failuresPerIP[request.ip, default: 0] += 1 }
        var typoAreas: [String: Int] = [:]
        var clientsByPath: [UInt32: Set<UInt32>] = [:]
        for request in joined.requests where request.layer != .wordpress {
            guard let path = joined.strings[request.path], path.count >= 2 else { continue }
            if failuresPerIP[request.ip, default: 0] <= 3 * thresholds.typoMaxFailures,
               request.cause == .missingCredentials || FindingDetectorInputs.isCredential(request) {
                typoAreas[Self.area(path), default: 0] += 1
            }
            if !FindingContext.isWrongCredential(request), path.count >= 4 {
                clientsByPath[request.path, default: []].insert(request.ip)
            }
        }
        var chosen = typoAreas.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
            .prefix(Self.maxPaths / 2).map { $0 }
        let changing = clientsByPath.filter { $0.value.count >= thresholds.newFailureClients }
            .sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.key < $1.key }
            .compactMap { joined.strings[$0.key] }
        for path in changing where chosen.count < Self.maxPaths && !chosen.contains(where: path.hasPrefix) {
            chosen.append(path)
        }
        return chosen
    }

    /// `/admin/login` → `/admin/`: the area a login protects.
    static func area(_ path: String) -> String {
        let afterSlash = path.dropFirst()
        guard let slash = afterSlash.firstIndex(of: "/") else { return path }
        return String(path[..<afterSlash.index(after: slash)])
    }

    /// The access formats with one rule: any 2xx/3xx answer, on lines holding a path literal.
    private func servedPatterns(_ prefixes: [String], formats: Set<String>) throws -> CompiledPatterns {
        var set = patterns.patterns
        set.formats = set.formats.filter { formats.contains($0.name) && !$0.wrapsOtherFormats }.map { format in
            var served = format
            let source = PatternSource(file: "(built in)", line: 0, column: 0)
            served.rules = [RuleDefinition(
                id: "served", cause: nil, status: nil, literals: prefixes.map { Array((" " + $0).utf8) },
                regex: PatternText(text: #"<REQUEST>"\ (?<status>[23]\d\d)\ "#, source: source), source: source)]
            return served
        }
        return try CompiledPatterns(set)
    }
}

enum FindingDetectorInputs {
    static func isCredential(_ request: FailedRequest) -> Bool {
        FindingContext.isWrongCredential(request) || request.cause == .http401
    }
}
