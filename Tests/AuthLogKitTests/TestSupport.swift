import Foundation
@testable import AuthLogKit

/// The repository root, found from this file's location.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The built-in patterns, compiled once for every test.
let builtinPatterns: CompiledPatterns = {
    do { return try CompiledPatterns(try PatternLoader.load()) } catch { fatalError("built-in patterns: \(error)") }
}()

/// A fresh temporary directory, removed by the caller's `defer`.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("authlog-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A temporary directory holding `files` (relative path → text), removed by the caller.
func makeTemporaryDirectory(holding files: [String: String]) throws -> URL {
    let directory = try makeTemporaryDirectory()
    for (name, text) in files {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return directory
}

struct ScanOutcome {
    var events: [AuthEvent]
    var report: ScanReport
    var file: FileStats { report.files[0] }
}

/// Writes `content` to a file named `name` and scans it with the built-in patterns.
func scan(_ content: [UInt8], name: String = "test.log", format: String? = nil,
          configure: (inout ScanOptions) -> Void = { _ in }) throws -> ScanOutcome {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent(name)
    try Data(content).write(to: url)
    var options = ScanOptions()
    options.timeZone = TimeZone(identifier: "UTC")!
    options.now = SampleVerifier.sampleNow
    options.formatOverride = format
    configure(&options)
    let session = ScanSession(patterns: builtinPatterns, options: options, diagnostics: nil)
    var events: [AuthEvent] = []
    var report = ScanReport()
    session.scan(LogInput(path: url.path, isExplicit: true), into: &report) { events.append($0) }
    return ScanOutcome(events: events, report: report)
}

func scan(_ text: String, name: String = "test.log", format: String? = nil) throws -> ScanOutcome {
    try scan(Array(text.utf8), name: name, format: format)
}

/// Collects diagnostics instead of printing them.
final class RecordingDiagnostics: ScanDiagnostics {
    var warnings: [String] = []
    var errors: [String] = []
    func warning(_ message: String) { warnings.append(message) }
    func error(_ message: String) { errors.append(message) }
}
