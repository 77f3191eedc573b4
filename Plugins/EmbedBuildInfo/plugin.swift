import Foundation
import PackagePlugin

/// Writes the git commit the binary is built from into the `authlog` target, for
/// `authlog --version`.
///
/// Why a prebuild command: it runs on every build, so the commit is never stale after a
/// checkout, while the script rewrites its output only when the commit changed, so nothing
/// is recompiled when it did not. Why `/bin/sh` and not a tool built from source: prebuild
/// commands may only run executables that already exist. Without git, or in a tarball that
/// holds no repository, the commit is "unknown" and the build still succeeds.
@main
struct EmbedBuildInfo: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let package = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appending(path: "GeneratedBuildInfo")
        return [
            .prebuildCommand(
                displayName: "Recording the git commit for --version",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [package.appending(path: "scripts/build-info").path, package.path,
                            output.appending(path: "BuildInfo.swift").path],
                outputFilesDirectory: output
            )
        ]
    }
}
