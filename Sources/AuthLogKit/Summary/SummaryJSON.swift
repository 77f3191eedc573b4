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
            // Counts are failed requests (`counts`), as in `requests`; a previous run that counted
            // log lines is named but not compared.
            json.string("counts", document.countsUnit)
            if let previous = document.comparable {
                json.string("previous_run", previous.generatedAt)
                json.int("previous_total", previous.total)
                json.int("change", SummaryDocument.difference(document.total, previous.total))
                json.beginObject("change_by_cause")
                for cause in Cause.allCases {
                    json.int(cause.rawValue, SummaryDocument.difference(document.counted.byCause[cause],
                                                                        previous.byCause[cause.rawValue] ?? 0))
                }
                json.endObject()
            } else if let previous = document.previous {
                json.string("previous_run", previous.generatedAt)
                json.string("previous_total", nil)
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
