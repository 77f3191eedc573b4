import Foundation
import Testing
@testable import AuthLogKit

/// fail2ban's own annotated samples for its nginx-http-auth and apache-auth filters (copied
/// into Tests/Fixtures/fail2ban, see the README there): authlog must find every line
/// fail2ban bans, with the same client, and nothing in the lines fail2ban lets pass.
@Suite struct Fail2banSampleTests {
    struct Annotated {
        var line: Int
        var match: Bool
        var host: String?
        /// The line's section is for fail2ban's default mode (see the README).
        var defaultMode: Bool
    }

    static func annotations(of path: String) throws -> [Annotated] {
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        var result: [Annotated] = []
        var pending: [String: Any]? = nil
        var defaultMode = true
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("# filterOptions:") {
                let json = line.dropFirst("# filterOptions:".count)
                let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8))
                let options = (parsed as? [[String: Any]]) ?? [(parsed as? [String: Any]) ?? [:]]
                defaultMode = options.contains { ($0["mode"] as? String ?? "normal") == "normal" }
            } else if line.hasPrefix("# failJSON:") {
                let json = line.dropFirst("# failJSON:".count)
                pending = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            } else if !line.hasPrefix("#"), !line.isEmpty, let annotation = pending {
                result.append(Annotated(line: offset + 1, match: annotation["match"] as? Bool ?? false,
                                        host: annotation["host"] as? String, defaultMode: defaultMode))
                pending = nil
            }
        }
        return result
    }

    // Trust done-when: fail2ban's samples (items 1 and 14: the injection line, Apache 2.2
    // without a path, AH01793, "[:error]", an Apache error log that goes on through syslog)
    @Test(arguments: ["nginx-http-auth", "apache-auth"])
    func everyLineFail2banBansIsFoundWithItsHostAndNoOtherGivesAnEvent(_ name: String) throws {
        let path = repositoryRoot.appendingPathComponent("Tests/Fixtures/fail2ban/\(name)").path
        let annotated = try Self.annotations(of: path)
        #expect(annotated.filter(\.match).count > 10)
        let outcome = try scan(Array(try Data(contentsOf: URL(fileURLWithPath: path))), name: name)
        let events = Dictionary(outcome.events.map { ($0.line, $0) }, uniquingKeysWith: { first, _ in first })
        for line in annotated {
            let event = events[line.line]
            if !line.match {
                #expect(event == nil, "\(name):\(line.line): fail2ban lets it pass, authlog found \(event.map { "\($0.cause) from \($0.ip ?? "-")" } ?? "")")
            } else if line.defaultMode {
                #expect(event != nil, "\(name):\(line.line): fail2ban bans \(line.host ?? "-"), authlog found nothing")
                if let event { #expect(event.ip == line.host, "\(name):\(line.line): client \(event.ip ?? "-"), fail2ban's \(line.host ?? "-")") }
            }
        }
    }
}
