import CISAL

/// Decompresses a gzip stream as it is read, through ISA-L's streaming inflate (several times
/// zlib's speed: the archives were nearly all of a scan's time), into the caller's buffer: no
/// temporary file, memory bounded by the input buffer and ISA-L's state.
///
/// ISA-L parses each member's header and checks its trailer (`crc_flag = ISAL_GZIP`: CRC32
/// and length, `ISAL_INCORRECT_CHECKSUM` otherwise), so a flipped byte anywhere is an error
/// after the bytes before it. Concatenated members are one stream, bytes after the last member
/// that are not another member are ignored, a stream that ends early throws after every byte
/// before the damage: as `ZlibGzipSource` does.
///
/// A first header ISA-L refuses (a method it does not know) or reads more leniently than
/// zlib (reserved flag bits, which gzip(1) refuses) is not decided here: before any byte is
/// delivered, `read` answers `.headerRefused` with the input as it was, for zlib.
final class IsalGzipSource {
    enum Outcome {
        case delivered(Int)
        /// The whole input again (the bytes read so far, then the rest), for another reader.
        case headerRefused(ByteSource)
    }

    private let input: ByteSource
    private let state: UnsafeMutablePointer<inflate_state>
    private let inputBuffer: UnsafeMutablePointer<UInt8>
    private let inputCapacity = 256 << 10
    private var inputEnded = false
    private var finished = false
    private var pendingError: InputError?
    /// Until a byte is delivered and while only the first block was read, the input can
    /// still be handed back whole.
    private var canHandBack = true
    private var atMemberStart = true
    private var firstMember = true

    init(wrapping input: ByteSource) {
        self.input = input
        inputBuffer = .allocate(capacity: inputCapacity)
        state = .allocate(capacity: 1)
        isal_inflate_init(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP)
        state.pointee.next_in = inputBuffer
        state.pointee.avail_in = 0
    }

    deinit {
        state.deallocate()
        inputBuffer.deallocate()
    }

    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(InputError) -> Outcome {
        if let pendingError {
            self.pendingError = nil
            finished = true
            throw pendingError
        }
        guard !finished, count > 0 else { return .delivered(0) }
        state.pointee.next_out = buffer.assumingMemoryBound(to: UInt8.self)
        state.pointee.avail_out = UInt32(min(count, Int(UInt32.max)))
        while state.pointee.avail_out > 0 {
            if state.pointee.avail_in == 0, !inputEnded { try refill(keeping: 0) }
            if atMemberStart {
                if let refused = try checkHeader() { return .headerRefused(refused) }
                atMemberStart = false
            }
            let before = (out: state.pointee.avail_out, in: state.pointee.avail_in,
                          bits: state.pointee.read_in_length, block: state.pointee.block_state)
            let status = isal_inflate(state)
            if state.pointee.avail_out < before.out { canHandBack = false }
            switch status {
            case ISAL_DECOMP_OK, ISAL_END_INPUT, ISAL_OUT_OVERFLOW:
                break
            case let refused where (refused == ISAL_INVALID_WRAPPER || refused == ISAL_UNSUPPORTED_METHOD) && firstMember && canHandBack:
                return .headerRefused(handBack())
            default:
                // The call that finds the damage (often the trailer's CRC32, checked in the
                // same call that wrote the member's last bytes) may have written good bytes:
                // they are delivered first, the error on the next read.
                let error = InputError(message: "corrupt gzip data (\(Self.describe(status)))")
                guard state.pointee.avail_out < before.out else {
                    finished = true
                    throw error
                }
                pendingError = error
                return .delivered(count - Int(state.pointee.avail_out))
            }
            if state.pointee.block_state == ISAL_BLOCK_FINISH {
                if try !startNextMember() {
                    finished = true
                    break
                }
                continue
            }
            if state.pointee.avail_out < before.out { break }  // deliver what we have; lines flow sooner
            let madeProgress = state.pointee.avail_in != before.in || state.pointee.read_in_length != before.bits
                || state.pointee.block_state != before.block
            if state.pointee.avail_in == 0, inputEnded, !madeProgress {
                throw InputError(message: "truncated gzip data (the archive ends in the middle of the stream)")
            }
        }
        return .delivered(count - Int(state.pointee.avail_out))
    }

    /// Reads the next block behind the `keeping` unread bytes (moved to the front).
    private func refill(keeping kept: Int) throws(InputError) {
        // Bytes consumed before this point are dropped: the input can no longer be handed back.
        if state.pointee.next_in != inputBuffer {
            canHandBack = false
            if kept > 0 { UnsafeMutableRawPointer(inputBuffer).copyMemory(from: state.pointee.next_in, byteCount: kept) }
        }
        let got = try input.read(into: inputBuffer + kept, count: inputCapacity - kept)
        if got == 0 { inputEnded = true }
        state.pointee.next_in = inputBuffer
        state.pointee.avail_in = UInt32(kept + got)
    }

    /// At a member's first byte: nil to inflate it, or the input handed back for zlib.
    /// Reserved flag bits are refused by zlib and gzip(1) but skipped by ISA-L; zlib decides.
    private func checkHeader() throws(InputError) -> ByteSource? {
        while state.pointee.avail_in < 4, !inputEnded { try refill(keeping: Int(state.pointee.avail_in)) }
        guard state.pointee.avail_in >= 4, state.pointee.next_in[3] & 0xE0 != 0 else { return nil }
        if firstMember, canHandBack { return handBack() }
        throw InputError(message: "corrupt gzip data (unknown header flags set)")
    }

    /// After a member's end: true if another gzip member follows (and is started).
    private func startNextMember() throws(InputError) -> Bool {
        while state.pointee.avail_in < 2, !inputEnded { try refill(keeping: Int(state.pointee.avail_in)) }
        guard state.pointee.avail_in >= 2, state.pointee.next_in[0] == 0x1F, state.pointee.next_in[1] == 0x8B else { return false }
        // The reset keeps next_in/avail_in (the next member's bytes) and crc_flag; set anyway.
        let next = state.pointee.next_in, available = state.pointee.avail_in
        isal_inflate_reset(state)
        state.pointee.next_in = next
        state.pointee.avail_in = available
        state.pointee.crc_flag = UInt32(ISAL_GZIP)
        firstMember = false
        atMemberStart = true
        return true
    }

    /// The input from its first byte: only one block was read into the buffer's start.
    private func handBack() -> ByteSource {
        let consumed = Int(bitPattern: UInt(bitPattern: state.pointee.next_in) &- UInt(bitPattern: inputBuffer))
        let length = consumed + Int(state.pointee.avail_in)
        finished = true
        return PrefixedSource(prefix: Array(UnsafeBufferPointer(start: inputBuffer, count: length)), then: input)
    }

    private static func describe(_ status: Int32) -> String {
        switch status {
        case ISAL_INCORRECT_CHECKSUM: "incorrect data check: the CRC32 or length in the trailer does not match"
        case ISAL_INVALID_BLOCK: "invalid block"
        case ISAL_INVALID_SYMBOL: "invalid code"
        case ISAL_INVALID_LOOKBACK: "invalid distance too far back"
        case ISAL_INVALID_WRAPPER: "incorrect header"
        case ISAL_UNSUPPORTED_METHOD: "unknown compression method"
        case ISAL_NEED_DICT: "a preset dictionary is needed"
        default: "error \(status)"
        }
    }
}

/// Bytes already read, then the rest of a source: a stream restarted by another reader.
final class PrefixedSource: ByteSource {
    private var prefix: [UInt8]
    private var position = 0
    private let rest: ByteSource
    var storedBytesRead: Int { rest.storedBytesRead }

    init(prefix: [UInt8], then rest: ByteSource) {
        self.prefix = prefix
        self.rest = rest
    }

    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(InputError) -> Int {
        guard position < prefix.count else { return try rest.read(into: buffer, count: count) }
        let length = min(count, prefix.count - position)
        prefix.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + position, byteCount: length) }
        position += length
        if position == prefix.count { prefix = [] ; position = 0 }
        return length
    }
}
