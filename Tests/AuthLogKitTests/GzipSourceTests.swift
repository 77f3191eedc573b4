import Foundation
import Testing
@testable import AuthLogKit

/// The archive reader (ISA-L, zlib for the headers ISA-L refuses) on damaged and unusual
/// archives made by gzip(1): every good byte comes out, then the error zlib gave before.
@Suite struct GzipSourceTests {
    /// An archive in memory, read in pieces of at most `maxRead` bytes (a pipe gives less
    /// than asked).
    final class MemorySource: ByteSource {
        let bytes: [UInt8]
        let maxRead: Int
        private(set) var storedBytesRead = 0

        init(_ bytes: [UInt8], maxRead: Int = .max) {
            self.bytes = bytes
            self.maxRead = maxRead
        }

        func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(InputError) -> Int {
            let length = min(count, maxRead, bytes.count - storedBytesRead)
            bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + storedBytesRead, byteCount: length) }
            storedBytesRead += length
            return length
        }
    }

    /// What a reader gets: the bytes delivered, then the error that ended it (nil at a clean end).
    static func readAll(_ source: ByteSource, piece: Int = 64 << 10) -> (bytes: [UInt8], error: String?) {
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: piece)
        while true {
            do {
                let got = try buffer.withUnsafeMutableBytes { try source.read(into: $0.baseAddress!, count: $0.count) }
                if got == 0 { return (output, nil) }
                output += buffer.prefix(got)
            } catch let error as InputError {
                return (output, error.message)
            } catch {
                return (output, "\(error)")
            }
        }
    }

    static func gzipped(_ text: String) throws -> [UInt8] {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = directory.appendingPathComponent("access.log")
        try text.write(to: plain, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-n", "-6", plain.path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return [UInt8](try Data(contentsOf: directory.appendingPathComponent("access.log.gz")))
    }

    static let log = ArchiveAndChunkTests.accessLog(lines: 20_000)

    @Test func aFlippedCRCByteIsCorruptAfterEveryLineWasDelivered() throws {
        var archive = try Self.gzipped(Self.log)
        archive[archive.count - 8] ^= 0x01  // the trailer: CRC32, then the length
        let source = try GzipSource(wrapping: MemorySource(archive))
        let (bytes, error) = Self.readAll(source)
        let whole = bytes == Array(Self.log.utf8)
        #expect(whole, "\(bytes.count) of \(Self.log.utf8.count) bytes delivered")
        #expect(error?.hasPrefix("corrupt gzip data") == true, "\(error ?? "no error")")
        #expect(!source.readsWithZlib)
    }

    @Test func aFlippedLengthByteIsCorruptAfterEveryLineWasDelivered() throws {
        var archive = try Self.gzipped(Self.log)
        archive[archive.count - 4] ^= 0x01
        let (bytes, error) = Self.readAll(try GzipSource(wrapping: MemorySource(archive)))
        let whole = bytes == Array(Self.log.utf8)
        #expect(whole, "\(bytes.count) of \(Self.log.utf8.count) bytes delivered")
        #expect(error?.hasPrefix("corrupt gzip data") == true, "\(error ?? "no error")")
    }

    /// A flipped bit inside a stored or Huffman-coded run may still decode: the CRC32 is then
    /// what catches it, and the bytes before the damage are the log's own.
    @Test func aFlippedDataByteIsCorruptAfterTheGoodBytes() throws {
        var archive = try Self.gzipped(Self.log)
        archive[archive.count / 2] ^= 0x10
        let (bytes, error) = Self.readAll(try GzipSource(wrapping: MemorySource(archive)))
        #expect(error?.hasPrefix("corrupt gzip data") == true, "\(error ?? "no error")")
        let good = Array(Self.log.utf8)
        let agreeing = zip(bytes, good).prefix { $0 == $1 }.count
        #expect(agreeing > good.count / 4, "\(agreeing) good bytes before the damage")
    }

    @Test func aFlippedCRCByteInAnArchiveIsAScanErrorAfterAllItsLines() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var archive = try Self.gzipped(Self.log)
        archive[archive.count - 7] ^= 0x40
        let path = directory.appendingPathComponent("access.log.2.gz")
        try Data(archive).write(to: path)
        let diagnostics = RecordingDiagnostics()
        let (report, _) = ArchiveAndChunkTests().run([path.path], diagnostics: diagnostics)
        #expect(report.files.first?.lines == 20_000)
        #expect(report.hadInputErrors)
        #expect(diagnostics.errors.contains { $0.contains("access.log.2.gz: corrupt gzip data") }, "\(diagnostics.errors)")
    }

    /// Members of any size, then bytes that are no member, read through a pipe's small reads:
    /// member boundaries and the magic number may fall across reads.
    @Test(arguments: [1, 7, 4096, Int.max])
    func concatenatedMembersAndTrailingGarbageReadAsOneStream(maxRead: Int) throws {
        let parts = [ArchiveAndChunkTests.accessLog(lines: 300), "", ArchiveAndChunkTests.accessLog(lines: 2, offset: 300),
                     ArchiveAndChunkTests.accessLog(lines: 4000, offset: 302)]
        var archive: [UInt8] = []
        for part in parts { archive += try Self.gzipped(part) }
        archive += Array("not a member\n".utf8)
        let (bytes, error) = Self.readAll(try GzipSource(wrapping: MemorySource(archive, maxRead: maxRead)), piece: 1000)
        #expect(error == nil)
        let same = bytes == Array(parts.joined().utf8)
        #expect(same, "\(bytes.count) of \(parts.joined().utf8.count) bytes")
    }

    @Test(arguments: [1, 4096, Int.max])
    func aTruncatedMemberIsTruncatedAfterTheBytesBeforeTheCut(maxRead: Int) throws {
        let archive = try Self.gzipped(Self.log)
        for cut in [archive.count / 2, archive.count - 3, 12] {
            let (bytes, error) = Self.readAll(try GzipSource(wrapping: MemorySource(Array(archive.prefix(cut)), maxRead: maxRead)))
            #expect(error?.hasPrefix("truncated gzip data") == true, "cut at \(cut): \(error ?? "no error")")
            let good = Array(Self.log.utf8).starts(with: bytes)
            #expect(good, "cut at \(cut): the \(bytes.count) bytes delivered are not the log's")
        }
    }

    /// A compression method ISA-L does not know: zlib is asked, and its verdict is the error.
    @Test func aHeaderISALRefusesIsReadByZlib() throws {
        var archive = try Self.gzipped(Self.log)
        archive[2] = 7  // CM: not deflate
        let source = try GzipSource(wrapping: MemorySource(archive, maxRead: 100))
        let (bytes, error) = Self.readAll(source)
        #expect(source.readsWithZlib)
        #expect(bytes.isEmpty)
        #expect(error == "corrupt gzip data (unknown compression method)")
    }

    /// Reserved flag bits: ISA-L would skip them, zlib and gzip(1) refuse the archive; the
    /// answer stays zlib's.
    @Test func reservedHeaderFlagsAreLeftToZlib() throws {
        var archive = try Self.gzipped(Self.log)
        archive[3] |= 0x20
        let source = try GzipSource(wrapping: MemorySource(archive))
        let (_, error) = Self.readAll(source)
        #expect(source.readsWithZlib)
        #expect(error == "corrupt gzip data (unknown header flags set)")
    }

    /// What ISA-L hands to zlib is the input from its first byte, whatever it had read.
    @Test(arguments: [1, 3, 100, Int.max])
    func theHandedBackInputIsTheWholeArchive(maxRead: Int) throws {
        var archive = try Self.gzipped(Self.log)
        archive[3] |= 0x80
        let isal = IsalGzipSource(wrapping: MemorySource(archive, maxRead: maxRead))
        var buffer = [UInt8](repeating: 0, count: 4096)
        let outcome = try buffer.withUnsafeMutableBytes { try isal.read(into: $0.baseAddress!, count: $0.count) }
        guard case .headerRefused(let whole) = outcome else {
            Issue.record("ISA-L read an archive with reserved flags: \(outcome)")
            return
        }
        let same = Self.readAll(whole, piece: 333).bytes == archive
        #expect(same)
    }

    /// Attacker-controlled archives: any flipped byte ends in a clean read of the same bytes
    /// (a header byte nobody checks: time, OS) or an error, never a hang, a crash or other bytes.
    @Test(arguments: [1, 4096, Int.max])
    func anyFlippedByteEndsInTheSameBytesOrAnError(maxRead: Int) throws {
        let log = ArchiveAndChunkTests.accessLog(lines: 400)
        let archive = try Self.gzipped(log)
        for position in stride(from: 0, to: archive.count, by: max(1, archive.count / 300)) {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var damaged = archive
                damaged[position] ^= flip
                let (bytes, error) = Self.readAll(try GzipSource(wrapping: MemorySource(damaged, maxRead: maxRead)), piece: 777)
                if error == nil {
                    let same = bytes == Array(log.utf8)
                    #expect(same, "byte \(position) ^ \(flip): read cleanly, \(bytes.count) bytes that are not the log")
                } else {
                    #expect(error!.hasPrefix("corrupt gzip data") || error!.hasPrefix("truncated gzip data"), "\(error!)")
                }
            }
        }
    }
}
