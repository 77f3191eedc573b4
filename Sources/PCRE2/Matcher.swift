import CPCRE2

/// Bounds on the work one match may do, so that no pattern (built in or user supplied) can
/// hang a scan on a hostile line (ReDoS). A line that hits a limit is reported as such.
public struct MatchLimits: Sendable, Equatable {
    /// PCRE2's match limit: calls of its internal match function (also honoured by the JIT).
    public var matchLimit: UInt32
    /// PCRE2's depth limit: backtracking depth in the interpreter.
    public var depthLimit: UInt32
    /// Largest JIT stack a match may grow to, in bytes.
    public var jitStackSize: Int

    public init(matchLimit: UInt32 = 1_000_000, depthLimit: UInt32 = 10_000,
                jitStackSize: Int = 1 << 20) {
        self.matchLimit = matchLimit
        self.depthLimit = depthLimit
        self.jitStackSize = jitStackSize
    }

    public static let `default` = MatchLimits()
}

/// The outcome of one match attempt.
public enum MatchOutcome: Equatable, Sendable {
    case match
    case noMatch
    /// The match was abandoned because it hit a ``MatchLimits`` bound.
    case limitExceeded
    /// Any other PCRE2 match error (its error code).
    case failed(Int32)
}

/// Per-worker matching state for one ``Regex``: match data, match context and JIT stack.
///
/// Not thread-safe and not `Sendable`: each worker makes its own and reuses it for every
/// line, so matching allocates nothing.
public final class Matcher {
    public let regex: Regex
    // SAFETY: all three are owned by this object, created in init and freed in deinit.
    // The ovector pointer stays valid as long as `matchData` lives.
    private let matchData: OpaquePointer
    private let matchContext: OpaquePointer
    private let jitStack: OpaquePointer?
    private let ovector: UnsafeMutablePointer<Int>
    private let pairCount: Int
    private var subjectLength = 0

    public init(_ regex: Regex, limits: MatchLimits = .default) {
        self.regex = regex
        self.matchData = pcre2_match_data_create_from_pattern_8(regex.code, nil)
        self.matchContext = pcre2_match_context_create_8(nil)
        pcre2_set_match_limit_8(matchContext, limits.matchLimit)
        pcre2_set_depth_limit_8(matchContext, limits.depthLimit)
        if regex.isJITCompiled,
           let stack = pcre2_jit_stack_create_8(32 * 1024, max(32 * 1024, limits.jitStackSize), nil) {
            pcre2_jit_stack_assign_8(matchContext, nil, UnsafeMutableRawPointer(stack))
            self.jitStack = stack
        } else {
            self.jitStack = nil
        }
        self.ovector = pcre2_get_ovector_pointer_8(matchData)
        self.pairCount = Int(pcre2_get_ovector_count_8(matchData))
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(matchContext)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }

    /// Matches `subject` (bytes, any content) from its start, or from byte `start`: an
    /// anchored pattern is then anchored there, and look-behinds still see what precedes it.
    public func match(_ subject: UnsafeRawBufferPointer, from start: Int = 0, options: UInt32 = 0) -> MatchOutcome {
        subjectLength = subject.count
        // An empty buffer may have a nil base address; PCRE2 wants a valid pointer.
        let base = subject.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? Matcher.emptySubject
        let rc: Int32
        if regex.isJITCompiled {
            // The JIT entry point skips option and UTF checks; safe here because we never
            // use UTF mode, so any byte sequence is a valid subject.
            rc = pcre2_jit_match_8(regex.code, base, subject.count, start, options, matchData, matchContext)
        } else {
            rc = pcre2_match_8(regex.code, base, subject.count, start, options, matchData, matchContext)
        }
        if rc >= 0 { return .match }
        switch rc {
        case PCRE2_ERROR_NOMATCH, PCRE2_ERROR_PARTIAL:
            return .noMatch
        case PCRE2_ERROR_MATCHLIMIT, PCRE2_ERROR_DEPTHLIMIT, PCRE2_ERROR_HEAPLIMIT,
             PCRE2_ERROR_JIT_STACKLIMIT:
            return .limitExceeded
        default:
            return .failed(rc)
        }
    }

    /// Byte range of capture group `number` after a successful match, nil when the group
    /// did not take part in the match.
    @inline(__always)
    public func range(ofGroup number: Int) -> Range<Int>? {
        guard number < pairCount else { return nil }
        let start = ovector[2 * number]
        let end = ovector[2 * number + 1]
        // PCRE2_UNSET is ~(size_t)0, which Swift sees as -1 (size_t imports as Int).
        guard start >= 0, start <= end, end <= subjectLength else { return nil }
        return start..<end
    }

    /// The first set group among `numbers` (duplicate names: one per alternative).
    @inline(__always)
    public func range(ofFirstSetGroupIn numbers: [Int]) -> Range<Int>? {
        for number in numbers {
            if let range = range(ofGroup: number) { return range }
        }
        return nil
    }

    /// The name of the last `(*MARK:NAME)` passed on the matching path, as bytes.
    /// Valid until the next match. Numeric mark names can be read with ``markNumber()``.
    public func mark() -> UnsafeBufferPointer<UInt8>? {
        guard let pointer = pcre2_get_mark_8(matchData) else { return nil }
        // PCRE2 stores the mark's length in the code unit before its first character.
        let length = Int(pointer[-1])
        return UnsafeBufferPointer(start: pointer, count: length)
    }

    /// The mark parsed as a decimal number: authlog names each rule's branch `(*MARK:n)`
    /// so that finding which rule matched costs no allocation.
    public func markNumber() -> Int? {
        guard let mark = mark(), !mark.isEmpty else { return nil }
        var value = 0
        for byte in mark {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    // SAFETY: written once here, only ever read afterwards (PCRE2 never writes a subject).
    nonisolated(unsafe) private static let emptySubject: UnsafePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return UnsafePointer(pointer)
    }()
}
