/// A file's name as the kernel has it: bytes, which need not be UTF-8 (a Latin-1 name from
/// an old system, or one an attacker chose). Kept as bytes from the command line or the
/// directory entry to open(2), so every file is reachable by the name it has; shown through
/// `display`, never decoded lossily (two names must not become one).
public struct LogPath: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The name's bytes, without a terminating NUL.
    public let bytes: [UInt8]

    public init(bytes: some Sequence<UInt8>) { self.bytes = Array(bytes.prefix { $0 != 0 }) }
    public init(_ string: String) { self.init(bytes: string.utf8) }

    public static let standardInput = LogPath("-")
    public var isStandardInput: Bool { bytes == [UInt8(ascii: "-")] }

    /// For people and reports: the name itself when it is UTF-8, each byte that is not shown
    /// as `\xNN` (lower-case hex, as `TerminalText` escapes control bytes).
    public var display: String {
        if let valid = String(validating: bytes, as: UTF8.self) { return valid }
        var output = ""
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                output.unicodeScalars.append(Unicode.UTF8.decode(encoded))
                offset += encoded.count
            case .error(let length):
                for byte in bytes[offset..<offset + length] {
                    let hex = String(byte, radix: 16)
                    output += "\\x" + (hex.count < 2 ? "0" + hex : hex)
                }
                offset += length
            case .emptyInput:
                return output
            }
        }
    }

    public var description: String { display }

    /// `self/component` (no doubled slash).
    public func appending(_ component: LogPath) -> LogPath {
        LogPath(bytes: bytes.last == UInt8(ascii: "/") ? bytes + component.bytes : bytes + [UInt8(ascii: "/")] + component.bytes)
    }

    /// The part after the last `/` (the whole path when there is none).
    public var lastComponent: LogPath {
        let trimmed = bytes.last == UInt8(ascii: "/") ? Array(bytes.dropLast()) : bytes
        guard let slash = trimmed.lastIndex(of: UInt8(ascii: "/")) else { return LogPath(bytes: trimmed) }
        return LogPath(bytes: trimmed[(slash + 1)...])
    }

    /// Calls `body` with the path as a NUL-terminated C string, for open(2) and stat(2).
    public func withCString<Result>(_ body: (UnsafePointer<CChar>) throws -> Result) rethrows -> Result {
        try (bytes + [0]).withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }

    /// Byte order, as ls(1) in the C locale sorts.
    public static func < (lhs: LogPath, rhs: LogPath) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}
