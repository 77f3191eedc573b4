import Foundation
import Testing
@testable import AuthLogKit

/// The botnet shape of `compromised` (issue 15 item 4, "a botnet on one user name"): many
/// addresses fail on one user name, then an address gets in as that user. Who got in decides:
/// an address of the spray is a break-in (banned), a new address while the spray goes on is a
/// break-in (not banned: it may be the owner), the owner's usual address or a new address once
/// the spray has stopped is not. Logs in the scene's style (Apache combined, basic auth).
@Suite struct CompromisedBotnetTests {
    static func line(_ ip: String, _ user: String, _ time: String, _ status: Int, path: String = "/reports/") -> String {
        "\(ip) - \(user) [21/Nov/2026:\(time) +0000] \"GET \(path) HTTP/1.1\" \(status) \(status == 200 ? 5120 : 381) \"-\" "
            + "\"python-requests/2.31.0\""
    }

    /// Twelve wrong passwords for `user`, one a minute from 10:00, from six addresses in turn
    /// (203.0.113.181-186), two each: below every per-address threshold.
    static func spray(_ user: String = "reports", from first: Int = 181, minutes: ClosedRange<Int> = 0...11) -> [String] {
        minutes.map { minute in line("203.0.113.\(first + minute % 6)", user, String(format: "10:%02d:00", minute), 401) }
    }

    static func findings(_ lines: [String], spread: Int? = nil) throws -> [Finding] {
        let directory = try makeTemporaryDirectory(holding: ["access.log": lines.joined(separator: "\n") + "\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        options.now = SampleVerifier.sampleNow
        if let spread { options.requestAnalysis?.thresholds[CompromisedRule.minAddresses] = spread }
        let report = ScanSession(patterns: builtinPatterns, options: options, diagnostics: nil).run(arguments: [directory.path])
        return report.requests?.findings ?? []
    }

    static func compromised(_ findings: [Finding]) -> [String] {
        findings.filter { $0.kind == .compromised }.map(\.key).sorted()
    }

    @Test func botnetMemberThatGotInIsCompromisedOnTheUserAndBanned() throws {
        let scene = FindingSampleTests.sceneRoot.appendingPathComponent("compromised/botnet-basic-auth.log").path
        let findings = FindingSampleTests.findings(scanning: [scene])
        let finding = try #require(findings.first { $0.kind == .compromised && $0.key == "reports" })
        #expect(finding.keyDimension == .user)
        #expect(finding.figure("failures") == .int(12))
        #expect(finding.figure("ips") == .int(6))
        #expect(finding.figure("address") == .text("198.51.100.224"))
        #expect(finding.figure("address_failures") == .int(2))
        #expect(finding.figure("success") == .time(CivilTime.seconds(year: 2026, month: 11, day: 21, hour: 10, minute: 12, second: 30)))
        for advice in ["rotate that password", "end its sessions", "check what the account did since", "block 198.51.100.224"] {
            #expect(finding.advice.contains(advice), "\(finding.advice)")
        }
        #expect(FindingJSON.line(finding, files: EvidenceFiles()).contains("\"key_type\":\"user\""))
        let banned = BanList(findings).entries.map(\.network.description)
        #expect(banned == ["198.51.100.224"])
    }

    /// The defect this guards: on its own address a botnet member's two failures and a success
    /// are what user-typo sets aside as a colleague ("do not block these addresses").
    @Test func botnetMemberWithFewFailuresIsNotSetAsideAsATypo() throws {
        let findings = try Self.findings(Self.spray() + [Self.line("203.0.113.184", "reports", "10:11:30", 200)])
        #expect(Self.compromised(findings) == ["reports"])
        #expect(!findings.contains { $0.kind == .userTypo }, "\(findings.map { "\($0.kind) \($0.key)" })")
    }

    @Test func newAddressWhileTheSprayGoesOnIsCompromisedButNotBanned() throws {
        let findings = try Self.findings(Self.spray(minutes: 0...10) + [Self.line("203.0.113.199", "reports", "10:10:30", 200)]
            + Self.spray(minutes: 11...13))
        let finding = try #require(findings.first { $0.kind == .compromised })
        #expect(finding.key == "reports")
        #expect(finding.figure("address") == .text("203.0.113.199"))
        #expect(finding.figure("address_failures") == .int(0))
        #expect(finding.advice.contains("not on the ban list"), "\(finding.advice)")
        #expect(BanList(findings).entries.isEmpty)
    }

    @Test func newAddressOnceTheSprayStoppedIsTheOwnerNotACompromise() throws {
        let findings = try Self.findings(Self.spray() + [Self.line("203.0.113.199", "reports", "10:40:00", 200)])
        #expect(Self.compromised(findings).isEmpty)
    }

    @Test func ownersUsualAddressDuringTheSprayIsNoCompromise() throws {
        let during = Self.spray(minutes: 0...10) + [Self.line("203.0.113.199", "reports", "10:10:30", 200)]
            + Self.spray(minutes: 11...13)
        #expect(Self.compromised(try Self.findings([Self.line("203.0.113.199", "reports", "08:00:00", 200)] + during)).isEmpty)
        // The same success without the morning's login is a new address: the test can fail.
        #expect(Self.compromised(try Self.findings(during)) == ["reports"])
    }

    /// Four addresses are below the default spread of five: a success from one of them after
    /// three failures of its own is a typo, unless `--compromised-spread` says four is a botnet.
    @Test func fewerAddressesThanTheSpreadAreNoBotnet() throws {
        let lines = (0...11).map { Self.line("203.0.113.\(181 + $0 % 4)", "reports", String(format: "10:%02d:00", $0), 401) }
            + [Self.line("203.0.113.181", "reports", "10:12:30", 200)]
        #expect(Self.compromised(try Self.findings(lines)).isEmpty)
        #expect(Self.compromised(try Self.findings(lines, spread: 4)) == ["reports"])
    }
}
