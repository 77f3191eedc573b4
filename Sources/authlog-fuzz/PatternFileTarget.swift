import AuthLogKit
import Foundation

/// The input is a user's pattern file (`--patterns DIR`), loaded after the built-in files as
/// `PatternLoader.load(userDirectories:)` does. A first line `# file: NAME.conf` names the
/// file, so that it replaces the built-in file of that name; otherwise it is `user.conf` and
/// adds to them. When the set loads, every format is compiled and run over the sample lines.
final class PatternFileTarget: FuzzTarget {
    let samples: [UInt8]
    init(samples: [UInt8]) { self.samples = samples }

    func run(_ data: UnsafeRawBufferPointer) {
        // A file that is not UTF-8 is refused before parsing (PatternLoader.files(inDirectory:)).
        guard let text = String(data: Data(data), encoding: .utf8) else { return }
        var name = "user.conf"
        if text.hasPrefix("# file: "), let end = text.firstIndex(of: "\n") {
            let given = text[text.index(text.startIndex, offsetBy: 8)..<end]
            if given.hasSuffix(".conf"), !given.contains("/") { name = String(given) }
        }
        var files = PatternLoader.builtinFiles
        files.removeAll { $0.name.split(separator: "/").last.map(String.init) == name }
        files.append(PatternLoader.File(name: "fuzz/" + name, text: text))
        let compiled: CompiledPatterns
        do {
            compiled = try CompiledPatterns(try PatternLoader.load(files))
        } catch {
            precondition(!error.description.isEmpty)
            return
        }
        samples.withUnsafeBytes { bytes in
            for format in compiled.formats { _ = FuzzLineScan.scan(bytes, format: format) }
        }
    }
}

/// The annotated lines of `samples/*.log` (`AUTHLOG_FUZZ_SAMPLES`, default `samples` in the
/// working directory), which the pattern-file target runs every loaded format over.
enum SampleLines {
    static func load() -> [UInt8] {
        let directory = ProcessInfo.processInfo.environment["AUTHLOG_FUZZ_SAMPLES"] ?? "samples"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var bytes: [UInt8] = []
        for name in names.sorted() where name.hasSuffix(".log") {
            if let data = FileManager.default.contents(atPath: directory + "/" + name) { bytes += data }
        }
        return bytes
    }
}
