import CPCRE2

/// An error reported by libpcre2: a pattern that does not compile (with the offset in the
/// pattern where PCRE2 gave up) or a failure while matching.
public struct PCRE2Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// PCRE2's own error number (negative for match errors, positive for compile errors).
    public let code: Int32
    /// For compile errors: the byte offset in the pattern where the error was detected.
    public let offset: Int?
    /// PCRE2's message for `code`, e.g. "missing closing parenthesis".
    public let message: String

    init(code: Int32, offset: Int? = nil) {
        self.code = code
        self.offset = offset
        self.message = PCRE2Error.message(for: code)
    }

    public var description: String {
        if let offset { return "\(message) at offset \(offset)" }
        return message
    }

    static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer {
            pcre2_get_error_message_8(code, $0.baseAddress, $0.count)
        }
        guard length > 0 else { return "PCRE2 error \(code)" }
        return String(decoding: buffer[0..<Int(length)], as: UTF8.self)
    }
}

extension PCRE2Error {
    /// The compiled pattern would exceed PCRE2's size limit (its link size: 64 KiB with
    /// Debian's build). A caller with many alternatives can split them into several regexes.
    public var isPatternTooLarge: Bool { code == PCRE2_ERROR_PATTERN_TOO_LARGE }
}
