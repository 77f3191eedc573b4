/// `--output ndjson`: one JSON object per line, for `jq` and log shippers. The scan writes
/// each event as it is read (`NDJSONEvent`), then one line per finding with
/// `"type":"finding"` (`FindingJSON`); follow writes the same event objects, and its alerts
/// and overviews as objects with `"type"` (`FollowLines`).
public struct NDJSONReportWriter: ScanReportWriter, FollowStreamWriter {
    public let id = "ndjson"
    public let streams = true
    public let help = #"one event per line, then one line per finding with "type":"finding""#

    public func help(for document: ReportDocument) -> String {
        document == .followStream ? #"the scan's event objects; alerts and summaries with "type""# : help
    }

    public func write(event: AuthEvent, to output: ReportOutput) {
        output.append { NDJSONEvent.render(event, into: &$0) }
    }

    public func write(_ report: ScanReport, settings: ReportSettings, to output: ReportOutput) {
        guard let requests = report.requests else { return }
        for finding in requests.findings { output.write(FindingJSON.line(finding, files: requests.evidenceFiles)) }
    }

    public func event(_ event: AuthEvent) -> [UInt8] { FollowLines.event(event, format: .ndjson) }

    public func alert(_ alert: Alert, style: TextStyle) -> [UInt8] {
        FollowLines.alert(alert, format: .ndjson, style: style)
    }

    public func summary(_ aggregate: FailureAggregate, final: Bool, top: Int, style: TextStyle) -> [UInt8] {
        FollowLines.summary(aggregate, final: final, top: top, format: .ndjson, style: style)
    }
}
