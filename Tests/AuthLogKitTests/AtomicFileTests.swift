import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import AuthLogKit

/// How reports and states are written: nothing but a regular file is ever replaced, a
/// replaced file keeps its mode, and no link planted in the directory is followed.
@Suite struct AtomicFileTests {
    func mode(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode : 0
    }

    // Trust item 2
    @Test func aReplacedFileKeepsItsMode() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report.json").path
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        try #require(chmod(path, 0o600) == 0)
        try AtomicFile.write(Array("new\n".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        #expect(mode(path) & 0o7777 == 0o600)
        #expect(mode(path) & S_IFMT == S_IFREG)
        // A new file gets 0644 less the umask, as open(2) would give it, not mkstemp's 0600.
        let fresh = directory.appendingPathComponent("fresh.json").path
        try AtomicFile.write(Array("x".utf8), to: fresh)
        #expect(mode(fresh) & 0o7777 == 0o644 & ~AtomicFile.currentUmask())
        // Nothing is left beside them.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["fresh.json", "report.json"])
    }

    // Trust item 2: the old temporary name was predictable (.NAME.tmp.PID) and opened with
    // O_CREAT|O_TRUNC, so a link planted there made root write through it.
    @Test func aLinkPlantedUnderThePredictableTemporaryNameIsNotFollowed() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let victim = directory.appendingPathComponent("victim").path
        try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent(".state.json.tmp.\(getpid())").path,
                                                   withDestinationPath: victim)
        let path = directory.appendingPathComponent("state.json").path
        try AtomicFile.write(Array("{}\n".utf8), to: path)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{}\n")
    }

    // Trust item 2
    @Test func aFIFOIsWrittenThroughNotReplaced() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("report.fifo").path
        try #require(mkfifo(fifo, 0o600) == 0)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)  // a reader, so that opening to write does not block
        try #require(reader >= 0)
        defer { close(reader) }
        try AtomicFile.write(Array("through\n".utf8), to: fifo)
        var buffer = [UInt8](repeating: 0, count: 64)
        let got = read(reader, &buffer, buffer.count)
        #expect(got == 8 && Array(buffer.prefix(8)) == Array("through\n".utf8))
        #expect(mode(fifo) & S_IFMT == S_IFIFO)
    }

    // Trust item 2
    @Test(.enabled(if: geteuid() == 0, "mknod needs root"))
    func aCharacterDeviceIsWrittenThroughAndItsErrorsReported() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let full = directory.appendingPathComponent("full").path
        try #require(mknod(full, S_IFCHR | 0o666, deviceNumber(1, 7)) == 0)
        #expect(throws: InputError.system(ENOSPC)) { try AtomicFile.write(Array("x".utf8), to: full) }
        var info = stat()
        #expect(lstat(full, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR && info.st_rdev == deviceNumber(1, 7))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["full"])
    }

    // Trust item 2
    @Test func aLinkToARegularFileIsRefusedAndADirectoryToo() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("target").path
        try "kept\n".write(toFile: target, atomically: false, encoding: .utf8)
        let link = directory.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(throws: InputError.self) { try AtomicFile.write(Array("x".utf8), to: link) }
        #expect(mode(link) & S_IFMT == S_IFLNK)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "kept\n")
        #expect(throws: InputError.self) { try AtomicFile.write(Array("x".utf8), to: directory.path) }
    }
}

/// makedev(3) is a C macro Swift does not import: Linux's encoding of a device number.
private func deviceNumber(_ major: dev_t, _ minor: dev_t) -> dev_t {
    ((major & 0xFFFF_F000) << 32) | ((major & 0xFFF) << 8) | ((minor & 0xFFFF_FF00) << 12) | (minor & 0xFF)
}
