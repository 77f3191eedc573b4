/// A finding as JSON, the same object in `"findings"` of the report and, with
/// `"type":"finding"` first, as an NDJSON line: kind, category, key, figures, evidence, advice.
public enum FindingJSON {
    public static func write(_ finding: Finding, into json: inout JSONWriter, type: Bool = false) {
        json.beginObject()
        if type { json.string("type", "finding") }
        json.string("kind", finding.kind.rawValue)
        json.string("category", finding.kind.category.rawValue)
        json.string("key_type", finding.kind.keyName)
        json.string("key", finding.key)
        json.beginObject("figures")
        for (name, value) in finding.figures {
            switch value {
            case .int(let number): json.int(name, number)
            case .text(let text): json.string(name, text)
            case .time(let seconds): json.string(name, CivilTime.iso8601(seconds))
            }
        }
        json.endObject()
        json.beginArray("evidence")
        for reference in finding.evidence { json.string(nil, reference) }
        json.endArray()
        json.string("advice", finding.advice)
        json.endObject()
    }

    /// One NDJSON line.
    public static func line(_ finding: Finding) -> String {
        var json = JSONWriter(pretty: false)
        write(finding, into: &json, type: true)
        return json.output + "\n"
    }
}
