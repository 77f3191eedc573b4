/// The `authlog.report/1` document. Keys and their meaning are a contract: fields may be
/// added, none may change meaning. Lists are sorted by count descending, then key ascending.
public enum JSONReport {
    public static let schema = "authlog.report/1"

    /// `extra` adds members after the standard ones (the summary's `window` and `comparison`).
    public static func render(_ report: ScanReport, top: Int, generator: String,
                              extra: ((inout JSONWriter) -> Void)? = nil) -> String {
        var json = JSONWriter(pretty: true)
        json.beginObject()
        json.string("schema", schema)
        json.string("generator", generator)

        json.beginArray("files")
        for file in report.files {
            json.beginObject()
            json.string("path", file.path)
            json.string("format", file.format ?? "empty")
            json.int("bytes", file.bytes)
            json.int("lines", file.lines)
            json.int("events", file.events)
            json.int("skipped", file.skipped)
            json.beginObject("skipped_by")
            for reason in SkipReason.allCases { json.int(reason.rawValue, file.skippedByReason[reason] ?? 0) }
            json.endObject()
            json.endObject()
        }
        json.endArray()

        json.beginArray("not_scanned")
        for input in report.unscanned {
            json.beginObject()
            json.string("path", input.path)
            json.string("reason", input.reason)
            json.bool("error", input.isError)
            json.endObject()
        }
        json.endArray()

        writeEvents(report.aggregate, formats: report.files.compactMap(\.format), top: top, into: &json)
        if let requests = report.requests {
            writeEvents(requests.aggregate, formats: report.files.compactMap(\.format), top: top, into: &json,
                        member: "requests") { json in
                json.int("paired", requests.paired)
                json.int("challenges", requests.challenges)
                // Login attempts: a system.multicall answered with faults is one request of many.
                json.int("attempts", requests.attempts)
                json.beginObject("by_layer")
                for layer in RefusingLayer.allCases {
                    json.int(layer.rawValue, requests.byLayer.first { $0.layer == layer }?.count ?? 0)
                }
                json.endObject()
                json.beginObject("unexplained")
                json.int("http_401_with_user", requests.unexplained.status401WithUser)
                json.int("http_401_without_user", requests.unexplained.status401WithoutUser)
                json.int("http_403_with_user", requests.unexplained.status403WithUser)
                json.int("http_403_without_user", requests.unexplained.status403WithoutUser)
                json.int("http_403_rest_write_without_user", requests.unexplained.restWrite403WithoutUser)
                json.endObject()
                json.int("lines_not_analysed", requests.linesNotAnalysed)
            }
            json.beginArray("findings")
            for finding in requests.findings { FindingJSON.write(finding, files: requests.evidenceFiles, into: &json) }
            json.endArray()
        }
        extra?(&json)
        json.endObject()
        return json.output + "\n"
    }

    /// The tallies of `"events"` (one per log line) or `"requests"` (one per failed request).
    static func writeEvents(_ aggregate: FailureAggregate, formats: [String], top: Int, into json: inout JSONWriter,
                            member: String = "events", details: ((inout JSONWriter) -> Void)? = nil) {
        json.beginObject(member)
        json.int("total", aggregate.total)
        details?(&json)
        json.beginObject("time_range")
        json.string("first", aggregate.firstSeen.map(CivilTime.iso8601))
        json.string("last", aggregate.lastSeen.map(CivilTime.iso8601))
        json.endObject()

        json.beginObject("by_cause")
        for cause in Cause.allCases { json.int(cause.rawValue, aggregate.byCause[cause]) }
        json.endObject()

        json.beginObject("by_format")
        var formatNames = Set(formats).union(aggregate.byFormat.map(\.format))
        formatNames.remove("empty")
        for name in formatNames.sorted() { json.int(name, aggregate.events(forFormat: name)) }
        json.endObject()

        // Which top lists hold estimates (more distinct keys than --max-keys were seen).
        json.beginObject("approximate")
        json.bool("ips", aggregate.byIP.isApproximate)
        json.bool("paths", aggregate.byPath.isApproximate)
        json.bool("users", aggregate.byUser.isApproximate)
        json.endObject()

        json.beginArray("top_ips")
        for (key, client, error) in aggregate.topIPs(top) {
            json.beginObject()
            json.string("key", key)
            json.int("count", client.failures.count)
            writeError(error, into: &json)
            writeCauses(client.failures.causes, into: &json)
            json.int("users", client.users.count)
            if client.users.isApproximate { json.bool("users_approximate", true) }
            if !client.peers.isEmpty {
                // Behind a --trusted-proxy: the connecting addresses, the key being the client.
                json.beginArray("peers")
                for peer in client.peers { json.string(nil, peer) }
                json.endArray()
            }
            json.string("first_seen", client.failures.firstSeen.map(CivilTime.iso8601))
            json.string("last_seen", client.failures.lastSeen.map(CivilTime.iso8601))
            json.endObject()
        }
        json.endArray()

        json.beginArray("top_paths")
        for (key, tally, error) in aggregate.topPaths(top) {
            json.beginObject()
            json.string("key", key)
            json.int("count", tally.count)
            writeError(error, into: &json)
            writeCauses(tally.causes, into: &json)
            json.endObject()
        }
        json.endArray()

        json.beginArray("top_users")
        for (key, tally, error) in aggregate.topUsers(top) {
            json.beginObject()
            json.string("key", key)
            json.int("count", tally.count)
            writeError(error, into: &json)
            writeCauses(tally.causes, into: &json)
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }

    /// An estimated count says so, with how much it may be over.
    private static func writeError(_ error: Int, into json: inout JSONWriter) {
        guard error > 0 else { return }
        json.bool("approximate", true)
        json.int("error", error)
    }

    private static func writeCauses(_ causes: CauseCounts, into json: inout JSONWriter) {
        json.beginObject("causes")
        for (cause, count) in causes.nonZeroByCount { json.int(cause.rawValue, count) }
        json.endObject()
    }
}

/// One event per line, keys `time file line format ip method path status user cause` in
/// that order; absent values are null. Rendered straight into bytes: a scan can emit
/// hundreds of thousands of events per second and must not build strings to do it.
public enum NDJSONEvent {
    public static func render(_ event: AuthEvent) -> String {
        var bytes: [UInt8] = []
        render(event, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func render(_ event: AuthEvent, into out: inout [UInt8]) {
        out.append(contentsOf: #"{"time":"#.utf8)
        if let time = event.time { string(CivilTime.iso8601(time), &out) } else { null(&out) }
        out.append(contentsOf: #","file":"#.utf8)
        string(event.file, &out)
        out.append(contentsOf: #","line":"#.utf8)
        integer(event.line, &out)
        out.append(contentsOf: #","format":"#.utf8)
        string(event.format, &out)
        out.append(contentsOf: #","ip":"#.utf8)
        optional(event.ip, &out)
        if let peer = event.peer {
            // Only behind a trusted proxy: the address that connected, `ip` being the client.
            out.append(contentsOf: #","peer":"#.utf8)
            string(peer, &out)
        }
        out.append(contentsOf: #","method":"#.utf8)
        optional(event.method, &out)
        out.append(contentsOf: #","path":"#.utf8)
        optional(event.path, &out)
        out.append(contentsOf: #","status":"#.utf8)
        if let status = event.status { integer(status, &out) } else { null(&out) }
        out.append(contentsOf: #","user":"#.utf8)
        optional(event.user, &out)
        out.append(contentsOf: #","cause":"#.utf8)
        string(event.cause.rawValue, &out)
        if event.attempts > 1 {
            // Only for a request that held several (an XML-RPC system.multicall's faults).
            out.append(contentsOf: #","attempts":"#.utf8)
            integer(event.attempts, &out)
        }
        out.append(contentsOf: "}\n".utf8)
    }

    @inline(__always)
    private static func null(_ out: inout [UInt8]) { out.append(contentsOf: "null".utf8) }

    @inline(__always)
    private static func optional(_ value: String?, _ out: inout [UInt8]) {
        if let value { string(value, &out) } else { null(&out) }
    }

    private static func integer(_ value: Int, _ out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }

    @inline(__always)
    static func string(_ value: String, _ out: inout [UInt8]) { JSONWriter.appendQuoted(value, to: &out) }
}
