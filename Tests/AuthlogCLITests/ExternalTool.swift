import Foundation

/// A program other than authlog (systemd-analyze, man, dpkg-deb, unshare…) run to check what
/// is shipped, with its output captured.
struct ExternalTool {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `program` (an absolute path, or a name looked up in PATH) from the repository root
    /// (or `directory`).
    static func run(_ program: String, _ arguments: [String], environment: [String: String] = [:],
                    directory: URL = CommandLineTests.repositoryRoot) throws -> Run {
        let process = Process()
        if program.hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [program] + arguments
        }
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes at once: a tool filling one while we wait on the other would hang.
        let stderrData = Collected()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { stderrData.data = err.fileHandleForReading.readDataToEndOfFile() }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                   stderr: String(decoding: stderrData.data, as: UTF8.self))
    }

    /// Written by one reader thread, read after it is done.
    private final class Collected: @unchecked Sendable { var data = Data() }

    static func exists(_ path: String) -> Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// A fresh directory below the temporary directory, removed by the caller.
    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("authlog-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
