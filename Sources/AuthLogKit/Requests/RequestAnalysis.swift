/// After a scan: join request lines, count requests, run the finding detectors, and for
/// new-failure candidates look up when their paths were served (counted during the scan;
/// read back only from the files the scan could not count them in, see `ServedLineReading`).
struct RequestAnalysis {
    let patterns: CompiledPatterns
    let options: ScanOptions
    let settings: RequestAnalysisOptions
    weak var diagnostics: ScanDiagnostics?

    func run(_ collected: (records: [RequestRecord], strings: StringInterner, inputNames: [Int: String], dropped: Int,
                           loginAttempts: LoginAttempts),
             served servedCounts: ServedPathCounts? = nil, events: FailureAggregate, files: [FileStats], inputs: [LogInput], clock: PhaseClock) -> RequestReport {
        var clock = clock
        clock.mark("scan")
        var report = RequestReport()
        report.linesNotAnalysed = collected.dropped
        if collected.dropped > 0 {
            diagnostics?.warning("pairing and findings cover the first \(collected.records.count) authentication lines "
                                 + "only (at most \(settings.maxRequests) lines and \(RequestCollector.maxStrings) distinct "
                                 + "addresses, paths and names are kept; --max-requests raises the first); "
                                 + "\(collected.dropped) more were counted, and requests are counted as lines (challenges among them)")
        }
        var joiner = RequestJoiner()
        joiner.window = settings.pairingWindow
        let joined = joiner.join(records: collected.records, strings: collected.strings, patterns: patterns,
                                 inputNames: collected.inputNames)
        clock.mark("join")
        // What memory per authentication line is measured against (AUTHLOG_TIMING only).
        clock.note("request lines kept: \(joined.records.count) (\(joined.records.lazy.filter { $0.side == .detail }.count) "
                   + "detail), requests: \(joined.requests.count), distinct strings: \(joined.strings.strings.count)")
        report.paired = joined.paired
        for (input, shift) in joined.clockShifts.sorted(by: { $0.key < $1.key }) {
            let hours = Double(abs(shift)) / 3600
            let amount = hours == hours.rounded() ? "\(Int(hours)) h" : "\(Int(abs(shift) / 60)) min"
            diagnostics?.warning("\(collected.inputNames[Int(input)] ?? "?"): its times run \(amount) "
                                 + (shift > 0 ? "behind" : "ahead of") + " its access log's; paired with that shift "
                                 + "(zone-less times are read in --tz: give the server's zone)")
        }
        report.aggregate = FailureAggregate(maxKeys: options.maxKeys)
        // Challenges leave the requests here, before anything counts or judges them: the
        // totals, the layers, the unexplained 401s and every finding see failures only.
        let matched = ChallengeMatcher(window: settings.challengeWindow)
            .match(joined.requests, records: joined.records, strings: joined.strings)
        let failures = matched.failures
        report.challenges = matched.challenges
        report.challengeOnlyClients = matched.challengeOnlyClients.compactMap { joined.strings[$0].flatMap(IPAddress.init) }.sorted()

        // Counted in arrays by layer and by format id (few layers, dense ids): no hashing per request.
        let allLayers = RefusingLayer.allCases
        var layers = [Int](repeating: 0, count: allLayers.count)
        let strings = joined.strings
        // Without any error or debug line, every request is its access line: the events'
        // tables are the requests' (shared, not copied or counted again). Past the limit,
        // requests cannot be told apart for the lines not kept: they count as lines.
        // Challenges are lines the events counted and the requests do not: then the requests
        // are counted here too. (Past the limit the totals stay lines, challenges among them.)
        let onlyAccessLines = (!joined.records.contains { $0.side == .detail } && matched.challenges == 0)
            || collected.dropped > 0
        if onlyAccessLines { report.aggregate = events }
        var tallies = RequestTallies(strings: onlyAccessLines ? 0 : strings.strings.count)
        var formatNames = [String?](repeating: nil, count: strings.strings.count)
        let restWrites = RESTWrites(strings: strings, restPrefix: LoginPaths(patterns.patterns).restPrefix)
        report.attempts = failures.count
        for request in failures {
            layers[allLayers.firstIndex(of: request.layer)!] += 1
            if request.access >= 0 { report.attempts += collected.loginAttempts[joined.records[Int(request.access)]] - 1 }
            let format = formatNames[Int(request.format)] ?? strings[request.format] ?? "?"
            formatNames[Int(request.format)] = format
            if !onlyAccessLines {
                report.aggregate.countTotals(cause: request.cause, format: format, time: request.hasTime ? request.time : nil)
                tallies.add(request)
            }
            if request.detail < 0 {
                switch (request.cause, request.userSent) {
                case (.http401, true): report.unexplained.status401WithUser += 1
                case (.http401, false): report.unexplained.status401WithoutUser += 1
                case (.http403, true): report.unexplained.status403WithUser += 1
                case (.http403, false):
                    report.unexplained.status403WithoutUser += 1
                    if restWrites.isWrite(request, records: joined.records, strings: strings) {
                        report.unexplained.restWrite403WithoutUser += 1
                    }
                default: break
                }
            }
        }
        if !onlyAccessLines { tallies.fill(&report.aggregate, strings: strings) }
        report.byLayer = zip(allLayers, layers).filter { $0.1 > 0 }.map { (layer: $0.0, count: $0.1) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.layer < $1.layer }

        clock.mark("aggregate")
        var findingStrings = strings
        let networks = IPv6NetworkGrouping(failures, strings: &findingStrings, prefix: settings.ipv6Prefix)
        let context = FindingContext(requests: networks.requests, records: joined.records, partner: joined.partner,
                                     strings: findingStrings, thresholds: settings.thresholds,
                                     loginPaths: LoginPaths(patterns.patterns), loginAttempts: collected.loginAttempts)
        var detector = FindingDetector(context: context)
        var findings = detector.run()
        clock.mark("findings")
        let startOfFile = Dictionary(files.compactMap { file in file.firstLineTime.map { (file.path, $0) } },
                                     uniquingKeysWith: min)
        let logStarts = collected.inputNames.compactMapValues { startOfFile[$0] }
        let candidates = detector.successCandidates(logStarts: logStarts, limit: SuccessReader.maxPaths)
        clock.note("new-failure candidates: \(candidates.map { strings[$0] ?? "" })")
        if !candidates.isEmpty {
            // Counts that had to drop a path or widen buckets to stay bounded depend on which
            // lines shared a worker's table: then the candidates' answers are read back exactly.
            let counted = servedCounts?.merged().flatMap { $0.isApproximate ? nil : $0 }
            let readAgain = servedCounts.flatMap { counts in
                counted == nil ? nil : inputs.filter { counts.inputsToReadAgain.contains($0.path) }
            } ?? inputs
            clock.note("served counts: \(counted == nil ? "read back" : "counted during the scan")")
            let served = ServedAnswers(counted: counted, candidates: candidates, strings: findingStrings)
                .adding(SuccessReader(patterns: patterns, options: options, diagnostics: diagnostics)
                    .read(paths: candidates, strings: findingStrings, files: files, inputs: readAgain))
            findings += detector.findings(served: served.byPath)
        }
        report.findings = FindingDetector.sorted(networks.annotate(findings))
        report.evidenceFiles = EvidenceFiles(collected.inputNames)
        clock.mark("new failures")
        return report
    }
}
