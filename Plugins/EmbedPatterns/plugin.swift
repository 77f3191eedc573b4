import Foundation
import PackagePlugin

/// Compiles `patterns/*.conf` into the AuthLogKit module as string constants.
///
/// Why: the rules are data (reviewed and tested as text, extended by users with
/// `--patterns DIR`), but the built binary must not depend on finding a directory at run
/// time — an admin copies one file to /usr/local/bin and expects it to work.
@main
struct EmbedPatterns: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let patternsDirectory = context.package.directoryURL.appending(path: "patterns")
        let files = try FileManager.default
            .contentsOfDirectory(at: patternsDirectory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "conf" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        // Lists of addresses kept as data beside the patterns (`proxies/cloudflare.txt`, what
        // `--trusted-proxy cloudflare` names), embedded for the same reason.
        let proxiesDirectory = patternsDirectory.appending(path: "proxies")
        let lists = ((try? FileManager.default.contentsOfDirectory(at: proxiesDirectory, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "txt" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "BuiltinPatternFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) pattern files from patterns/",
                executable: try context.tool(named: "embed-patterns").url,
                arguments: [output.path] + (files + lists).map(\.path),
                inputFiles: files + lists,
                outputFiles: [output]
            )
        ]
    }
}
