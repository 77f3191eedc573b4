/// Gives each distinct string a small number, so that a million request records hold four
/// bytes per field instead of a string each, and compare by integer. Id 0 is "none".
struct StringInterner {
    private var ids: [String: UInt32] = [:]
    private(set) var strings: [String] = [""]
    /// UTF-8 bytes of the strings held: a bound on count alone lets long fields hold gigabytes.
    private(set) var bytes = 0

    mutating func id(_ string: String?) -> UInt32 {
        guard let string else { return 0 }
        if let id = ids[string] { return id }
        let id = UInt32(strings.count)
        ids[string] = id
        strings.append(string)
        bytes += string.utf8.count
        return id
    }

    /// The id of a string already interned, without adding it.
    func existingID(_ string: String) -> UInt32? { ids[string] }

    subscript(id: UInt32) -> String? { id == 0 ? nil : strings[Int(id)] }
}
