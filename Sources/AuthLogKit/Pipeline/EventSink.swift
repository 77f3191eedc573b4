/// Where the line pipeline delivers what it classified: the failures (`AuthEvent`), the
/// requests kept by `cause = none` rules (`RequestAttempt`), and the end of each stretch of
/// input it read (a chunk, a stream, a followed file's new bytes).
///
/// The scanner is generic over its sink (`FileScanner.scan(_:into:)`), so each sink type gets
/// its own specialised copy of the scan loop: delivering an event is a direct call the
/// compiler can inline, never a call through an existential or a closure. Sinks that share
/// one stream of lines are combined in a struct of concrete members (see `ScanSinks`,
/// `FollowSinks`); an optional member costs one branch per event.
///
/// (`SendableMetatype`: the runner hands the sink type to its worker threads.)
///
/// Line numbers are those of the stretch's `FileScanner`: relative to a chunk's first line
/// in a scan (made absolute by `LinePositions`), absolute in follow.
protocol EventSink: SendableMetatype {
    /// A failure at a line inside the time window asked for.
    mutating func record(_ event: AuthEvent)
    /// Whether `attempt` is wanted at all: when no sink keeps requests, the scanner does not
    /// even check their time window.
    var wantsAttempts: Bool { get }
    /// A request that is no failure (`cause = none`) inside the time window.
    mutating func attempt(_ attempt: RequestAttempt)
    /// The stretch ended after `lines` lines: hand on what is batched.
    mutating func taskEnded(lines: Int)
    /// A block of whole lines of `format` (`wrapped`: the outer lines of an envelope), before
    /// the prefilter: for a sink that reads every line itself, once per block, in C (the
    /// served paths for new-failure, `ServedPathSink`).
    mutating func scanned(block: UnsafeRawBufferPointer, format: CompiledFormat, wrapped: Bool)
}

extension EventSink {
    var wantsAttempts: Bool { false }
    mutating func attempt(_ attempt: RequestAttempt) {}
    mutating func taskEnded(lines: Int) {}
    mutating func scanned(block: UnsafeRawBufferPointer, format: CompiledFormat, wrapped: Bool) {}
}

/// An absent sink receives nothing. Optional chaining mutates the wrapped sink in place, so
/// a batch it holds is never copied.
extension Optional: EventSink where Wrapped: EventSink {
    @inline(__always)
    mutating func record(_ event: AuthEvent) { self?.record(event) }

    var wantsAttempts: Bool { self?.wantsAttempts ?? false }

    @inline(__always)
    mutating func attempt(_ attempt: RequestAttempt) { self?.attempt(attempt) }

    mutating func taskEnded(lines: Int) { self?.taskEnded(lines: lines) }

    @inline(__always)
    mutating func scanned(block: UnsafeRawBufferPointer, format: CompiledFormat, wrapped: Bool) {
        self?.scanned(block: block, format: format, wrapped: wrapped)
    }
}
