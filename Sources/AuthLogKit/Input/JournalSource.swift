import SystemdJournal

/// The journal as a stream of bytes: each entry read through libsystemd becomes the line
/// `journalctl -o json` writes for it (the fields the journal envelope reads: time, host,
/// program, message), so what follows is the pipeline a piped `journalctl -o json | authlog
/// scan -` goes through (envelope detection, `EnvelopeReader`, the syslog form whose program
/// decides the format). Nothing of the classification is done twice or differently.
///
/// Made, read and dropped on one thread (libsystemd's rule for an `sd_journal`).
final class JournalSource: ByteSource {
    private let journal: Journal
    /// Encoded entries not yet handed out, from `pendingStart`.
    private var pending: [UInt8] = []
    private var pendingStart = 0
    /// Bytes of JSON lines produced (there is no file to count).
    private(set) var storedBytesRead = 0
    /// Entries read, for a cursor only when something was read.
    private(set) var entriesRead = 0

    /// No field is read much past the scan's line limit.
    private let longestField: Int

    /// `maxLineLength`: the scan's line limit; no field is read much past it.
    init(_ selection: JournalSelection, maxLineLength: Int) throws(InputError) {
        let longestField = maxLineLength + 64
        self.longestField = longestField
        do {
            switch selection.files {
            case .local: journal = try Journal(.local, longestField: longestField)
            case .directory(let path): journal = try Journal(.directory(path), longestField: longestField)
            case .files(let paths): journal = try Journal(.files(paths), longestField: longestField)
            }
            try journal.matchUnits(selection.units)
            if let cursor = selection.afterCursor { try journal.seek(after: cursor) }
        } catch {
            throw InputError(message: error.message)
        }
        // An empty report for a journal that could not be read would look like good news.
        if selection.files == .local, !journal.openedAnyFile {
            throw InputError(message: "no journal file could be read (in /run/log/journal or /var/log/journal; "
                             + "reading them takes root or the systemd-journal or adm group)")
        }
    }

    /// Follow starts with what is written from now on.
    func seekToEnd() { journal.seekToEnd() }

    /// The last entry read, to start after next time; nil when none was read.
    var cursor: String? { entriesRead > 0 ? journal.cursor : nil }

    func waitDescriptor() throws(InputError) -> (descriptor: Int32, pollEvents: Int16) {
        do { return try journal.waitDescriptor() } catch { throw InputError(message: error.message) }
    }

    var pollTimeoutMilliseconds: Int32 { journal.pollTimeoutMilliseconds }
    func process() { journal.process() }

    /// Whole entries' lines, at least one when there is one; 0 at the end of the journal (for
    /// follow: of what it holds now).
    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(InputError) -> Int {
        if pendingStart == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
            do {
                while pending.count < count, try journal.next() { appendEntry() }
            } catch {
                throw InputError(message: error.message)
            }
        }
        let given = min(count, pending.count - pendingStart)
        pending.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + pendingStart, byteCount: given) }
        pendingStart += given
        storedBytesRead += given
        return given
    }

    private static let realtimeKey = Array(#"{"__REALTIME_TIMESTAMP":""#.utf8)
    private static let hostKey = Array(#"","_HOSTNAME":""#.utf8)
    private static let identifierKey = Array(#"","SYSLOG_IDENTIFIER":""#.utf8)
    private static let commandKey = Array(#"","_COMM":""#.utf8)
    private static let messageKey = Array(#"","MESSAGE":""#.utf8)
    private static let end = Array("\"}\n".utf8)

    /// The current entry as one JSON line. A field the entry lacks is left out (an empty
    /// SYSLOG_IDENTIFIER would hide _COMM). A field that is no UTF-8 is written with its raw
    /// bytes (journalctl writes an array of numbers): the envelope's reader takes a string's
    /// bytes as they are, so the inner line has the entry's exact bytes either way.
    private func appendEntry() {
        entriesRead += 1
        pending += Self.realtimeKey
        if let micros = journal.realtime { appendDigits(micros) }
        appendField(Self.hostKey, journal.field("_HOSTNAME"))
        appendField(Self.identifierKey, journal.field("SYSLOG_IDENTIFIER"))
        appendField(Self.commandKey, journal.field("_COMM"))
        appendField(Self.messageKey, journal.field("MESSAGE"))
        pending += Self.end
    }

    /// `","KEY":"VALUE` (the key closes the string before it), when the entry has the field.
    /// A value longer than the line limit is cut just past it: the line is then skipped as
    /// too long, without escaping (up to six bytes each) hundreds of megabytes first.
    private func appendField(_ key: [UInt8], _ value: UnsafeRawBufferPointer?) {
        guard let value else { return }
        pending += key
        appendEscaped(value.count > longestField ? UnsafeRawBufferPointer(rebasing: value[..<longestField]) : value)
    }

    private func appendDigits(_ value: UInt64) {
        var digits: (UInt64, Int) = (1, 1)
        while digits.0 <= value / 10 { digits = (digits.0 * 10, digits.1 + 1) }
        var rest = value
        var unit = digits.0
        while unit > 0 {
            pending.append(UInt8(0x30 + rest / unit))
            rest %= unit
            unit /= 10
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// JSON string content: `"` and `\` escaped, control bytes as `\u00XX` (so an entry is
    /// one line whatever its message holds).
    private func appendEscaped(_ value: UnsafeRawBufferPointer) {
        for byte in value {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                pending.append(UInt8(ascii: "\\"))
                pending.append(byte)
            case 0..<0x20:
                pending.append(UInt8(ascii: "\\"))
                pending.append(UInt8(ascii: "u"))
                pending.append(UInt8(ascii: "0"))
                pending.append(UInt8(ascii: "0"))
                pending.append(Self.hex[Int(byte >> 4)])
                pending.append(Self.hex[Int(byte & 0x0F)])
            default:
                pending.append(byte)
            }
        }
    }
}
