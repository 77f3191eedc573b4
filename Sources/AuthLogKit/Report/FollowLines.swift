/// What `authlog follow` prints for each event, alert and overview, as ready-to-write
/// bytes: one line of text per event (time, client, cause, user, path, file:line), or the
/// scan's NDJSON event objects, with alerts and overviews as objects carrying `"type"`.
public enum FollowLines {
    public enum Format: Sendable { case text, ndjson }

    public static func event(_ event: AuthEvent, format: Format) -> [UInt8] {
        switch format {
        case .ndjson:
            var bytes: [UInt8] = []
            NDJSONEvent.render(event, into: &bytes)
            return bytes
        case .text:
            let fields = [event.time.map(CivilTime.iso8601) ?? "-", event.ip ?? "-", event.cause.rawValue,
                          event.user.map { "user=\($0)" } ?? "-", event.path ?? "-", "\(event.file):\(event.line)"]
            return Array((fields.map(TerminalText.escape).joined(separator: "  ") + "\n").utf8)
        }
    }

    public static func alert(_ alert: Alert, format: Format, style: TextStyle) -> [UInt8] {
        switch format {
        case .ndjson:
            var json = JSONWriter(pretty: false)
            json.beginObject()
            json.string("type", "alert")
            json.string("rule", alert.rule.text)
            json.string("key_type", alert.rule.key.rawValue)
            json.string("key", alert.key)
            json.int("count", alert.count)
            json.int("window_seconds", Int(alert.rule.windowSeconds))
            json.string("time", CivilTime.iso8601(alert.time))
            json.string("file", alert.file)
            json.int("line", alert.line)
            json.endObject()
            return Array((json.output + "\n").utf8)
        case .text:
            let text = "ALERT  \(alert.rule.key.rawValue) \(TerminalText.escape(alert.key)): \(alert.count) failures within "
                + "\(alert.rule.windowSeconds)s (\(alert.rule.text)) at \(CivilTime.iso8601(alert.time)), "
                + "\(TerminalText.escape(alert.file)):\(alert.line)"
            return Array((style.red(style.bold(text)) + "\n").utf8)
        }
    }

    public static func summary(_ aggregate: FailureAggregate, final: Bool, top: Int, format: Format, style: TextStyle) -> [UInt8] {
        switch format {
        case .ndjson:
            var json = JSONWriter(pretty: false)
            json.beginObject()
            json.string("type", "summary")
            json.bool("final", final)
            json.int("total", aggregate.total)
            json.beginObject("by_cause")
            for (cause, count) in aggregate.byCause.nonZeroByCount { json.int(cause.rawValue, count) }
            json.endObject()
            for (name, entries) in [("top_ips", aggregate.topIPs(top).map { ($0.key, $0.value.count) }),
                                    ("top_paths", aggregate.topPaths(top).map { ($0.key, $0.value.count) })] {
                json.beginArray(name)
                for (key, count) in entries {
                    json.beginObject()
                    json.string("key", key)
                    json.int("count", count)
                    json.endObject()
                }
                json.endArray()
            }
            json.endObject()
            return Array((json.output + "\n").utf8)
        case .text:
            var report = ScanReport()
            report.aggregate = aggregate
            let title = final ? "── final summary ──" : "── summary so far ──"
            return Array(("\n" + style.bold(title) + "\n" + TextReport.render(report, top: min(top, 5), style: style, includeFiles: false)).utf8)
        }
    }
}
