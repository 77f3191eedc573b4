/// Where a piece of pattern text came from, so errors can name file, line and column.
public struct PatternSource: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public var description: String { "\(file):\(line)" }
}

/// A regex as written in a pattern file, before fragments are expanded.
public struct PatternText: Sendable, Equatable {
    public var text: String
    public var source: PatternSource
}

/// One `[rule NAME]` section: a message shape and the cause it proves.
public struct RuleDefinition: Sendable {
    public var id: String
    public var cause: Cause
    /// A status the server is known to answer with when it logs this message, used when
    /// the line does not state one.
    public var status: Int?
    /// Byte strings of which a matching line contains at least one. Lines containing none
    /// are never handed to PCRE2 (see `LiteralPrefilter`). Empty: every line is tried.
    public var literals: [[UInt8]]
    public var regex: PatternText
    public var source: PatternSource
}

/// One log format: how to recognise its lines, the head all its lines share, its rules.
public struct FormatDefinition: Sendable {
    public var name: String
    public var description: String
    /// A line of this format, matched at the start of a line; used to detect a file's format.
    public var detect: PatternText
    /// Content only this format writes, searched anywhere in a line; breaks detection ties.
    public var hint: PatternText?
    /// Words in a file's path that favour this format when content cannot tell.
    public var pathHints: [String]
    public var head: PatternText
    /// A wrapper format (syslog): its head is followed by any other format's head and rules.
    public var wrapsOtherFormats: Bool
    public var rules: [RuleDefinition]
    public var source: PatternSource
}

/// Everything the pattern files define, validated: every regex compiles on its own.
public struct PatternSet: Sendable {
    public var fragments: [String: PatternText]
    public var formats: [FormatDefinition]
    /// The files the set was read from, in load order.
    public var files: [String]

    public func format(named name: String) -> FormatDefinition? {
        formats.first { $0.name == name }
    }

    /// Formats whose lines stand on their own (everything but wrappers like syslog).
    public var plainFormats: [FormatDefinition] { formats.filter { !$0.wrapsOtherFormats } }
}

/// A pattern file that cannot be used, with where and why.
public struct PatternError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public var description: String { "\(file):\(line): \(message)" }
}
