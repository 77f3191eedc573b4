import Foundation

/// Reads every timestamp shape the supported logs write, from bytes, into UTC seconds:
///
/// | shape | example | zone |
/// |---|---|---|
/// | CLF (access logs) | `20/Nov/2026:06:25:14 +0100` | stated |
/// | HAProxy | `20/Nov/2026:06:25:14.123` | local |
/// | nginx error log | `2026/11/20 06:25:14` | local |
/// | Apache error log | `Fri Nov 20 06:25:14.858163 2026` | local |
/// | WordPress debug.log | `20-Nov-2026 06:25:14 UTC` | stated by name, else local |
/// | syslog | `Nov 20 06:25:14` | local, year inferred |
/// | ISO 8601 / RFC 3339 | `2026-11-20T06:25:14.123+01:00` | stated, else local |
/// | epoch seconds (JSON logs) | `1763619914.123456` | UTC |
///
/// "Local" is the zone the server wrote its log in: the machine's zone unless `--tz` says
/// otherwise. One parser per worker: it caches zone offsets and is not thread-safe.
final class TimestampParser {
    private let localZone: TimeZone
    private let localIsUTC: Bool
    /// For syslog stamps, which have no year: the latest year that is not in the future.
    private let now: Int64
    private var cachedHour: Int64 = .min
    private var cachedOffset: Int64 = 0
    private var namedZones: [String: TimeZone] = [:]

    init(localZone: TimeZone, now: Int64) {
        self.localZone = localZone
        self.localIsUTC = localZone.secondsFromGMT() == 0 && localZone.nextDaylightSavingTimeTransition == nil
        self.now = now
    }

    func parse(_ text: UnsafeRawBufferPointer) -> Int64? {
        var reader = Reader(bytes: text)
        guard let first = reader.peek() else { return nil }
        if isDigit(first) {
            if text.count > 4, text[4] == UInt8(ascii: "/") { return parseNginx(&reader) }
            if text.count > 4, text[4] == UInt8(ascii: "-") { return parseISO(&reader) }
            if text.count > 2, text[2] == UInt8(ascii: "/") { return parseCLF(&reader) }
            if text.count > 2, text[2] == UInt8(ascii: "-") { return parseWordPress(&reader) }
            return parseEpoch(&reader)
        }
        if text.count > 4, text[3] == UInt8(ascii: " "), isLetter(text[4]) { return parseApache(&reader) }
        return parseSyslog(&reader)
    }

    // MARK: shapes

    /// `dd/Mon/yyyy:HH:MM:SS ±hhmm`, or HAProxy's `dd/Mon/yyyy:HH:MM:SS.mmm` (milliseconds, no
    /// zone: the local time of the machine that wrote it).
    private func parseCLF(_ r: inout Reader) -> Int64? {
        guard let day = r.number(2), r.skip("/"), let month = r.monthName(), r.skip("/"),
              let year = r.number(4), r.skip(":"), let clock = r.clock() else { return nil }
        if r.peek() == UInt8(ascii: ".") {
            r.skipFraction()
            guard r.peek() == nil else { return nil }
            return local(year, month, day, clock)
        }
        guard r.skip(" "), let offset = r.zoneOffset() else { return nil }
        return CivilTime.seconds(year: year, month: month, day: day, hour: clock.0, minute: clock.1, second: clock.2) - offset
    }

    /// `yyyy/mm/dd HH:MM:SS`
    private func parseNginx(_ r: inout Reader) -> Int64? {
        guard let year = r.number(4), r.skip("/"), let month = r.number(2), r.skip("/"),
              let day = r.number(2), r.skip(" "), let clock = r.clock() else { return nil }
        return local(year, month, day, clock)
    }

    /// `Www Mon dd HH:MM:SS[.ffffff] yyyy`
    private func parseApache(_ r: inout Reader) -> Int64? {
        r.advance(4)
        guard let month = r.monthName(), r.skip(" ") else { return nil }
        r.skipSpaces()
        guard let day = r.number(1...2), r.skip(" "), let clock = r.clock() else { return nil }
        r.skipFraction()
        guard r.skip(" "), let year = r.number(4) else { return nil }
        return local(year, month, day, clock)
    }

    /// `dd-Mon-yyyy HH:MM:SS[ ZONE]`
    private func parseWordPress(_ r: inout Reader) -> Int64? {
        guard let day = r.number(2), r.skip("-"), let month = r.monthName(), r.skip("-"),
              let year = r.number(4), r.skip(" "), let clock = r.clock() else { return nil }
        let wall = CivilTime.seconds(year: year, month: month, day: day, hour: clock.0, minute: clock.1, second: clock.2)
        guard r.skip(" ") else { return toUTC(wall: wall) }
        let name = r.rest()
        if name == "UTC" || name == "GMT" || name == "Z" { return wall }
        if let offset = Reader.offset(fromText: name) { return wall - offset }
        guard let zone = namedZone(name) else { return toUTC(wall: wall) }
        return wall - Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(wall))))
    }

    /// `Mon dd HH:MM:SS` (no year, no zone)
    private func parseSyslog(_ r: inout Reader) -> Int64? {
        guard let month = r.monthName(), r.skip(" ") else { return nil }
        r.skipSpaces()
        guard let day = r.number(1...2), r.skip(" "), let clock = r.clock() else { return nil }
        let (days, _) = CivilTime.floorDivide(now, 86_400)
        var year = CivilTime.civilFromDays(Int(days)).year
        // A December line read in January belongs to last year: take the latest year that
        // does not put the line more than a day into the future.
        if let candidate = local(year, month, day, clock), candidate > now + 86_400 { year -= 1 }
        return local(year, month, day, clock)
    }

    /// `yyyy-mm-dd[T ]HH:MM:SS[.fff][Z|±hh[:]mm]`
    private func parseISO(_ r: inout Reader) -> Int64? {
        guard let year = r.number(4), r.skip("-"), let month = r.number(2), r.skip("-"),
              let day = r.number(2) else { return nil }
        guard r.skip("T") || r.skip(" "), let clock = r.clock() else { return nil }
        r.skipFraction()
        let wall = CivilTime.seconds(year: year, month: month, day: day, hour: clock.0, minute: clock.1, second: clock.2)
        if r.skip("Z") { return wall }
        if let offset = r.zoneOffset() { return wall - offset }
        return toUTC(wall: wall)
    }

    /// `1711741827.9626286`: seconds since 1970 with an optional fraction (Caddy's `ts`, other
    /// JSON logs' `time`). Ten digits or so: fewer or more than 9…11 is no time of a log.
    private func parseEpoch(_ r: inout Reader) -> Int64? {
        guard let seconds = r.number(9...11) else { return nil }
        r.skipFraction()
        guard r.peek() == nil else { return nil }
        return Int64(seconds)
    }

    // MARK: zones

    private func local(_ year: Int, _ month: Int, _ day: Int, _ clock: (Int, Int, Int)) -> Int64? {
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        return toUTC(wall: CivilTime.seconds(year: year, month: month, day: day,
                                             hour: clock.0, minute: clock.1, second: clock.2))
    }

    /// Wall-clock seconds in the local zone → UTC seconds. The offset is cached per hour of
    /// wall time, which is where zones change it.
    private func toUTC(wall: Int64) -> Int64 {
        if localIsUTC { return wall }
        let hour = CivilTime.floorDivide(wall, 3600).0
        if hour != cachedHour {
            let guess = Int64(localZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(wall))))
            cachedOffset = Int64(localZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(wall - guess))))
            cachedHour = hour
        }
        return wall - cachedOffset
    }

    private func namedZone(_ name: String) -> TimeZone? {
        if let zone = namedZones[name] { return zone }
        guard namedZones.count < 64, let zone = TimeZone(identifier: name) else { return nil }
        namedZones[name] = zone
        return zone
    }

    // MARK: byte reading

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }
        mutating func advance(_ count: Int) { index = min(bytes.count, index + count) }

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(character.value) else { return false }
            index += 1
            return true
        }

        mutating func skipSpaces() {
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        }

        mutating func skipFraction() {
            guard skip(".") || skip(",") else { return }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }

        mutating func number(_ digits: Int) -> Int? { number(digits...digits) }

        mutating func number(_ digits: ClosedRange<Int>) -> Int? {
            var value = 0
            var count = 0
            while count < digits.upperBound, index < bytes.count, isDigit(bytes[index]) {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
                count += 1
            }
            return digits.contains(count) ? value : nil
        }

        mutating func clock() -> (Int, Int, Int)? {
            guard let hour = number(2), skip(":"), let minute = number(2), skip(":"),
                  let second = number(2), hour < 24, minute < 60, second <= 60 else { return nil }
            return (hour, minute, min(second, 59))
        }

        mutating func monthName() -> Int? {
            guard index + 3 <= bytes.count else { return nil }
            let key = (UInt32(bytes[index] | 0x20) << 16) | (UInt32(bytes[index + 1] | 0x20) << 8) | UInt32(bytes[index + 2] | 0x20)
            guard let month = Reader.months[key] else { return nil }
            index += 3
            return month
        }

        /// `+0100`, `-05:30`: seconds east of UTC.
        mutating func zoneOffset() -> Int64? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else {
                return nil
            }
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = number(2) else { return nil }
            _ = skip(":")
            guard let minutes = number(2) else { return nil }
            return sign * Int64(hours * 3600 + minutes * 60)
        }

        func rest() -> String { String(decoding: bytes[index...], as: UTF8.self) }

        static func offset(fromText text: String) -> Int64? {
            var bytes = Array(text.utf8)
            return bytes.withUnsafeMutableBytes { raw -> Int64? in
                var reader = Reader(bytes: UnsafeRawBufferPointer(raw))
                guard let offset = reader.zoneOffset(), reader.index == raw.count else { return nil }
                return offset
            }
        }

        static let months: [UInt32: Int] = {
            var table: [UInt32: Int] = [:]
            for (index, name) in ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].enumerated() {
                let b = Array(name.utf8)
                table[(UInt32(b[0]) << 16) | (UInt32(b[1]) << 8) | UInt32(b[2])] = index + 1
            }
            return table
        }()
    }
}

@inline(__always) private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
@inline(__always) private func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
