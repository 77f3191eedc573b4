/// After a scan: join request lines, count requests, read back the successes the findings
/// need, and run the finding detectors.
struct RequestAnalysis {
    let patterns: CompiledPatterns
    let options: ScanOptions
    let settings: RequestAnalysisOptions
    weak var diagnostics: ScanDiagnostics?

    func run(_ collected: (records: [RequestRecord], strings: StringInterner, inputNames: [Int: String], dropped: Int),
             events: FailureAggregate, files: [FileStats], inputs: [LogInput]) -> RequestReport {
        var report = RequestReport()
        report.linesNotAnalysed = collected.dropped
        if collected.dropped > 0 {
            diagnostics?.warning("request pairing and findings cover the first \(collected.records.count) authentication "
                                 + "lines; \(collected.dropped) more were counted as events only (raise --max-requests)")
        }
        var joiner = RequestJoiner()
        joiner.window = settings.pairingWindow
        let joined = joiner.join(records: collected.records, strings: collected.strings, patterns: patterns)
        report.paired = joined.paired
        report.aggregate = FailureAggregate(maxKeys: options.maxKeys)

        var layers: [RefusingLayer: Int] = [:]
        let strings = joined.strings
        var formatNames: [UInt32: String] = [:]
        for request in joined.requests {
            layers[request.layer, default: 0] += 1
            let format = formatNames[request.format] ?? strings[request.format] ?? "?"
            formatNames[request.format] = format
            let record = joined.records[Int(request.detail >= 0 ? request.detail : request.access)]
            report.aggregate.add(AuthEvent(
                time: request.hasTime ? request.time : nil, file: collected.inputNames[Int(record.input)] ?? "?",
                line: Int(record.line), format: format, ip: strings[request.ip], method: strings[request.method],
                path: strings[request.path], status: request.status == 0 ? nil : Int(request.status),
                user: strings[request.user], cause: request.cause, rule: strings[record.rule] ?? ""))
            if request.detail < 0 {
                switch (request.cause, request.userSent) {
                case (.http401, true): report.unexplained.status401WithUser += 1
                case (.http401, false): report.unexplained.status401WithoutUser += 1
                case (.http403, true): report.unexplained.status403WithUser += 1
                case (.http403, false): report.unexplained.status403WithoutUser += 1
                default: break
                }
            }
        }
        // Lines past the limit still count, unpaired, so totals stay true.
        if collected.dropped > 0 { report.aggregate.merge(remainder(events: events, analysed: collected.records.count)) }
        report.byLayer = layers.map { ($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.layer < $1.layer }

        var explained = [Bool](repeating: false, count: joined.records.count)
        for request in joined.requests where request.access >= 0 && request.detail >= 0 { explained[Int(request.access)] = true }
        let attempts = joined.records.indices.filter { joined.records[$0].side == .access && joined.records[$0].failureCause == nil }
            .map { (record: joined.records[$0], explained: explained[$0]) }

        var successes: [RequestRecord] = []
        var successStrings = strings
        if settings.readSuccesses {
            (successes, successStrings) = SuccessReader(patterns: patterns, options: options)
                .read(for: joined, thresholds: settings.thresholds, files: files, inputs: inputs)
            report.successesRead = successes.count
        }
        let context = FindingContext(requests: joined.requests, records: joined.records, strings: successStrings,
                                     inputNames: collected.inputNames, attempts: attempts, successes: successes,
                                     thresholds: settings.thresholds)
        report.findings = FindingDetector(context: context).run()
        return report
    }

    /// With lines left out of the analysis, requests cannot be told from events for them; the
    /// report then counts them as events so that no failure goes missing.
    private func remainder(events: FailureAggregate, analysed: Int) -> FailureAggregate {
        var rest = FailureAggregate(maxKeys: options.maxKeys)
        rest.total = max(0, events.total - analysed)
        return rest
    }
}
