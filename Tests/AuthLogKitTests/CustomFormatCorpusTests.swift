import Foundation
import Testing
@testable import AuthLogKit

/// The corpus generator's nginx and Apache access logs, rewritten into layouts of the admin's
/// own (`CorpusLayoutRewriter`) and read through the configuration that defines them, must give
/// exactly the report the combined originals give: every event and failed request, with the
/// same causes, clients, users, paths, times and pairing with the error logs. Only the names
/// of the formats differ (`nginx-config:timed` for `nginx-access`).
@Suite(.serialized) struct CustomFormatCorpusTests {
    typealias Layout = CorpusLayoutRewriter.Layout

    /// A corpus of its own per test (generated in a few seconds), removed after it: 6M, the
    /// least size whose nginx log holds the line over 1 MiB (see `CorpusLayoutRewriter`).
    static func generateCorpus() throws -> URL { try CorpusTests.generate(size: "6M", seed: 13) }

    /// Rewrites the corpus's access logs (nginx's with `nginx`, Apache's with `apache`) into
    /// a copy of it, with an nginx.conf and an apache2.conf naming the files and their formats.
    static func rewrittenCorpus(_ original: URL, nginx: Layout?, apache: Layout?,
                                declaringFiles: Bool = true) throws -> (URL, [String]) {
        let copy = try makeTemporaryDirectory().appendingPathComponent("corpus")
        try FileManager.default.copyItem(at: original, to: copy)
        try FileManager.default.removeItem(at: copy.appendingPathComponent("truth.json"))
        var configurations: [String] = []
        for (layout, relative) in [(nginx, "nginx/access.log"), (apache, "apache/access.log")] {
            guard let layout else { continue }
            let file = copy.appendingPathComponent(relative)
            var rewriter = CorpusLayoutRewriter()
            let rewritten = rewriter.rewrite(try Data(contentsOf: file), into: layout)
            #expect(rewriter.unreadLines == 0, "lines of \(relative) the rewriter could not read")
            try rewritten.write(to: file)
            let configuration = copy.deletingLastPathComponent().appendingPathComponent(
                layout.server == .nginx ? "nginx.conf" : "apache2.conf")
            let text: String
            switch layout.server {
            case .nginx:
                text = "http {\n    log_format \(layout.name) \(layout.configuration);\n"
                    + (declaringFiles ? "    access_log \(file.path) \(layout.name);\n" : "") + "}\n"
            case .apache:
                text = "ServerRoot \"/etc/apache2\"\nLogFormat \(layout.configuration) \(layout.name)\n"
                    + (declaringFiles ? "CustomLog \(file.path) \(layout.name)\n" : "")
            }
            try Data(text.utf8).write(to: configuration)
            configurations.append(configuration.path)
        }
        return (copy, configurations)
    }

    /// The report's `events` and `requests`, top lists in full, format names as the built-in
    /// formats' (`nginx-config:NAME` counted as `nginx-access`).
    static func sections(of directory: URL, configuration: [String]?, bodySizeRules: Bool = true) throws -> [String: Any] {
        var patterns = try PatternLoader.load()
        if !bodySizeRules {
            for index in patterns.formats.indices { patterns.formats[index].rules.removeAll { Self.bodySizeRules.contains($0.id) } }
        }
        var server = try ServerFormats(patterns: patterns, configuration: ServerConfiguration())
        if let configuration {
            server = try ServerFormats(patterns: try PatternLoader.load(),
                                       configuration: try ServerFormats.configuration(files: configuration, readDefaults: false))
        }
        var options = ScanOptions()
        options.timeZone = TimeZone(identifier: "UTC")!
        options.formatsByPath = server.formatsByPath
        let diagnostics = RecordingDiagnostics()
        let report = ScanSession(patterns: try CompiledPatterns(server.patterns), options: options, diagnostics: diagnostics)
            .run(arguments: [directory.path])
        #expect(diagnostics.errors.isEmpty, "\(diagnostics.errors)")
        let json = JSONReport.render(report, top: 1_000_000, generator: "test")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        var sections: [String: Any] = [:]
        for name in ["events", "requests"] {
            var section = try #require(document[name] as? [String: Any])
            var formats: [String: Int] = [:]
            for (format, count) in try #require(section["by_format"] as? [String: Int]) {
                formats[builtinName(format), default: 0] += count
            }
            section["by_format"] = formats
            sections[name] = section
        }
        // Which file was read as what: the rewritten ones with their configured formats.
        sections["formats"] = Dictionary(uniqueKeysWithValues: report.files.map {
            (String($0.path.dropFirst(directory.path.count + 1)), $0.format ?? "empty")
        })
        // What was skipped, per file and reason: a damaged line stays damaged when rewritten.
        sections["skipped"] = Dictionary(uniqueKeysWithValues: report.files.map { file in
            (String(file.path.dropFirst(directory.path.count + 1)),
             Dictionary(uniqueKeysWithValues: file.skippedByReason.map { ($0.key.rawValue, $0.value) }))
        })
        return sections
    }

    /// The rules that read XML-RPC faults from the body size after the status
    /// (`[rules clf-body-size]`): layouts that log the size elsewhere cannot take them, so
    /// their report has exactly those lines fewer (see `expectSameReport`).
    static let bodySizeRules = ["wordpress-xmlrpc-fault", "wordpress-xmlrpc-multicall-faults"]

    /// The original corpus's XML-RPC POSTs answered 200 with a fault-sized body, as the rule says.
    static func faultSizedXMLRPCLines(in directory: URL) throws -> Int {
        let fault = try NSRegularExpression(pattern: #"\] "POST /xmlrpc\.php[^"]*" 200 (?:3[89]\d|4[0-5]\d|460) "#)
        var count = 0
        for server in ["nginx", "apache"] {
            for name in ["access.log", "access.log.1"] {
                guard let text = try? String(contentsOf: directory.appendingPathComponent("\(server)/\(name)"), encoding: .isoLatin1) else { continue }
                count += fault.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text))
            }
        }
        return count
    }

    static func builtinName(_ format: String) -> String {
        if format.hasPrefix("nginx-config:") || format == "nginx-json" { return "nginx-access" }
        if format.hasPrefix("apache-config:") { return "apache-access" }
        return format
    }

    /// Where two JSON values differ, as `events.top_ips[3].count: 12 ≠ 11`, at most `limit`.
    static func differences(_ a: Any, _ b: Any, at path: String = "", limit: Int = 12) -> [String] {
        var found: [String] = []
        func walk(_ a: Any, _ b: Any, _ path: String) {
            guard found.count < limit else { return }
            if let a = a as? [String: Any], let b = b as? [String: Any] {
                for key in Set(a.keys).union(b.keys).sorted() {
                    walk(a[key] ?? "(absent)", b[key] ?? "(absent)", path + "." + key)
                }
            } else if let a = a as? [Any], let b = b as? [Any] {
                for index in 0..<max(a.count, b.count) {
                    walk(index < a.count ? a[index] : "(absent)", index < b.count ? b[index] : "(absent)", "\(path)[\(index)]")
                }
            } else if "\(a)" != "\(b)" {  // numbers, strings, booleans and null, as JSONSerialization read them
                found.append("\(path): \(a) ≠ \(b)")
            }
        }
        walk(a, b, path)
        return found
    }

    /// `sizeAfterStatus`: whether the rewritten layouts log the body size right after the
    /// status, where the XML-RPC fault rule reads it. When they do not, the reference is the
    /// original read without that rule, and the rule is shown to account for exactly the
    /// fault-sized XML-RPC lines of the original (each a login-failed event more).
    func expectSameReport(nginx: Layout?, apache: Layout?, declaringFiles: Bool = true, sizeAfterStatus: Bool = true,
                          expectedFormats: [String: String]) throws {
        let original = try Self.generateCorpus()
        defer { try? FileManager.default.removeItem(at: original) }
        let reference = try Self.sections(of: original, configuration: nil, bodySizeRules: sizeAfterStatus)
        if !sizeAfterStatus { try expectBodySizeRuleCountsTheFaults(original, without: reference) }
        let (copy, configurations) = try Self.rewrittenCorpus(original, nginx: nginx, apache: apache,
                                                              declaringFiles: declaringFiles)
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        let rewritten = try Self.sections(of: copy, configuration: configurations)
        let formats = try #require(rewritten["formats"] as? [String: String])
        for (file, format) in expectedFormats { #expect(formats[file] == format, "format of \(file)") }
        for name in ["events", "requests", "skipped"] {
            let found = Self.differences(reference[name]!, rewritten[name]!, at: name)
            #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
        }
        let skipped = try #require(reference["skipped"] as? [String: [String: Int]])
        #expect((skipped["nginx/access.log"] ?? [:]).values.reduce(0, +) >= 2, "the NUL runs and the line over 1 MiB: \(skipped)")
        // The corpus holds what it should: refusals on both servers, and requests paired with
        // their error lines (a comparison of two empty reports would prove nothing).
        let events = try #require(reference["events"] as? [String: Any])
        let byFormat = try #require(events["by_format"] as? [String: Int])
        #expect((byFormat["nginx-access"] ?? 0) > 1000 && (byFormat["apache-access"] ?? 0) > 200, "\(byFormat)")
        #expect(((reference["requests"] as? [String: Any])?["paired"] as? Int ?? 0) > 1000)
    }

    func expectBodySizeRuleCountsTheFaults(_ original: URL, without reduced: [String: Any]) throws {
        let full = try Self.sections(of: original, configuration: nil)
        func loginFailed(_ sections: [String: Any]) -> Int {
            ((sections["events"] as? [String: Any])?["by_cause"] as? [String: Int])?["login-failed"] ?? 0
        }
        let faults = try Self.faultSizedXMLRPCLines(in: original)
        #expect(faults > 0, "the corpus plants failed XML-RPC logins")
        #expect(loginFailed(full) - loginFailed(reduced) == faults)
        // The requests are the same: the corpus's debug.log explains those POSTs either way.
        #expect(Self.differences(full["requests"]!, reduced["requests"]!).isEmpty)
    }

    @Test func nginxISOTimedAndApacheLocalISOLayoutsGiveTheOriginalsReport() throws {
        try expectSameReport(nginx: .nginxTimed, apache: .apacheISO,
                             expectedFormats: ["nginx/access.log": "nginx-config:timed",
                                               "apache/access.log": "apache-config:isolocal"])
    }

    @Test func reorderedLayoutsWithAForwardedForListGiveTheOriginalsReport() throws {
        try expectSameReport(nginx: .nginxReordered, apache: .apacheReordered, sizeAfterStatus: false,
                             expectedFormats: ["nginx/access.log": "nginx-config:reordered",
                                               "apache/access.log": "apache-config:reordered"])
    }

    @Test func nginxJSONLayoutReadThroughTheConfigurationGivesTheOriginalsReport() throws {
        try expectSameReport(nginx: .nginxJSON, apache: nil, sizeAfterStatus: false,
                             expectedFormats: ["nginx/access.log": "nginx-config:jsonlog", "apache/access.log": "apache-access"])
    }

    /// The same file with no `access_log` naming it: told by content among every format,
    /// the configured ones and the built-in JSON ones.
    @Test func customLayoutsDetectedByContentGiveTheOriginalsReport() throws {
        try expectSameReport(nginx: .nginxTimed, apache: .apacheReordered, declaringFiles: false,
                             expectedFormats: ["nginx/access.log": "nginx-config:timed",
                                               "apache/access.log": "apache-config:reordered"])
    }

    /// With no configuration at all, the JSON layout's usual key names are enough.
    @Test func nginxJSONLayoutWithoutConfigurationGivesTheOriginalsReport() throws {
        let original = try Self.generateCorpus()
        defer { try? FileManager.default.removeItem(at: original) }
        // A JSON layout logs the size as a key, not after the status, and the built-in nginx-json
        // reads that key (json.bytes, [rules body-size-field]): the faults count as in the
        // original, which the rule is shown to matter for.
        let reference = try Self.sections(of: original, configuration: nil)
        try expectBodySizeRuleCountsTheFaults(original, without: try Self.sections(of: original, configuration: nil,
                                                                                    bodySizeRules: false))
        let (copy, _) = try Self.rewrittenCorpus(original, nginx: .nginxJSON, apache: nil)
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        let rewritten = try Self.sections(of: copy, configuration: nil)
        #expect((rewritten["formats"] as? [String: String])?["nginx/access.log"] == "nginx-json")
        for name in ["events", "requests", "skipped"] {
            let found = Self.differences(reference[name]!, rewritten[name]!, at: name)
            #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
        }
    }

    @Test func theRewriterReadsEveryCombinedLineAndKeepsTheDamage() throws {
        let nul = [UInt8](repeating: 0, count: 3) + Array(
            "192.0.2.1 - \\x1B[31madmin [20/Nov/2026:06:25:14 +0000] \"GET /a\\\"b HTTP/1.1\" 401 5 \"-\" \"x \\\"y\\\"\"\n".utf8)
        var rewriter = CorpusLayoutRewriter()
        let json = rewriter.rewrite(Data(nul), into: .nginxJSON)
        #expect(rewriter.unreadLines == 0)
        #expect(Array(json.prefix(3)) == [0, 0, 0])
        #expect(String(decoding: json.dropFirst(3), as: UTF8.self)
                == "{\"time_iso8601\":\"2026-11-20T06:25:14+00:00\",\"remote_addr\":\"192.0.2.1\","
                + "\"remote_user\":\"\\u001b[31madmin\",\"request\":\"GET /a\\\"b HTTP/1.1\",\"status\":401,"
                + "\"body_bytes_sent\":5,\"http_referer\":\"\",\"http_user_agent\":\"x \\\"y\\\"\",\"request_time\":0.001}\n")
        let apache = rewriter.rewrite(Data(nul), into: .apacheISO)
        #expect(String(decoding: apache.dropFirst(3), as: UTF8.self)
                == "192.0.2.1 intranet.example.org \\x1B[31madmin 2026-11-20T06:25:14 \"GET /a\\\"b HTTP/1.1\" 401 5 \"x \\\"y\\\"\"\n")
    }
}
