import CPCRE2

/// A compiled PCRE2 pattern, JIT-compiled when the platform supports it.
///
/// Immutable once built, so one instance is shared by every worker thread (PCRE2 documents
/// compiled code as thread-safe; only match data is per thread, see ``Matcher``).
/// Works on bytes: log lines are not guaranteed to be UTF-8, so no UTF mode is used and
/// subjects are never turned into `String`.
public final class Regex: @unchecked Sendable {
    // SAFETY: `code` is owned by this object, freed exactly once in deinit, and never
    // mutated after init (JIT compilation happens inside init, before the object escapes).
    let code: OpaquePointer

    /// The pattern text as given.
    public let pattern: String
    /// Number of capturing groups (group 0, the whole match, not included).
    public let captureCount: Int
    /// Group numbers for each group name. A name maps to several numbers when the pattern
    /// was compiled with ``Options/duplicateNames`` and uses the name in several branches.
    public let groupNumbersByName: [String: [Int]]
    /// Whether the JIT compiler accepted the pattern (matching is then 3–5× faster).
    public let isJITCompiled: Bool

    public struct Options: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// Match only at the start of the subject.
        public static let anchored = Options(rawValue: UInt32(PCRE2_ANCHORED))
        /// Allow the same group name in several alternatives (one rule per branch).
        public static let duplicateNames = Options(rawValue: UInt32(PCRE2_DUPNAMES))
        public static let caseless = Options(rawValue: UInt32(PCRE2_CASELESS))
        /// `$` matches only at the very end, not before a final newline.
        public static let dollarEndOnly = Options(rawValue: UInt32(PCRE2_DOLLAR_ENDONLY))
    }

    /// Compiles `pattern`. Throws ``PCRE2Error`` with the byte offset of the problem.
    ///
    /// `jit: false` skips the JIT compiler, for a regex compiled only to check it or to read
    /// its group names: JIT compilation costs several times the compilation itself, and every
    /// run of authlog checks each pattern once before compiling them together.
    public init(_ pattern: String, options: Options = [], jit: Bool = true) throws(PCRE2Error) {
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let bytes = Array(pattern.utf8)
        let compiled: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            // An empty pattern must not become a NULL pointer with length 0 ambiguity:
            // PCRE2 accepts NULL only with length 0, which is exactly what we pass then.
            pcre2_compile_8(buffer.baseAddress, buffer.count, options.rawValue,
                            &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw PCRE2Error(code: errorCode, offset: errorOffset)
        }
        self.code = compiled
        self.pattern = pattern
        // JIT failure is not an error: the interpreter gives the same results, slower.
        self.isJITCompiled = jit && pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0

        var captures: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &captures)
        self.captureCount = Int(captures)
        self.groupNumbersByName = Regex.readNameTable(compiled)
    }

    deinit { pcre2_code_free_8(code) }

    /// The first group number for `name`, or nil if the pattern has no such group.
    public func groupNumbers(named name: String) -> [Int] {
        groupNumbersByName[name] ?? []
    }

    private static func readNameTable(_ code: OpaquePointer) -> [String: [Int]] {
        var count: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafePointer<UInt8>? = nil
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMECOUNT), &count)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMETABLE), &table)
        guard count > 0, let table else { return [:] }
        var result: [String: [Int]] = [:]
        for index in 0..<Int(count) {
            // Each entry: group number as 2 big-endian bytes, then the NUL-terminated name.
            let entry = table + index * Int(entrySize)
            let number = Int(entry[0]) << 8 | Int(entry[1])
            let name = String(cString: entry + 2)
            result[name, default: []].append(number)
        }
        for key in result.keys { result[key]?.sort() }
        return result
    }
}
