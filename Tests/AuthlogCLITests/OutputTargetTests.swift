import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Where reports go: standard output whose writes fail, and `--output-file` / `--state`
/// targets that are devices, pipes or links. Device nodes are private copies made with
/// mknod in a temporary directory (the tests run as root here and in CI), never the system's.
@Suite(.serialized) struct OutputTargetTests {
    let cli = CommandLineTests()
    static let sample = "samples/nginx-error.log"

    /// Runs the binary with its standard output on `descriptor`; a run still going after a
    /// minute is killed (and reported as such), so a regression cannot hang the suite.
    func run(_ arguments: [String], stdout descriptor: Int32) throws -> (status: Int32, signalled: Bool, stderr: String) {
        let process = Process()
        process.executableURL = CommandLineTests.executable
        process.arguments = arguments
        process.currentDirectoryURL = CommandLineTests.repositoryRoot
        process.standardOutput = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        let err = Pipe()
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            Issue.record("\(arguments) was still running after a minute")
        }
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal, String(decoding: stderr, as: UTF8.self))
    }

    func sandbox() throws -> URL { try SummaryTests().sandbox().root }

    func isCharacterDevice(_ path: String, rdev: dev_t) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR && info.st_rdev == rdev
    }

    // Trust item 6
    @Test func aWriteErrorOnStandardOutputIsOneErrorLineAndStatusOne() throws {
        let full = open("/dev/full", O_WRONLY | O_CLOEXEC)
        try #require(full >= 0)
        defer { close(full) }
        for arguments in [["scan", "-q", "-o", "json", Self.sample], ["scan", "-q", "-o", "ndjson", Self.sample],
                          ["scan", "-q", Self.sample], ["summary", "-q", "-o", "html", Self.sample], ["patterns"],
                          ["follow", "-q", "--from-start", Self.sample]] {
            let result = try run(arguments, stdout: full)
            #expect(result.status == 1 && !result.signalled, "\(arguments): \(result.status)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines == ["authlog: error: standard output: No space left on device"], "\(arguments): \(result.stderr)")
        }
    }

    // Trust item 6: a reader that goes away is not an error.
    @Test func aReaderThatLeavesEndsTheRunQuietly() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        close(ends[0])
        defer { close(ends[1]) }
        let result = try run(["scan", "-o", "ndjson", Self.sample], stdout: ends[1])
        #expect(result.signalled ? result.status == SIGPIPE : result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    // Trust item 2
    @Test(.enabled(if: geteuid() == 0, "mknod needs root"))
    func outputFileOnADeviceIsWrittenThroughNeverReplaced() throws {
        let root = try sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let null = root.appendingPathComponent("mynull").path, full = root.appendingPathComponent("myfull").path
        try #require(mknod(null, S_IFCHR | 0o666, deviceNumber(1, 3)) == 0 && mknod(full, S_IFCHR | 0o666, deviceNumber(1, 7)) == 0)
        let written = try cli.run(["summary", "-q", "--output-file", null, Self.sample])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(isCharacterDevice(null, rdev: deviceNumber(1, 3)), "the device node is still there")
        let refused = try cli.run(["summary", "-q", "--output-file", full, Self.sample])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("\(full): No space left on device"), "\(refused.stderr)")
        #expect(isCharacterDevice(full, rdev: deviceNumber(1, 7)))
        // A state cannot live on a device: refused before anything is read.
        let state = try cli.run(["summary", "-q", "--state", null, Self.sample])
        #expect(state.status == 2 && state.stderr.contains("--state \(null): is not a regular file"), "\(state.stderr)")
        #expect(isCharacterDevice(null, rdev: deviceNumber(1, 3)))
        #expect(!FileManager.default.fileExists(atPath: null + ".lock"))
    }

    // Trust item 2
    @Test func outputFileThroughALinkToStandardOutputReachesThePipeAndTheLinkStays() throws {
        let root = try sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let link = root.appendingPathComponent("mystdout").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/proc/self/fd/1")
        let result = try cli.run(["summary", "-q", "--output-file", link, Self.sample])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Authentication failures"), "the report went through the link to the pipe")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == "/proc/self/fd/1")
    }

    // Trust item 2: a link to a regular file is neither followed (whoever planted it would
    // choose what root overwrites) nor silently replaced.
    @Test func outputFileThatIsALinkToARegularFileIsRefusedAndBothAreLeftAlone() throws {
        let root = try sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let victim = root.appendingPathComponent("passwd")
        try "root:x:0:0:root:/root:/bin/bash\n".write(to: victim, atomically: true, encoding: .utf8)
        let link = root.appendingPathComponent("report.html").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: victim.path)
        let result = try cli.run(["summary", "-q", "-o", "html", "--output-file", link, Self.sample])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--output-file \(link): is a symbolic link to a regular file"), "\(result.stderr)")
        #expect(try String(contentsOf: victim, encoding: .utf8) == "root:x:0:0:root:/root:/bin/bash\n")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == victim.path)
    }
}

/// makedev(3) is a C macro Swift does not import: Linux's encoding of a device number.
private func deviceNumber(_ major: dev_t, _ minor: dev_t) -> dev_t {
    ((major & 0xFFFF_F000) << 32) | ((major & 0xFFF) << 8) | ((minor & 0xFFFF_FF00) << 12) | (minor & 0xFF)
}
