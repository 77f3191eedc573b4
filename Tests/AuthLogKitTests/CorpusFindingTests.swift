import Foundation
import Testing
@testable import AuthLogKit

/// The generator's simulated actors, found by reading its logs with plain string matching
/// (an oracle independent of authlog's patterns), must each be reported under the right
/// kind and key; its legitimate users, who fail once and then get in, must not be.
@Suite(.serialized) struct CorpusFindingTests {
    struct Actors {
        /// Addresses with many wrong passwords on basic auth (nginx /admin/ /status/, Apache /private/).
        var basicAuthGuessers: Set<String> = []
        /// Addresses with many failed WordPress logins, and how many names each tried.
        var wordpressGuessers: [String: Set<String>] = [:]
        /// Addresses and names of people who got in with a user name after failing.
        var colleagues: Set<String> = []
        var colleagueNames: Set<String> = []
    }

    static func lines(_ url: URL) -> [Substring] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n")
    }

    static func between(_ line: Substring, _ start: String, _ end: Character) -> String? {
        guard let range = line.range(of: start) else { return nil }
        let rest = line[range.upperBound...]
        return String(rest.prefix { $0 != end })
    }

    static func actors(in corpus: URL) -> Actors {
        var actors = Actors()
        var basic: [String: Int] = [:]
        for line in lines(corpus.appendingPathComponent("nginx/error.log"))
        where line.contains("password mismatch") || line.contains("was not found in") {
            if let ip = between(line, "client: ", ",") { basic[ip, default: 0] += 1 }
        }
        for line in lines(corpus.appendingPathComponent("apache/error.log")) where line.contains("AH01618") || line.contains("AH01617") {
            if let client = between(line, "[client ", "]"), let colon = client.lastIndex(of: ":") {
                basic[String(client[..<colon]), default: 0] += 1
            }
        }
        // The monitor fails as often, but at a fixed interval with one name: judged separately below.
        actors.basicAuthGuessers = Set(basic.filter { $0.value >= 50 && $0.key != "198.51.100.23" }.map(\.key))
        var wordpress: [String: [String]] = [:]
        for line in lines(corpus.appendingPathComponent("wordpress/debug.log")) where line.contains("] Login failed for user \"") {
            guard let user = between(line, "Login failed for user \"", "\""), let ip = between(line, "\" from ", " ") else { continue }
            wordpress[ip, default: []].append(user)
        }
        actors.wordpressGuessers = wordpress.filter { $0.value.count >= 50 }.mapValues(Set.init)
        for file in ["nginx/access.log", "apache/access.log"] {
            for line in lines(corpus.appendingPathComponent(file)) where line.contains("\" 200 ") {
                let fields = line.split(separator: " ", maxSplits: 3)
                guard fields.count == 4, fields[2] != "-", ["alice", "bob", "deploy", "ops", "carol", "dave", "erin", "jsmith"].contains(String(fields[2]))
                else { continue }
                actors.colleagues.insert(String(fields[0]))
                actors.colleagueNames.insert(String(fields[2]))
            }
        }
        return actors
    }

    @Test func simulatedActorsAreReportedUnderTheRightKindAndKey() throws {
        let corpus = try CorpusTests.generate(size: "20M", seed: 11)
        defer { try? FileManager.default.removeItem(at: corpus) }
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        let report = ScanSession(patterns: builtinPatterns, options: options, diagnostics: nil).run(arguments: [corpus.path])
        let findings = try #require(report.requests?.findings)
        func keys(_ kind: Finding.Kind) -> Set<String> { Set(findings.filter { $0.kind == kind }.map(\.key)) }
        let actors = Self.actors(in: corpus)
        try #require(actors.basicAuthGuessers.count >= 3 && actors.wordpressGuessers.count >= 3 && actors.colleagues.count >= 10,
                     "the corpus should have attackers and colleagues")
        // gen-corpus also lists the actors it simulated: the string-matching oracle must find
        // exactly those, so neither can drift from the other unnoticed.
        let truthData = try Data(contentsOf: corpus.appendingPathComponent("truth.json"))
        let truth = try #require(try JSONSerialization.jsonObject(with: truthData) as? [String: Any])
        if let simulated = truth["actors"] as? [String: Any] {
            #expect(Set(simulated["basic_auth_guessers"] as? [String] ?? []) == actors.basicAuthGuessers)
            #expect(Set((simulated["wordpress_guessers"] as? [String: Int] ?? [:]).keys) == Set(actors.wordpressGuessers.keys))
            let colleagues = simulated["colleagues"] as? [String: [String]] ?? [:]
            #expect(Set(colleagues["ips"] ?? []) == actors.colleagues)
            #expect(Set(colleagues["names"] ?? []) == actors.colleagueNames)
            #expect((simulated["monitor"] as? [String: Any])?["ip"] as? String == "198.51.100.23")
        }

        // The misconfigured monitor: a stale password once a minute, a fixer, not an attacker.
        let monitor = try #require(findings.first { $0.kind == .misconfiguredClient && $0.key == "198.51.100.23" })
        #expect(monitor.figure("path") == .text("/status/health"))
        #expect(monitor.figure("interval_seconds") == .int(60))
        #expect(monitor.figure("user") == .text("healthcheck"))
        #expect(!keys(.bruteForce).contains("198.51.100.23") && !keys(.credentialStuffing).contains("198.51.100.23"))

        // Basic-auth brute forcers and WordPress stuffers: brute force on their surface, and
        // credential stuffing when they cycle through names.
        #expect(actors.basicAuthGuessers.subtracting(keys(.bruteForce)).isEmpty,
                "brute forcers not reported: \(actors.basicAuthGuessers.subtracting(keys(.bruteForce)).sorted())")
        for (ip, names) in actors.wordpressGuessers {
            #expect(keys(.bruteForce).contains(ip), "WordPress guesser \(ip) not reported as brute-force")
            if names.count >= 10 { #expect(keys(.credentialStuffing).contains(ip), "stuffer \(ip) with \(names.count) names") }
        }

        // The botnet on one user name.
        let botnet = try #require(findings.first { $0.kind == .distributedAttack && $0.key == "admin" })
        if case .int(let ips) = botnet.figure("ips") { #expect(ips >= 20) } else { Issue.record("no ips figure") }

        // Colleagues who failed once and got in: listed as typos at most, never as attackers.
        let attackerKeys = keys(.bruteForce).union(keys(.credentialStuffing)).union(keys(.probe)).union(keys(.distributedAttack))
        #expect(actors.colleagues.intersection(attackerKeys).isEmpty,
                "colleagues reported as attackers: \(actors.colleagues.intersection(attackerKeys).sorted())")
        #expect(!keys(.userTypo).intersection(actors.colleagueNames).isEmpty, "no colleague recognised as a typo")
    }
}
