import Foundation
import Testing
@testable import AuthLogKit
#if canImport(Glibc)
import Glibc
#endif

/// The output formats as registered writers (issue 12, item 4): which command offers which,
/// which of them stream, and that a new writer needs nothing but its type and its entry.
@Suite struct ReportWriterTests {
    let event = AuthEvent(time: 1_795_500_000, file: "/var/log/nginx/access.log", line: 12, format: "nginx-access",
                          ip: "203.0.113.9", method: "POST", path: "/wp-login.php", status: 401, user: "admin",
                          cause: .http401, rule: "r")

    @Test func everyCommandOffersTheFormatsItOfferedBeforeTheRegistry() {
        // html (a page for scan too) and bans (issue 15 items 7 and 6) are new.
        #expect(ReportWriters.scan.ids == ["text", "html", "json", "ndjson", "bans"])
        #expect(ReportWriters.summary.ids == ["text", "markdown", "html", "json", "bans"])
        #expect(ReportWriters.follow.ids == ["text", "ndjson"])
        #expect(ReportWriters.scan.defaultEntry.id == "text")
        #expect(ReportWriters.summary.defaultEntry.id == "text")
        #expect(ReportWriters.follow.defaultEntry.id == "text")
    }

    @Test func idsAreUniqueAndEveryWriterWritesSomeDocument() {
        let ids = ReportWriters.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for writer in ReportWriters.all {
            #expect(!writer.documents.isEmpty, "\(writer.id) writes nothing")
        }
        #expect(ReportWriters.all.first { $0.id == "markdown" }?.documents == [.summary])
        #expect(ReportWriters.all.first { $0.id == "text" }?.documents == [.scanReport, .summary, .followStream])
    }

    /// A scan runs differently for a writer that streams (events put in input order as they
    /// come): `streams` must say whether the writer writes events, or the scan's events are
    /// lost (streams false) or ordered for nothing (streams true).
    @Test func exactlyTheStreamingWritersWriteEventsAsTheScanReadsThem() {
        for entry in ReportWriters.scan.entries {
            let output = ReportOutput()
            entry.writer.write(event: event, to: output)
            #expect(entry.writer.streams == !output.bytes.isEmpty, "\(entry.id)")
        }
        let output = ReportOutput()
        ReportWriters.scan.writer(id: "ndjson")!.write(event: event, to: output)
        #expect(output.bytes == Array(NDJSONEvent.render(event).utf8))
    }

    @Test func followWritersWriteTheFollowLines() throws {
        let text = try #require(ReportWriters.follow.writer(id: "text"))
        let ndjson = try #require(ReportWriters.follow.writer(id: "ndjson"))
        #expect(String(decoding: text.event(event), as: UTF8.self)
            == "2026-11-24T06:00:00Z  203.0.113.9  http-401  user=admin  /wp-login.php  /var/log/nginx/access.log:12\n")
        #expect(ndjson.event(event) == FollowLines.event(event, format: .ndjson))
        let alert = Alert(rule: try AlertRule(parsing: "user>=3/5m"), key: "admin", count: 3, time: 1_795_500_000,
                          file: "a.log", line: 7)
        #expect(String(decoding: ndjson.alert(alert, style: TextStyle(enabled: false)), as: UTF8.self)
            .hasPrefix(#"{"type":"alert","rule":"user>=3/5m","key_type":"user","key":"admin","count":3"#))
    }

    @Test func theHelpSentenceListsEveryValueWithWhatItIs() {
        #expect(ReportWriters.scan.valuesText
            == #"text (for people), html (one self-contained page), json (authlog.report/1), ndjson (one event per line, then one line per finding with "type":"finding") or bans (the attack findings' addresses to block, see --ban-format)"#)
        #expect(ReportWriters.follow.valuesText
            == #"text (a line per event) or ndjson (the scan's event objects; alerts and summaries with "type")"#)
    }

    /// The README's recipe: a writer is its type and one entry in the list; every command
    /// whose document it writes then offers it, and no other command does.
    @Test func aNewWriterIsOneTypeAndOneEntryInTheList() throws {
        struct CauseCSV: ScanReportWriter {
            let id = "csv"
            let streams = false
            let help = "one line per cause"
            func write(_ report: ScanReport, settings: ReportSettings, to output: ReportOutput) {
                for (cause, count) in report.aggregate.byCause.nonZeroByCount { output.write("\(cause.rawValue),\(count)\n") }
            }
        }
        let registered = ReportWriters.all + [CauseCSV()]
        let scan = WriterCatalog<any ScanReportWriter>(.scanReport, from: registered)
        #expect(scan.ids == ["text", "html", "json", "ndjson", "bans", "csv"])
        #expect(scan.valuesText.hasSuffix(", bans (the attack findings' addresses to block, see --ban-format) or csv (one line per cause)"))
        #expect(WriterCatalog<any SummaryWriter>(.summary, from: registered).ids == ReportWriters.summary.ids)

        var report = ScanReport()
        report.aggregate.add(event)
        report.aggregate.add(event)
        let output = ReportOutput()
        try #require(scan.writer(id: "csv")).write(report, settings: ReportSettings(top: 10, generator: "test"), to: output)
        #expect(String(decoding: output.bytes, as: UTF8.self) == "http-401,2\n")
    }

    @Test func anOutputInMemoryKeepsEveryByteInOrder() throws {
        let output = ReportOutput()
        output.write("a")
        output.write(Array("é\n".utf8))
        output.append { $0.append(contentsOf: "z".utf8) }
        try output.flush()
        #expect(output.bytes == Array("aé\nz".utf8), "flushing memory writes nothing away")
    }

    /// A failed write is kept, what follows is dropped, and `flush()` throws it: a truncated
    /// report must not end in success.
    @Test func theFirstWriteErrorIsKeptAndThrownAtTheFlush() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let readOnly = open(path, O_RDONLY)
        try #require(readOnly >= 0)
        defer { close(readOnly) }

        let output = ReportOutput(descriptor: readOnly, flushThreshold: 4)
        output.write("more than four bytes")
        #expect(output.failure?.code == EBADF)
        output.write("and more")
        #expect(throws: OutputFailure.self) { try output.flush() }
        #expect(output.failure?.isBrokenPipe == false)
        #expect(output.failure?.message.hasPrefix("standard output: ") == true)
    }
}
