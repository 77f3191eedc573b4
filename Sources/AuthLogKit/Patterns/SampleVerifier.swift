import Foundation

/// Checks pattern rules against annotated sample logs, the way fail2ban tests its filters.
///
/// A sample is a log file with comment lines (`# …`) in it; the scanner never matches them,
/// so the sample is scanned as it is and event line numbers are the sample's own:
///
///     # format: nginx-error
///     # expect: {"cause": "unknown-user", "ip": "203.0.113.7", "user": "admin", "path": "/admin/"}
///     2026/11/20 06:25:14 [error] 1198#1198: *5 user "admin" was not found in …
///     # expect: none
///     2026/11/20 06:25:15 [error] 1198#1198: *6 upstream timed out …
///
/// `# expect:` states the event the next log line must produce (only the keys given are
/// compared; `null` asserts absence), `none` that it produces none. `"cause": "none"` states
/// that the line is no failure but is kept as a request (rules with `cause = none`). A log
/// line without an annotation must produce neither. `# format:` states what detection must choose.
public struct SampleVerifier {
    public struct Failure: Sendable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    public struct Result: Sendable {
        public var failures: [Failure] = []
        /// `format/rule` ids of every rule some sample line matched.
        public var rulesHit: Set<String> = []
        public var linesChecked = 0
        public var eventsExpected = 0
    }

    /// The fixed clock and zone samples are read with, so their expectations never depend
    /// on the machine: zone-less stamps are UTC, a syslog stamp's year is 2026 (or 2025 for
    /// a date after 2026-11-24).
    public static let sampleNow = Date(timeIntervalSince1970: 1_795_435_200)  // 2026-11-23T12:00:00Z

    let patterns: CompiledPatterns

    public init(patterns: CompiledPatterns) { self.patterns = patterns }

    public func verify(files paths: [String]) -> Result {
        var result = Result()
        for path in paths { verify(path, into: &result) }
        return result
    }

    private struct Expectation {
        var fields: [String: Any]?  // nil: no event
        var annotationLine: Int
    }

    private func verify(_ path: String, into result: inout Result) {
        guard let data = FileManager.default.contents(atPath: path) else {
            result.failures.append(Failure(file: path, line: 0, message: "cannot read sample"))
            return
        }
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var expectations: [Int: Expectation] = [:]
        var expectedFormat: String? = nil
        var pending: Expectation? = nil
        for (offset, raw) in lines.enumerated() {
            let number = offset + 1
            let text = String(decoding: raw, as: UTF8.self)
            if text == "#" || text.hasPrefix("# ") {
                let body = text.dropFirst(2)
                if body.hasPrefix("format:") {
                    expectedFormat = body.dropFirst("format:".count).trimmingSpaces()
                } else if body.hasPrefix("expect:") {
                    if pending != nil {
                        result.failures.append(Failure(file: path, line: number, message: "two annotations for one line"))
                    }
                    let spec = body.dropFirst("expect:".count).trimmingSpaces()
                    if spec == "none" {
                        pending = Expectation(fields: nil, annotationLine: number)
                    } else if let object = try? JSONSerialization.jsonObject(with: Data(spec.utf8)) as? [String: Any],
                              object["cause"] != nil {
                        pending = Expectation(fields: object, annotationLine: number)
                    } else {
                        result.failures.append(Failure(file: path, line: number,
                                                       message: "annotation is neither 'none' nor a JSON object with a cause"))
                    }
                }
                continue
            }
            if offset == lines.count - 1, raw.isEmpty { continue }  // after the final newline
            if let expectation = pending {
                expectations[number] = expectation
                pending = nil
            }
        }
        if let pending {
            result.failures.append(Failure(file: path, line: pending.annotationLine, message: "annotation is not followed by a log line"))
        }

        var options = ScanOptions()
        options.threads = 1  // the attempt observer below is not thread-safe
        options.requestAnalysis = nil
        options.timeZone = TimeZone(identifier: "UTC")!
        options.now = Self.sampleNow
        let session = ScanSession(patterns: patterns, options: options, diagnostics: nil)
        // Failures and requests kept by `cause = none` rules, by line number.
        var events: [Int: any RequestLine] = [:]
        var report = ScanReport()
        session.scan(LogInput(path: path, isExplicit: true), into: &report, onEvent: { events[$0.line] = $0 },
                     onAttempt: { events[$0.line] = $0 })
        if let failure = report.unscanned.first {
            result.failures.append(Failure(file: path, line: 0, message: "not scanned: \(failure.reason)"))
            return
        }
        if let expectedFormat, report.files.first?.format != expectedFormat {
            result.failures.append(Failure(file: path, line: 1, message:
                "detected as \(report.files.first?.format ?? "nothing"), annotated as \(expectedFormat)"))
        }
        if let skipped = report.files.first?.skipped, skipped > 0 {
            result.failures.append(Failure(file: path, line: 0, message: "\(skipped) line(s) skipped"))
        }

        for (number, event) in events {
            result.rulesHit.insert(event.rule)
            guard let expectation = expectations[number] else {
                result.failures.append(Failure(file: path, line: number, message:
                    "unexpected event \(summary(event)); annotate it or fix the rule"))
                continue
            }
            guard let fields = expectation.fields else {
                result.failures.append(Failure(file: path, line: number, message:
                    "expected no event, got \(summary(event))"))
                continue
            }
            for (key, expected) in fields.sorted(by: { $0.key < $1.key }) {
                let actual = value(of: key, in: event)
                if !same(expected, actual) {
                    result.failures.append(Failure(file: path, line: number, message:
                        "\(key): expected \(describe(expected)), got \(describe(actual ?? NSNull())) (\(event.rule))"))
                }
            }
        }
        for (number, expectation) in expectations {
            result.linesChecked += 1
            if expectation.fields != nil {
                result.eventsExpected += 1
                if events[number] == nil {
                    result.failures.append(Failure(file: path, line: number, message:
                        "expected \(describe(expectation.fields!["cause"]!)) event, got none"))
                }
            }
        }
        result.failures.sort { ($0.file, $0.line) < ($1.file, $1.line) }
    }

    private func value(of key: String, in event: any RequestLine) -> Any? {
        switch key {
        case "cause": event.causeID
        case "route": event.route
        case "ip": event.ip
        case "user": event.user
        case "path": event.path
        case "method": event.method
        case "status": event.status
        case "time": event.time.map(CivilTime.iso8601)
        case "format": event.format
        case "rule": event.rule
        // A kept request (cause none) is one attempt; a failure says how many it held.
        case "attempts": (event as? AuthEvent)?.attempts ?? 1
        default: "<unknown key \(key)>"
        }
    }

    private func same(_ expected: Any, _ actual: Any?) -> Bool {
        if expected is NSNull { return actual == nil }
        guard let actual else { return false }
        if let number = expected as? NSNumber, let actual = actual as? Int { return number.intValue == actual }
        if let text = expected as? String, let actual = actual as? String { return text == actual }
        return false
    }

    private func describe(_ value: Any) -> String {
        if value is NSNull { return "null" }
        if let text = value as? String { return "\"\(text)\"" }
        return "\(value)"
    }

    private func summary(_ event: any RequestLine) -> String {
        "\(event.causeID == "none" ? "request (cause none)" : event.causeID) ip=\(event.ip ?? "-") user=\(event.user ?? "-") path=\(event.path ?? "-") (\(event.rule))"
    }
}
