import CSystemd
#if canImport(Glibc)
import Glibc
#endif

/// Why the journal could not be opened or read: libsystemd's negative errno, in words.
public struct JournalError: Error, Sendable, Equatable {
    public var message: String

    init(_ what: String, code: Int32) {
        message = "\(what): \(String(cString: strerror(-code)))"
    }
}

/// One open journal (libsystemd's `sd_journal`), read forward entry by entry.
///
/// libsystemd documents an `sd_journal` as bound to the thread that opened it: it is opened,
/// read and closed on one thread (a scan's worker, follow's loop), never shared; hence not
/// `Sendable`.
public final class Journal {
    /// Which journal files to read.
    public enum Files: Sendable, Equatable {
        /// This machine's journal (/run/log/journal, /var/log/journal), as `journalctl` reads it.
        case local
        /// Every journal file in a directory (`journalctl -D`): another machine's, a copy.
        case directory(String)
        /// These journal files only (`journalctl --file`).
        case files([String])
    }

    private let handle: OpaquePointer
    /// `seek(after:)` found the saved entry gone: the entry it stands on is the first new one.
    private var currentIsUnread = false

    /// `longestField`: the most of a field's value libsystemd gives (it decompresses no more);
    /// a longer value reaches authlog cut there, longer than its line limit, and is skipped.
    public init(_ files: Files, longestField: Int = 1 << 20) throws(JournalError) {
        var opened: OpaquePointer? = nil
        let result: Int32
        switch files {
        case .local:
            // The system's journal only: with journald's default SplitMode=uid, what a login
            // user writes (`logger -t nginx …`, to forge a web server's line) is in that
            // user's own journal file, which this leaves out.
            result = sd_journal_open(&opened, Int32(SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM))
        case .directory(let path):
            result = sd_journal_open_directory(&opened, path, 0)
        case .files(let paths):
            var pointers: [UnsafePointer<CChar>?] = paths.map { UnsafePointer(strdup($0)) }
            pointers.append(nil)
            defer { for pointer in pointers { free(UnsafeMutablePointer(mutating: pointer)) } }
            result = pointers.withUnsafeMutableBufferPointer { sd_journal_open_files(&opened, $0.baseAddress, 0) }
        }
        guard result >= 0, let opened else { throw JournalError("cannot open the journal", code: result) }
        handle = opened
        // Fields up to authlog's own line limit and a little more, so a longer message is cut
        // past that limit and counted as a skip, not silently at libsystemd's default 64 KiB;
        // never whole (0): a small compressed field can decompress to hundreds of megabytes.
        sd_journal_set_data_threshold(handle, longestField)
    }

    deinit { sd_journal_close(handle) }

    /// Only entries whose `_SYSTEMD_UNIT` is one of `units` (matches of one field are ORed).
    public func matchUnits(_ units: [String]) throws(JournalError) {
        for unit in units {
            let match = Array("_SYSTEMD_UNIT=\(unit)".utf8)
            let result = match.withUnsafeBytes { sd_journal_add_match(handle, $0.baseAddress, $0.count) }
            if result < 0 { throw JournalError("unit '\(unit)'", code: result) }
        }
    }

    /// Some journal file was opened. libsystemd passes over the files it may not read (a user
    /// outside the systemd-journal and adm groups), so this journal may be empty for that.
    public var openedAnyFile: Bool {
        sd_journal_has_runtime_files(handle) > 0 || sd_journal_has_persistent_files(handle) > 0
    }

    /// Reading starts after the newest entry: only what is written from now on.
    public func seekToEnd() {
        sd_journal_seek_tail(handle)
        // After seek_tail the position is "past the end"; stepping back onto the last entry
        // makes the next `next()` return the first entry written after it, and nothing older.
        _ = sd_journal_previous(handle)
        currentIsUnread = false
    }

    /// Reading starts after the entry `cursor` names. When that entry is gone (the journal
    /// was vacuumed), after where it was: the first entry found there is new, and read.
    public func seek(after cursor: String) throws(JournalError) {
        let result = sd_journal_seek_cursor(handle, cursor)
        if result < 0 { throw JournalError("cannot seek to the saved journal cursor", code: result) }
        let moved = sd_journal_next(handle)
        if moved < 0 { throw JournalError("cannot read the journal", code: moved) }
        currentIsUnread = moved > 0 && sd_journal_test_cursor(handle, cursor) <= 0
    }

    /// Moves to the next entry: false at the end (for now: follow waits for more).
    public func next() throws(JournalError) -> Bool {
        if currentIsUnread {
            currentIsUnread = false
            return true
        }
        let result = sd_journal_next(handle)
        if result < 0 { throw JournalError("cannot read the journal", code: result) }
        return result > 0
    }

    /// The value of field `name` of the current entry (`NAME=` stripped), valid until the
    /// next move; nil when the entry has none.
    public func field(_ name: StaticString) -> UnsafeRawBufferPointer? {
        var data: UnsafeRawPointer? = nil
        var length = 0
        let result = name.withUTF8Buffer { nameBytes in
            nameBytes.withMemoryRebound(to: CChar.self) { sd_journal_get_data(handle, $0.baseAddress, &data, &length) }
        }
        let prefix = name.utf8CodeUnitCount + 1
        guard result >= 0, let data, length >= prefix else { return nil }
        return UnsafeRawBufferPointer(start: data + prefix, count: length - prefix)
    }

    /// When the current entry was written, in microseconds since 1970.
    public var realtime: UInt64? {
        var micros: UInt64 = 0
        return sd_journal_get_realtime_usec(handle, &micros) >= 0 ? micros : nil
    }

    /// The current entry's cursor (after the last `next()` that returned false: the last
    /// entry read), or nil when no entry has been read.
    public var cursor: String? {
        var text: UnsafeMutablePointer<CChar>? = nil
        guard sd_journal_get_cursor(handle, &text) >= 0, let text else { return nil }
        defer { free(text) }
        return String(cString: text)
    }

    // MARK: waiting for new entries (follow)

    /// A descriptor to poll(2) for new entries, with `pollEvents`; call `process()` after it
    /// fires (this is `sd_journal_wait` split up, so that signals wake the same poll).
    public func waitDescriptor() throws(JournalError) -> (descriptor: Int32, pollEvents: Int16) {
        let descriptor = sd_journal_get_fd(handle)
        if descriptor < 0 { throw JournalError("cannot watch the journal", code: descriptor) }
        let events = sd_journal_get_events(handle)
        return (descriptor, Int16(truncatingIfNeeded: max(events, 0)))
    }

    /// The longest poll may wait before `process()` is due anyway (journal files may change
    /// without telling inotify), in milliseconds; -1 when it may wait for ever.
    public var pollTimeoutMilliseconds: Int32 {
        var micros: UInt64 = 0
        guard sd_journal_get_timeout(handle, &micros) >= 0, micros != UInt64.max else { return -1 }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let nowMicros = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
        return micros <= nowMicros ? 0 : Int32(clamping: (micros - nowMicros + 999) / 1000)
    }

    /// Takes in what woke the descriptor (new entries, files added or rotated).
    public func process() {
        _ = sd_journal_process(handle)
    }

    /// Waits up to `microseconds` for the journal to change (`sd_journal_wait`).
    public func wait(microseconds: UInt64) {
        _ = sd_journal_wait(handle, microseconds)
    }
}
