import Foundation
import Testing
@testable import AuthLogKit

@Suite struct TimestampTests {
    let now = Int64(SampleVerifier.sampleNow.timeIntervalSince1970)  // 2026-11-23T12:00:00Z

    func parse(_ text: String, zone: String = "UTC") -> String? {
        let parser = TimestampParser(localZone: TimeZone(identifier: zone)!, now: now)
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { parser.parse($0) }.map(CivilTime.iso8601)
    }

    @Test func everyShapeTheFormatsWrite() {
        #expect(parse("20/Nov/2026:06:25:14 +0000") == "2026-11-20T06:25:14Z")
        #expect(parse("20/Nov/2026:06:25:14 +0130") == "2026-11-20T04:55:14Z")
        #expect(parse("20/Nov/2026:06:25:14 -0500") == "2026-11-20T11:25:14Z")
        #expect(parse("2026/11/20 06:25:14") == "2026-11-20T06:25:14Z")
        #expect(parse("Fri Nov 20 06:25:14.858163 2026") == "2026-11-20T06:25:14Z")
        #expect(parse("Mon Nov  2 06:25:14 2026") == "2026-11-02T06:25:14Z")
        #expect(parse("20-Nov-2026 06:25:14 UTC") == "2026-11-20T06:25:14Z")
        #expect(parse("20-Nov-2026 06:25:14 Europe/Berlin") == "2026-11-20T05:25:14Z")
        #expect(parse("2026-11-20T06:25:14.123456+01:00") == "2026-11-20T05:25:14Z")
        #expect(parse("2026-11-20T06:25:14+0100") == "2026-11-20T05:25:14Z")
        #expect(parse("2026-11-20T06:25:14Z") == "2026-11-20T06:25:14Z")
    }

    @Test func zoneLessStampsUseTheGivenZoneIncludingDST() {
        #expect(parse("2026/11/20 06:25:14", zone: "Europe/Berlin") == "2026-11-20T05:25:14Z")  // CET
        #expect(parse("2026/07/20 06:25:14", zone: "Europe/Berlin") == "2026-07-20T04:25:14Z")  // CEST
        #expect(parse("Fri Nov 20 06:25:14 2026", zone: "America/New_York") == "2026-11-20T11:25:14Z")
    }

    @Test func syslogYearIsTheLatestNotInTheFuture() {
        #expect(parse("Feb 15 16:23:00") == "2026-02-15T16:23:00Z")
        #expect(parse("Nov 24 06:00:00") == "2026-11-24T06:00:00Z")  // within a day: clock skew
        #expect(parse("Dec 31 23:59:59") == "2025-12-31T23:59:59Z")
        #expect(parse("Feb  5 01:02:03") == "2026-02-05T01:02:03Z")
    }

    @Test func garbageIsNil() {
        #expect(parse("") == nil)
        #expect(parse("99/Foo/2026:06:25:14 +0000") == nil)
        #expect(parse("2026/13/20 06:25:14") == nil)
        #expect(parse("2026/11/20 25:25:14") == nil)
    }

    @Test func civilTimeRoundTrips() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let date = CivilTime.civilFromDays(days)
            #expect(CivilTime.daysFromCivil(year: date.year, month: date.month, day: date.day) == days)
        }
        #expect(CivilTime.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(CivilTime.iso8601(-1) == "1969-12-31T23:59:59Z")
    }
}
