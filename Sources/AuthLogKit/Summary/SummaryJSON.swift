/// The summary as the scan's `authlog.report/1` document plus `window` and `comparison`.
public enum SummaryJSON {
    public static func render(_ document: SummaryDocument, generator: String) -> String {
        JSONReport.render(document.report, top: document.top, generator: generator) { json in
            json.beginObject("window")
            json.string("start", document.windowStart.map(CivilTime.iso8601))
            json.string("end", CivilTime.iso8601(document.windowEnd))
            json.string("description", document.windowDescription)
            json.endObject()
            json.beginObject("comparison")
            if let previous = document.previous {
                json.string("previous_run", previous.generatedAt)
                json.int("previous_total", previous.total)
                json.int("change", document.total - previous.total)
                json.beginObject("change_by_cause")
                for cause in Cause.allCases {
                    json.int(cause.rawValue, document.report.aggregate.byCause[cause] - (previous.byCause[cause.rawValue] ?? 0))
                }
                json.endObject()
            } else {
                json.string("previous_run", nil)
            }
            json.beginArray("new_offenders")
            for entry in document.newOffenders { json.string(nil, entry.key) }
            json.endArray()
            json.endObject()
        }
    }
}
