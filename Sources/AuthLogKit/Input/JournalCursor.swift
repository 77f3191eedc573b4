/// A journal cursor as a summary's state file keeps it (`s=…;i=…;b=…;m=…;t=…;x=…`, from
/// `sd_journal_get_cursor`). The state file sits on disk where anyone with write access may
/// put anything in it, so a cursor is checked for the shape libsystemd writes before it is
/// handed to `sd_journal_seek_cursor`: a bounded length, known keys, hexadecimal values.
enum JournalCursor {
    /// libsystemd's cursors are about 130 characters; anything much longer is not one.
    static let maxLength = 512
    static let keys: Set<String> = ["s", "i", "b", "m", "t", "x"]

    /// Why `text` is not a cursor libsystemd wrote, or nil when it is one.
    static func problem(_ text: String) -> String? {
        guard !text.isEmpty, text.utf8.count <= maxLength else {
            return "a journal cursor is 1 to \(maxLength) characters, this one \(text.utf8.count)"
        }
        var seen = Set<String>()
        for part in text.split(separator: ";", omittingEmptySubsequences: false) {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, keys.contains(String(pair[0])), seen.insert(String(pair[0])).inserted,
                  !pair[1].isEmpty, pair[1].utf8.allSatisfy(isHexDigit)
            else { return "not a journal cursor (expected s=…;i=…;b=…;m=…;t=…;x=… in hexadecimal)" }
        }
        return seen.contains("s") && seen.contains("i") ? nil : "not a journal cursor (no s= or i=)"
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte) || (0x41...0x46).contains(byte)
    }
}
