import Foundation
import Testing

/// Real journal files for the `--journal` tests, without a running journald: entries written
/// in the journal export format and turned into a `.journal` file by systemd's own
/// `systemd-journal-remote` (Debian package systemd-journal-remote), which libsystemd then
/// reads as it reads /var/log/journal.
struct JournalFixture {
    static let remote = "/lib/systemd/systemd-journal-remote"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: remote) }
    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"
    static let boot = "1f2e3d4c5b6a79881f2e3d4c5b6a7988"
    /// 2026-11-20T06:25:14Z, in microseconds.
    static let start: UInt64 = 1_795_155_914_000_000

    struct Entry {
        var unit: String
        var program: String?
        var command: String
        var message: [UInt8]
        var host = "web1"

        init(unit: String, program: String?, command: String? = nil, _ message: String) {
            self.unit = unit
            self.program = program
            self.command = command ?? program ?? "unknown"
            self.message = Array(message.utf8)
        }

        init(unit: String, program: String?, bytes: [UInt8]) {
            self.init(unit: unit, program: program, "")
            self.message = bytes
        }
    }

    /// The export-format stream of `entries`, entry `i` at `start + (first + i)` seconds and
    /// monotonic time (one boot, so a later file's entries come after an earlier one's).
    static func export(_ entries: [Entry], first: Int) -> [UInt8] {
        var out: [UInt8] = []
        func field(_ name: String, _ value: [UInt8]) {
            if value.contains(0x0A) || value.contains(where: { $0 >= 0x80 }) {
                // The binary form: name, newline, 64-bit little-endian length, the bytes.
                out += Array(name.utf8) + [0x0A]
                withUnsafeBytes(of: UInt64(value.count).littleEndian) { out += $0 }
                out += value + [0x0A]
            } else {
                out += Array("\(name)=".utf8) + value + [0x0A]
            }
        }
        for (index, entry) in entries.enumerated() {
            let second = UInt64(first + index)
            field("__REALTIME_TIMESTAMP", Array(String(start + second * 1_000_000).utf8))
            field("__MONOTONIC_TIMESTAMP", Array(String(1_000_000 + second * 1_000_000).utf8))
            field("_BOOT_ID", Array(boot.utf8))
            field("_HOSTNAME", Array(entry.host.utf8))
            field("_SYSTEMD_UNIT", Array(entry.unit.utf8))
            if let program = entry.program { field("SYSLOG_IDENTIFIER", Array(program.utf8)) }
            field("_COMM", Array(entry.command.utf8))
            field("MESSAGE", entry.message)
            out.append(0x0A)
        }
        return out
    }

    /// Writes `entries` into the journal file `file` (which must not exist yet).
    static func write(_ entries: [Entry], first: Int = 0, to file: URL) throws {
        let input = file.deletingPathExtension().appendingPathExtension("export")
        try Data(export(entries, first: first)).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let run = try ExternalTool.run(remote, ["--output=\(file.path)", input.path])
        try #require(run.status == 0, "systemd-journal-remote: \(run.stderr)")
    }

    /// nginx (error and access), Apache (access and error), sshd and cron: what a web server's
    /// journal holds.
    static let webServer: [Entry] = [
        Entry(unit: "nginx.service", program: "nginx", #"2026/11/20 06:25:14 [error] 29#29: *1 user "admin" was not found in "/etc/nginx/.htpasswd", client: 203.0.113.7, server: localhost, request: "GET /admin/ HTTP/1.1", host: "example.com""#),
        Entry(unit: "nginx.service", program: "nginx", #"203.0.113.7 - admin [20/Nov/2026:06:25:15 +0000] "GET /admin/ HTTP/1.1" 401 179 "-" "curl/8.5.0""#),
        Entry(unit: "ssh.service", program: "sshd", "Failed password for root from 198.51.100.9 port 22 ssh2"),
        // The program decides the format: this combined line is Apache's.
        Entry(unit: "apache2.service", program: "apache2", #"203.0.113.40 - dave [20/Nov/2026:06:25:17 +0000] "GET /private/ HTTP/1.1" 401 459 "-" "curl/8.5.0""#),
        // No SYSLOG_IDENTIFIER: _COMM names the program.
        Entry(unit: "apache2.service", program: nil, command: "apache2", "[auth_basic:error] [pid 4242:tid 140195452913216] [client 203.0.113.40:5312] AH01618: user dave not found: /private/"),
        Entry(unit: "cron.service", program: "CRON", "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"),
        Entry(unit: "nginx.service", program: "nginx", #"2001:db8::31 - - [20/Nov/2026:06:25:20 +0000] "GET /.env HTTP/1.1" 403 153 "-" "Mozilla/5.0""#),
        // A message that is no UTF-8 (journalctl would show it as an array of bytes).
        Entry(unit: "nginx.service", program: "nginx",
              bytes: Array(#"2026/11/20 06:25:21 [error] 29#29: *4 user "j"#.utf8) + [0xF6] + Array(#"rg": password mismatch, client: 203.0.113.41, server: localhost, request: "GET /admin/ HTTP/1.1", host: "example.com""#.utf8)),
    ]
}
