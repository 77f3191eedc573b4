import PCRE2

/// The fields of one decoded record, as byte ranges into the bytes the decoder returned (the
/// line itself, or a buffer of the decoder's own when the record had to be unescaped first).
/// Nothing is copied or turned into a string until a rule has matched.
public struct RecordFields {
    public var time: Range<Int>?
    public var syslogTime: Range<Int>?
    public var ip: Range<Int>?
    public var user: Range<Int>?
    /// A request line `METHOD URI PROTO`; method and path are split from it when not read.
    public var request: Range<Int>?
    public var method: Range<Int>?
    public var path: Range<Int>?
    public var status: Range<Int>?
    /// The client's address as a proxy passed it on (`X-Forwarded-For`, `X-Real-IP`,
    /// `CF-Connecting-IP`), where the format carries one: believed only from a trusted peer
    /// (`TrustedProxies`), never tested by rules.
    public var forwarded: Range<Int>?
    /// The response body's size in bytes, where a rule's message pattern captures it as
    /// `(?<bytes>…)` (an XML-RPC answer's size tells how many faults it holds).
    public var bytes: Range<Int>?
    /// The syslog program name (`nginx`, `httpd`), which tells the server of a wrapped line.
    public var program: Range<Int>?
    /// The rest of the record after the fields the decoder read: the rules' `regex` is
    /// matched from its start.
    public var message: Range<Int>?
    /// Set when the record's own structure leaves the client in doubt (a line cut short).
    public var ambiguous = false

    public init() {}

    /// The bytes a field test compares: `method` and `path` from the request line when the
    /// record states them not on their own, `path` without its query string.
    func range(of field: RecordField, in bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        switch field {
        case .ip: return ip
        case .user: return user
        case .request: return request
        case .status: return status
        case .program: return program
        case .bytes: return self.bytes
        case .method: return method ?? request.flatMap { Self.split(request: $0, in: bytes).method }
        case .path:
            return (path ?? request.flatMap { Self.split(request: $0, in: bytes).path })
                .map { Self.withoutQuery($0, in: bytes) }
        }
    }

    /// Sets `method` and `path` from the request line when the decoder read neither, so that
    /// the rules' tests and the event read them from one split of the line.
    @inline(__always)
    mutating func splitRequestIfNeeded(in bytes: UnsafeRawBufferPointer) {
        guard method == nil, path == nil, let request else { return }
        (method, path) = Self.split(request: request, in: bytes)
    }

    /// `METHOD URI PROTO` → method and URI, split at single spaces like the servers write
    /// them. A request line without a space (`-`, a TLS handshake) has neither.
    static func split(request: Range<Int>, in bytes: UnsafeRawBufferPointer) -> (method: Range<Int>?, path: Range<Int>?) {
        guard let firstSpace = bytes[request].firstIndex(of: UInt8(ascii: " ")) else { return (nil, nil) }
        let uriEnd = bytes[(firstSpace + 1)..<request.upperBound].firstIndex(of: UInt8(ascii: " ")) ?? request.upperBound
        return (request.lowerBound..<firstSpace, (firstSpace + 1)..<uriEnd)
    }

    static func withoutQuery(_ uri: Range<Int>, in bytes: UnsafeRawBufferPointer) -> Range<Int> {
        guard let question = bytes[uri].firstIndex(of: UInt8(ascii: "?")) else { return uri }
        return uri.lowerBound..<question
    }
}

/// What a decoder made of one line.
public enum DecodeOutcome {
    /// The line is a record of the format; the fields' ranges index `bytes`.
    case record(bytes: UnsafeRawBufferPointer)
    /// The line is no record of this format (another format's, a stack trace, noise).
    case noRecord
    /// Decoding hit a bound (a PCRE2 limit, an oversized value): the line cannot be judged
    /// and is counted as skipped.
    case limitExceeded
}

/// Reads the lines of one format into fields, so that rules test fields (`field.status =
/// 401`) and a message (`regex = …`) whatever the line's syntax: the head regex of a text log
/// (`RegexDecoder`), and beside it decoders for JSON lines or for envelopes (CRI, docker
/// json-file, journald export) that pass their inner bytes to another decoder.
///
/// A decoder is compiled once and shared by every worker; each worker decodes with its own
/// scratch (match data, buffers), so decoding allocates nothing per line.
public protocol RecordDecoder: Sendable {
    /// The fields this decoder can produce: a rule testing any other field of its format is
    /// refused when the patterns load, instead of never matching.
    var decodedFields: Set<RecordField> { get }
    func makeScratch(limits: MatchLimits) -> any RecordDecoderScratch
}

/// One worker's decoding state. Not shared between threads.
public protocol RecordDecoderScratch: AnyObject {
    /// Decodes `line` into `fields` (reset by the caller), or says why it cannot.
    func decode(_ line: UnsafeRawBufferPointer, into fields: inout RecordFields) -> DecodeOutcome
}

/// The decoders a `[format]`'s `decoder = NAME` can name. The regex decoder is built in and
/// fused with the rules (see `RegexDecoder`); another is made from its format's definition
/// by a factory registered here, and its lines go through the same rules.
public struct RecordDecoders: Sendable {
    public typealias Factory = @Sendable (FormatDefinition) throws(PatternError) -> any RecordDecoder

    var factories: [String: Factory]

    public init(_ factories: [String: Factory] = [:]) {
        self.factories = factories
    }

    /// Every decoder authlog ships besides the regex one (the formats of JSON logs and log
    /// envelopes register theirs here).
    public static let builtin = RecordDecoders([
        JSONRecordDecoder.name: { (format) throws(PatternError) in try JSONRecordDecoder(format: format) },
    ])

    /// The set with one more decoder (a test's, or a later built-in one).
    public func adding(_ name: String, _ factory: @escaping Factory) -> RecordDecoders {
        var copy = self
        copy.factories[name] = factory
        return copy
    }
}
