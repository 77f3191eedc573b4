import CZlib

/// Decompresses a gzip stream as it is read, through zlib, into the caller's buffer: no
/// temporary file, memory bounded by two buffers. `GzipSource` reads archives with ISA-L
/// and comes here only for a header ISA-L refuses (zlib's verdict on it is the one users
/// have always had).
///
/// Concatenated members (`cat a.gz b.gz`) are read as one stream, as gzip(1) does; bytes
/// after the last member that are not another member are ignored, as gzip(1) does with a
/// warning. A stream that ends early or holds corrupt data throws after every byte before
/// the damage was delivered, so the lines before it are counted.
final class ZlibGzipSource: ByteSource {
    private let input: ByteSource
    private var stream = z_stream()
    private let inputBuffer: UnsafeMutableRawPointer
    private let inputCapacity = 256 << 10
    private var inputEnded = false
    private var finished = false
    private var initialized = false

    var storedBytesRead: Int { input.storedBytesRead }

    init(wrapping input: ByteSource) throws(InputError) {
        self.input = input
        self.inputBuffer = UnsafeMutableRawPointer.allocate(byteCount: inputCapacity, alignment: 16)
        guard authlog_inflate_init_gzip(&stream) == Z_OK else {
            inputBuffer.deallocate()
            throw InputError(message: "cannot initialise zlib")
        }
        initialized = true
    }

    deinit {
        if initialized { inflateEnd(&stream) }
        inputBuffer.deallocate()
    }

    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(InputError) -> Int {
        guard !finished, count > 0 else { return 0 }
        stream.next_out = buffer.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(min(count, Int(UInt32.max)))
        while stream.avail_out > 0 {
            if stream.avail_in == 0, !inputEnded {
                let got = try input.read(into: inputBuffer, count: inputCapacity)
                if got == 0 { inputEnded = true }
                stream.next_in = inputBuffer.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = uInt(got)
            }
            let before = stream.avail_out
            let status = inflate(&stream, Z_NO_FLUSH)
            switch status {
            case Z_STREAM_END:
                if try !startNextMember() {
                    finished = true
                    return count - Int(stream.avail_out)
                }
            case Z_OK:
                break
            case Z_BUF_ERROR:
                // No progress possible: more input is needed, and there is none.
                if stream.avail_in == 0, inputEnded {
                    throw InputError(message: "truncated gzip data (the archive ends in the middle of the stream)")
                }
            default:
                let detail = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw InputError(message: "corrupt gzip data (\(detail))")
            }
            if stream.avail_out < before { break }  // deliver what we have; lines flow sooner
            if stream.avail_in == 0, inputEnded {
                throw InputError(message: "truncated gzip data (the archive ends in the middle of the stream)")
            }
        }
        return count - Int(stream.avail_out)
    }

    /// After a member's end: true if another gzip member follows (and is started).
    private func startNextMember() throws(InputError) -> Bool {
        if stream.avail_in == 0, !inputEnded {
            let got = try input.read(into: inputBuffer, count: inputCapacity)
            if got == 0 { inputEnded = true }
            stream.next_in = inputBuffer.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = uInt(got)
        }
        guard stream.avail_in >= 2, stream.next_in[0] == 0x1F, stream.next_in[1] == 0x8B else { return false }
        inflateReset(&stream)
        return true
    }
}
