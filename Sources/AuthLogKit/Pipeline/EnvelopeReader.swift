/// Unwraps the lines of one wrapped input (`Envelope`) for its `FileScanner`: the inner line
/// of each outer one, the parts of a long line joined first (CRI `P` lines, docker entries
/// without their `\n`, per stream), a journal entry put back into syslog form.
///
/// The inner bytes live in a buffer of the reader's own, reused line after line, so
/// unwrapping allocates nothing once the buffer has grown to the longest line; a CRI line
/// that is whole is handed on in place.
final class EnvelopeReader {
    enum Unwrapped {
        /// The inner line, valid until the next call, and the outer line it starts on.
        case inner(UnsafeRawBufferPointer, line: Int)
        /// Nothing to classify: a part of a line, held until its end; an entry without a message.
        case nothing
        /// The joined parts grew past the line limit: dropped, like an overlong line.
        case tooLong(line: Int)
        /// Not a line of the envelope (a line damaged, or of another kind): read as it stands.
        case outer
    }

    let envelope: Envelope
    private let maxLineLength: Int
    private var buffer: UnsafeMutableRawBufferPointer
    /// The parts held per stream (stdout, stderr), and the outer line each began on.
    private var parts: [[UInt8]] = [[], []]
    private var partsStart = [0, 0]
    /// Per stream: the held parts grew past the line limit and were dropped; the entry's
    /// remaining parts, up to its last, are swallowed, never read as a line of their own (the
    /// tail of a long line could otherwise pass for a whole one, forging its client).
    private var dropping = [false, false]
    private var values: [(range: Range<Int>, kind: JSONLineFields.Kind)?]
    private let keys: JSONLineFields

    private static let dockerKeys = JSONLineFields(["log", "stream"])
    private static let journalKeys = JSONLineFields(["MESSAGE", "__REALTIME_TIMESTAMP", "SYSLOG_IDENTIFIER", "_COMM", "_HOSTNAME"])

    init(_ envelope: Envelope, maxLineLength: Int) {
        self.envelope = envelope
        self.maxLineLength = maxLineLength
        self.keys = envelope == .journalJSON ? Self.journalKeys : Self.dockerKeys
        self.values = Array(repeating: nil, count: keys.keys.count)
        self.buffer = .allocate(byteCount: 4096, alignment: 1)
    }

    deinit { buffer.deallocate() }

    /// A part of a long line is held: the lines that follow must all be unwrapped, whatever
    /// the prefilter thinks of them, since the rest of the line may hold the literal.
    var holdsPart: Bool { !parts[0].isEmpty || !parts[1].isEmpty || dropping[0] || dropping[1] }

    /// CRI and docker split a long line into parts; the journal's entries are whole.
    var splitsLines: Bool { envelope != .journalJSON }

    /// Forgets held parts: the next bytes are not the continuation of these (follow's file
    /// was truncated or rewritten and is read again from its start).
    func reset() {
        parts[0].removeAll(keepingCapacity: true)
        parts[1].removeAll(keepingCapacity: true)
        dropping = [false, false]
    }

    /// The first line in `block[from..<to]` (`from` a line start) that is, or may be, a part
    /// of a long line. The prefilter passes over lines without its literals, but a part must
    /// be held whatever it holds: the literal may be in a later part, and a last part read
    /// without its head would be taken for a whole line. Only the tag (CRI) or the end of the
    /// `log` value (docker) is looked at, so a line costs little more than finding its end.
    func firstPartLine(in block: UnsafeRawBufferPointer, from: Int, to: Int) -> Range<Int>? {
        guard let base = block.baseAddress else { return nil }
        var start = from
        while start < to {
            let end = ByteSearch.first(0x0A, in: base, from: start, to: to) ?? to
            var lineEnd = end
            if lineEnd > start, block[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let line = UnsafeRawBufferPointer(rebasing: block[start..<lineEnd])
            if !line.isEmpty, mayBePart(line) { return start..<end }
            start = end + 1
        }
        return nil
    }

    private func mayBePart(_ line: UnsafeRawBufferPointer) -> Bool {
        switch envelope {
        case .cri: return CRILine(line)?.isPartial ?? false
        case .dockerJSON: return Self.dockerEntryMayBePart(line)
        case .journalJSON: return false
        }
    }

    private static let streamKey = Array(#","stream":"#.utf8)

    /// Docker writes `{"log":"…","stream":"…","time":"…"}`: the `log` value ends just before
    /// `,"stream":`, which no JSON string can hold (its quotes are escaped), so it is found
    /// from the line's end, past a few short fields. A part's value does not end in `\n`. A
    /// line laid out otherwise may be a part: it goes through the reader, which knows.
    static func dockerEntryMayBePart(_ line: UnsafeRawBufferPointer) -> Bool {
        let key = streamKey
        var index = line.count - key.count
        while index >= 4 {
            if line[index] == key[0], line[index + 1] == key[1], line[index + 2] == key[2],
               UnsafeRawBufferPointer(rebasing: line[index..<(index + key.count)]).elementsEqual(key) {
                // The value's closing quote, then `\n`: a newline only if the backslash is
                // not itself escaped (an odd run of backslashes).
                guard line[index - 1] == UInt8(ascii: "\""), line[index - 2] == UInt8(ascii: "n") else { return true }
                var backslashes = 0
                var position = index - 3
                while position >= 0, line[position] == UInt8(ascii: "\\") {
                    backslashes += 1
                    position -= 1
                }
                return backslashes % 2 == 0
            }
            index -= 1
        }
        return true
    }

    func unwrap(_ line: UnsafeRawBufferPointer, lineNumber: Int) -> Unwrapped {
        switch envelope {
        case .cri: return unwrapCRI(line, lineNumber: lineNumber)
        case .dockerJSON: return unwrapDocker(line, lineNumber: lineNumber)
        case .journalJSON: return unwrapJournal(line)
        }
    }

    private func unwrapCRI(_ line: UnsafeRawBufferPointer, lineNumber: Int) -> Unwrapped {
        guard let cri = CRILine(line) else { return .outer }
        let content = UnsafeRawBufferPointer(rebasing: line[cri.content])
        return joined(content, stream: cri.isStderr ? 1 : 0, isPart: cri.isPartial, lineNumber: lineNumber)
    }

    private func unwrapDocker(_ line: UnsafeRawBufferPointer, lineNumber: Int) -> Unwrapped {
        guard keys.read(line, into: &values), let log = values[0], log.kind == .string else { return .outer }
        let stream = values[1].map { UnsafeRawBufferPointer(rebasing: line[$0.range]).elementsEqual("stderr".utf8) } ?? false
        var count = 0
        let escaped = UnsafeRawBufferPointer(rebasing: line[log.range])
        ensureCapacity(escaped.count)
        count = JSONString.unescapeLeniently(escaped, into: buffer)
        // Docker ends each whole line with its newline; an entry without one is a part.
        let isPart = count == 0 || buffer[count - 1] != 0x0A
        if !isPart {
            count -= 1
            if count > 0, buffer[count - 1] == 0x0D { count -= 1 }
        }
        return joined(UnsafeRawBufferPointer(rebasing: buffer[..<count]), stream: stream ? 1 : 0, isPart: isPart,
                      lineNumber: lineNumber)
    }

    /// The line made of `content` and the parts held before it on its stream, or nothing yet.
    private func joined(_ content: UnsafeRawBufferPointer, stream: Int, isPart: Bool, lineNumber: Int) -> Unwrapped {
        guard isPart || !parts[stream].isEmpty || dropping[stream] else { return .inner(content, line: lineNumber) }
        if dropping[stream] {
            dropping[stream] = isPart
            return .nothing
        }
        if parts[stream].isEmpty { partsStart[stream] = lineNumber }
        parts[stream].append(contentsOf: content)
        if parts[stream].count > maxLineLength {
            parts[stream].removeAll(keepingCapacity: true)
            dropping[stream] = isPart
            return .tooLong(line: partsStart[stream])
        }
        guard !isPart else { return .nothing }
        ensureCapacity(parts[stream].count)
        let count = parts[stream].count
        parts[stream].withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count) }
        parts[stream].removeAll(keepingCapacity: true)
        return .inner(UnsafeRawBufferPointer(rebasing: buffer[..<count]), line: partsStart[stream])
    }

    /// `TIME HOST PROGRAM: MESSAGE`, the syslog form, from the entry's fields: the program
    /// (`SYSLOG_IDENTIFIER`, else `_COMM`) then decides the inner format as syslog's does, and
    /// `__REALTIME_TIMESTAMP` gives the time when the message states none.
    private func unwrapJournal(_ line: UnsafeRawBufferPointer) -> Unwrapped {
        guard keys.read(line, into: &values) else { return .outer }
        guard let message = values[0] else { return .nothing }
        let messageBytes = UnsafeRawBufferPointer(rebasing: line[message.range])
        ensureCapacity(96 + line.count)
        var count = 0
        func append(_ bytes: some Sequence<UInt8>) {
            for byte in bytes {
                buffer[count] = byte
                count += 1
            }
        }
        let micros = values[1].flatMap { Self.integer(UnsafeRawBufferPointer(rebasing: line[$0.range])) } ?? 0
        count = Self.writeISO8601(micros: micros, into: buffer)
        append(CollectionOfOne(0x20))
        appendToken(values[4].map { UnsafeRawBufferPointer(rebasing: line[$0.range]) }, count: &count)
        append(CollectionOfOne(0x20))
        appendToken((values[2] ?? values[3]).map { UnsafeRawBufferPointer(rebasing: line[$0.range]) }, count: &count)
        append(": ".utf8)
        if message.kind == .string {
            count += JSONString.unescapeLeniently(messageBytes, into: UnsafeMutableRawBufferPointer(rebasing: buffer[count...]))
        } else {
            count += Self.bytesOfArray(messageBytes, into: UnsafeMutableRawBufferPointer(rebasing: buffer[count...]))
        }
        // A message ending in a newline (a program's own) ends the line there.
        while count > 0, buffer[count - 1] == 0x0A || buffer[count - 1] == 0x0D { count -= 1 }
        return .inner(UnsafeRawBufferPointer(rebasing: buffer[..<count]), line: 0)
    }

    /// A host or program name as one syslog word: what would end the word (a space, `[`,
    /// `:`) becomes `_`; an absent one is `-`.
    private func appendToken(_ escaped: UnsafeRawBufferPointer?, count: inout Int) {
        guard let escaped, !escaped.isEmpty else {
            buffer[count] = UInt8(ascii: "-")
            count += 1
            return
        }
        let start = count
        count += JSONString.unescapeLeniently(escaped, into: UnsafeMutableRawBufferPointer(rebasing: buffer[count...]))
        for index in start..<count where buffer[index] <= 0x20 || buffer[index] == UInt8(ascii: "[")
            || buffer[index] == UInt8(ascii: ":") {
            buffer[index] = UInt8(ascii: "_")
        }
    }

    /// journald writes a field that is no UTF-8 as an array of its bytes: `[104,105]`.
    static func bytesOfArray(_ array: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        var count = 0
        var value = -1
        for byte in array {
            if byte >= 0x30, byte <= 0x39 {
                value = max(value, 0) * 10 + Int(byte - 0x30)
                if value > 255 { return count }  // not an array of bytes: the bytes so far
            } else if value >= 0 {
                output[count] = UInt8(value)
                count += 1
                value = -1
            }
        }
        return count
    }

    static func integer(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        return value
    }

    /// `2026-11-20T09:00:00.123456Z` for microseconds since 1970, as the syslog head reads it.
    static func writeISO8601(micros: Int64, into output: UnsafeMutableRawBufferPointer) -> Int {
        let (seconds, fraction) = CivilTime.floorDivide(micros, 1_000_000)
        let (days, secondOfDay) = CivilTime.floorDivide(seconds, 86_400)
        let (year, month, day) = CivilTime.civilFromDays(Int(days))
        var count = 0
        func digits(_ value: Int, _ width: Int) {
            var rest = value
            for position in stride(from: width - 1, through: 0, by: -1) {
                output[count + position] = UInt8(0x30 + rest % 10)
                rest /= 10
            }
            count += width
        }
        func byte(_ character: Unicode.Scalar) {
            output[count] = UInt8(ascii: character)
            count += 1
        }
        digits(max(0, min(year, 9999)), 4); byte("-"); digits(month, 2); byte("-"); digits(day, 2); byte("T")
        digits(Int(secondOfDay) / 3600, 2); byte(":"); digits(Int(secondOfDay) / 60 % 60, 2); byte(":")
        digits(Int(secondOfDay) % 60, 2); byte("."); digits(Int(fraction), 6); byte("Z")
        return count
    }

    /// Room for `count` bytes more than any line so far (unescaping never lengthens a string;
    /// a byte array is longer than its bytes).
    private func ensureCapacity(_ count: Int) {
        guard count > buffer.count else { return }
        buffer.deallocate()
        buffer = .allocate(byteCount: max(count, buffer.count * 2), alignment: 1)
    }
}
