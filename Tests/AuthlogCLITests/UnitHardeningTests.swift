import Foundation
import Testing

/// The shipped systemd units, as systemd itself judges them: they read attacker-written logs
/// and write reports of addresses and user names, so they must run with almost no rights.
@Suite struct UnitHardeningTests {
    static let unitDirectory = CommandLineTests.repositoryRoot.appendingPathComponent("contrib/systemd")

    static var services: [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: unitDirectory, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "service" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The "Overall exposure level for X: 0.6 SAFE" figure of `systemd-analyze security`.
    static func exposure(of unit: URL) throws -> (Double, String) {
        let run = try ExternalTool.run("/usr/bin/systemd-analyze", ["security", "--offline=yes", "--no-pager", unit.path])
        let line = run.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") } ?? ""
        let figure = line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        return (figure ?? .infinity, run.stdout + run.stderr)
    }

    // Packaging item 3: the service README used to show ran as root, rated 9.6 UNSAFE.
    @Test func everyShippedServiceIsRatedSafeBySystemdAnalyze() throws {
        #expect(ExternalTool.exists("/usr/bin/systemd-analyze"), "systemd-analyze missing: apt-get install systemd")
        let services = Self.services
        #expect(services.map(\.lastPathComponent) == ["authlog-follow.service", "authlog-summary.service"])
        for service in services {
            let (exposure, output) = try Self.exposure(of: service)
            #expect(exposure <= 3.0, "\(service.lastPathComponent) rated \(exposure):\n\(output.suffix(3000))")
        }
    }

    // Packaging item 3: hardening must not take away what the job needs.
    @Test func servicesRunUnprivilegedWithTheLogGroupAndOnlyTheirOwnDirectoriesWritable() throws {
        for service in Self.services {
            let text = try String(contentsOf: service, encoding: .utf8)
            let settings = Set(text.split(separator: "\n").map(String.init))
            for required in ["DynamicUser=yes", "User=authlog", "SupplementaryGroups=adm", "ProtectSystem=strict",
                             "ProtectHome=yes", "PrivateTmp=yes", "NoNewPrivileges=yes", "CapabilityBoundingSet="] {
                #expect(settings.contains(required), "\(service.lastPathComponent) lacks \(required)")
            }
            // The summary writes its state and its report, follow nothing (it prints).
            let writable = settings.filter { $0.hasPrefix("StateDirectory=") || $0.hasPrefix("LogsDirectory=") }.sorted()
            let expected = service.lastPathComponent == "authlog-summary.service" ? ["LogsDirectory=authlog", "StateDirectory=authlog"] : []
            #expect(writable == expected, "\(service.lastPathComponent): \(writable)")
            // Anything it writes lies in the directories systemd creates for it.
            let execStart = try #require(settings.first { $0.hasPrefix("ExecStart=") })
            for argument in execStart.split(separator: " ") where argument.hasPrefix("/var/") {
                let path = String(argument)
                #expect(path.hasPrefix("/var/log/nginx") || path.hasPrefix("/var/log/apache2")
                        || path.hasPrefix("/var/lib/authlog/") || path.hasPrefix("/var/log/authlog/"),
                        "\(service.lastPathComponent) names \(path)")
            }
            #expect(!settings.contains { $0.hasPrefix("ReadWritePaths=") && $0 != "ReadWritePaths=" })
        }
    }
}
