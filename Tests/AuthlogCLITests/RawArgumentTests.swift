import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Arguments that are not UTF-8 cannot go through `Process` (it takes Swift strings): these
/// tests spawn the executable with raw argv bytes, as a shell does.
extension CommandLineTests {
    func runRaw(_ arguments: [[UInt8]], in directory: URL) throws -> Run {
        let outPath = directory.appendingPathComponent("stdout").path
        let errPath = directory.appendingPathComponent("stderr").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let all = [Array(Self.executable.path.utf8)] + arguments
        let cStrings: [UnsafeMutablePointer<CChar>?] = all.map { bytes in
            let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            for (index, byte) in bytes.enumerated() { pointer[index] = CChar(bitPattern: byte) }
            pointer[bytes.count] = 0
            return pointer
        } + [nil]
        defer { for pointer in cStrings { pointer?.deallocate() } }
        let environment: [UnsafeMutablePointer<CChar>?] =
            ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in environment { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, Self.executable.path, &actions, nil, cStrings, environment)
        try #require(spawned == 0)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Run(status: exitStatus, stdout: try String(contentsOfFile: outPath, encoding: .utf8),
                   stderr: try String(contentsOfFile: errPath, encoding: .utf8))
    }

    // Trust item 8
    @Test func aNonUTF8FileNamedOnTheCommandLineIsReadAndShownEscaped() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("authlog-raw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let name = Array(directory.path.utf8) + Array("/bad".utf8) + [0xFE] + Array("access.log".utf8)
        let descriptor = (name + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_EXCL, 0o600) }
        }
        try #require(descriptor >= 0)
        _ = Array(failure401.utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)

        // An option value before the path that decodes to the same text must not take its place.
        var decoy = name
        decoy[decoy.firstIndex(of: 0xFE)!] = 0xFD
        let result = try runRaw([Array("scan".utf8), Array("-o".utf8), Array("json".utf8), Array("--exclude".utf8), decoy, name],
                                in: directory)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.contains("\"path\": \"\(directory.path)/bad\\\\xfeaccess.log\""))
        #expect(result.stdout.contains("\"total\": 1"))
    }
}
