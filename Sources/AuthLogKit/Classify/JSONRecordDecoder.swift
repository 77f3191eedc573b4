import PCRE2

/// The decoder of JSON access logs (`decoder = json`): Caddy's, Traefik's, nginx's
/// `log_format … escape=json` and any log of one JSON object per line. The format names which
/// key gives which field (`json.ip = request.client_ip request.remote_ip`, see `JSONKeyMap`);
/// the rules then test the fields as they test a text log's.
///
/// Only lines the format's literals kept (`"status":401`) get here, and each costs one walk
/// over its bytes (`JSONObjectScanner`). A record whose values are plain points into the line;
/// one with escapes (`\"`, `\u00e9`, nginx's `\x22`) or whose request line must be composed
/// from method and path is copied into the scratch's buffer, which then holds every field.
final class JSONRecordDecoder: RecordDecoder {
    static let name = "json"

    let map: JSONKeyMap
    let decodedFields: Set<RecordField>
    /// The log may state method and path apart and no request line (Caddy, Traefik, a generic
    /// log's line without "request"): one is then composed, `METHOD PATH PROTOCOL`, so that
    /// the rules' request tests read it too.
    let composesRequest: Bool

    init(format: FormatDefinition) throws(PatternError) {
        map = try JSONKeyMap(format: format)
        composesRequest = map.mapped.contains(.method) && map.mapped.contains(.path)
        var fields: Set<RecordField> = []
        for target in map.mapped {
            switch target {
            case .ip: fields.insert(.ip)
            case .user: fields.insert(.user)
            case .request: fields.formUnion([.request, .method, .path])
            case .method: fields.insert(.method)
            case .path: fields.insert(.path)
            case .status: fields.insert(.status)
            case .bytes: fields.insert(.bytes)
            // `forwarded` is never tested by rules (RecordFields.forwarded): no field to offer them.
            case .time, .protocol, .message, .when, .forwarded: break
            }
        }
        if composesRequest { fields.insert(.request) }
        decodedFields = fields
    }

    func makeScratch(limits: MatchLimits) -> any RecordDecoderScratch {
        Scratch(self)
    }

    final class Scratch: RecordDecoderScratch {
        private let scanner: JSONObjectScanner
        private let composesRequest: Bool
        private let condition: JSONKeyMap.Condition?
        private let requiresIP: Bool
        private let requiresStatus: Bool
        /// Where unescaped values and a composed request line go; grown (rarely) to the
        /// longest record seen, never shrunk.
        private var buffer: UnsafeMutableRawBufferPointer
        private var written = 0

        init(_ decoder: JSONRecordDecoder) {
            scanner = JSONObjectScanner(decoder.map)
            composesRequest = decoder.composesRequest
            condition = decoder.map.condition
            requiresIP = decoder.map.mapped.contains(.ip)
            requiresStatus = decoder.map.mapped.contains(.status)
            buffer = .allocate(byteCount: 4096, alignment: 1)
        }

        deinit { buffer.deallocate() }

        func decode(_ line: UnsafeRawBufferPointer, into fields: inout RecordFields) -> DecodeOutcome {
            guard scanner.scan(line) else { return .noRecord }
            let found = scanner.found
            if let condition, !holds(condition, in: line) { return .noRecord }
            var needed = 0
            var anyValue = false
            var anyEscape = false
            for target in 0..<JSONKeyMap.Target.when.rawValue where found[target].rank >= 0 {
                let value = found[target]
                anyValue = true
                anyEscape = anyEscape || value.hasEscape
                needed += value.end - value.start
            }
            // An access record states its client and status: a JSON object without them is
            // another log's line (a debug message, another logger's), which the other
            // formats may read.
            guard anyValue, !requiresIP || has(.ip), !requiresStatus || has(.status) else { return .noRecord }
            let compose = composesRequest && has(.method) && has(.path) && !has(.request)
            guard anyEscape || compose else {
                fields.time = range(.time)
                fields.ip = range(.ip)
                fields.user = range(.user)
                fields.request = range(.request)
                fields.method = range(.method)
                fields.path = range(.path)
                fields.status = range(.status)
                fields.bytes = range(.bytes)
                fields.forwarded = range(.forwarded)
                fields.message = range(.message)
                return .record(bytes: line)
            }
            reserve(needed + 2)
            written = 0
            fields.time = copy(.time, from: line)
            fields.ip = copy(.ip, from: line)
            fields.user = copy(.user, from: line)
            fields.status = copy(.status, from: line)
            fields.bytes = copy(.bytes, from: line)
            fields.forwarded = copy(.forwarded, from: line)
            if compose {
                // METHOD PATH[ PROTOCOL], method and path pointing into it.
                let method = copy(.method, from: line)!
                append(UInt8(ascii: " "))
                let path = copy(.path, from: line)!
                if has(.protocol) {
                    append(UInt8(ascii: " "))
                    _ = copy(.protocol, from: line)
                }
                fields.method = method
                fields.path = path
                fields.request = method.lowerBound..<written
            } else {
                fields.request = copy(.request, from: line)
                fields.method = copy(.method, from: line)
                fields.path = copy(.path, from: line)
            }
            fields.message = copy(.message, from: line)
            return .record(bytes: UnsafeRawBufferPointer(buffer))
        }

        private func holds(_ condition: JSONKeyMap.Condition, in line: UnsafeRawBufferPointer) -> Bool {
            let value = scanner.found[JSONKeyMap.Target.when.rawValue]
            guard value.rank >= 0 else { return false }
            let length = value.end - value.start
            guard condition.isPrefix ? length >= condition.value.count : length == condition.value.count else { return false }
            for offset in 0..<condition.value.count where line[value.start + offset] != condition.value[offset] {
                return false
            }
            return true
        }

        @inline(__always)
        private func has(_ target: JSONKeyMap.Target) -> Bool {
            scanner.found[target.rawValue].rank >= 0
        }

        @inline(__always)
        private func range(_ target: JSONKeyMap.Target) -> Range<Int>? {
            let value = scanner.found[target.rawValue]
            return value.rank >= 0 ? value.start..<value.end : nil
        }

        /// Appends the target's value to the buffer, unescaped; a value whose escapes are
        /// malformed is kept as written rather than lost.
        private func copy(_ target: JSONKeyMap.Target, from line: UnsafeRawBufferPointer) -> Range<Int>? {
            let value = scanner.found[target.rawValue]
            guard value.rank >= 0 else { return nil }
            let raw = UnsafeRawBufferPointer(rebasing: line[value.start..<value.end])
            let start = written
            if value.hasEscape, let end = JSONString.unescape(raw, into: buffer, at: start) {
                written = end
            } else {
                UnsafeMutableRawBufferPointer(rebasing: buffer[start..<(start + raw.count)]).copyMemory(from: raw)
                written = start + raw.count
            }
            return start..<written
        }

        @inline(__always)
        private func append(_ byte: UInt8) {
            buffer[written] = byte
            written += 1
        }

        private func reserve(_ count: Int) {
            guard count > buffer.count else { return }
            let grown = max(count, buffer.count * 2)
            buffer.deallocate()
            buffer = .allocate(byteCount: grown, alignment: 1)
        }
    }
}
