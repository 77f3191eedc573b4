/// A finding as JSON, the same object in `"findings"` of the report and, with
/// `"type":"finding"` first, as an NDJSON line: kind, category, key, figures, evidence, advice.
public enum FindingJSON {
    /// `files` names the inputs the evidence points into.
    public static func write(_ finding: Finding, files: EvidenceFiles, into json: inout JSONWriter, type: Bool = false) {
        json.beginObject()
        if type { json.string("type", "finding") }
        json.string("kind", finding.kind.rawValue)
        json.string("category", finding.kind.category.rawValue)
        json.string("key_type", finding.keyDimension.rawValue)
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
        for evidence in finding.evidence { json.string(nil, FindingText.reference(evidence, files)) }
        json.endArray()
        json.string("advice", finding.advice)
        json.endObject()
    }

    /// One NDJSON line.
    public static func line(_ finding: Finding, files: EvidenceFiles) -> String {
        var json = JSONWriter(pretty: false)
        write(finding, files: files, into: &json, type: true)
        return json.output + "\n"
    }
}
