/// A server's log format string, split into the text it copies and the values it inserts:
/// what nginx's `log_format` and Apache's `LogFormat` both describe, whatever their syntax.
/// `LayoutCompiler` turns it into the head and detect regexes of a `FormatDefinition`.
public struct LogLayout: Sendable, Equatable {
    /// What a variable inserts, as far as authlog reads it.
    public enum Value: Sendable, Equatable {
        /// The client address (`$remote_addr`, `%a`, `%h`): the only source of `ip`.
        case client
        case user
        case time(TimeShape)
        /// The request line, `METHOD URI PROTOCOL`.
        case request
        case method
        /// The URI, with or without its query string (the query is dropped when read).
        case path
        case status
        /// A byte count or other integer, `-` when absent (Apache `%b`).
        case integer
        /// A duration in seconds with a fraction (`$request_time`).
        case decimal
        /// `X-Forwarded-For`: addresses separated by commas, or `-`. Read whole (possessive),
        /// so a client cannot make the address the server logs after it move by sending one.
        case forwardedFor
        /// Anything else: skipped, shortest match first, within its quotes or brackets.
        case skip
    }

    public enum TimeShape: Sendable, Equatable {
        /// `20/Nov/2026:06:25:14 +0000` (nginx `$time_local`; Apache `%t` adds brackets).
        case clf
        /// `[20/Nov/2026:06:25:14 +0000]`, Apache's `%t`.
        case bracketedCLF
        /// `2026-11-20T06:25:14+00:00` (`$time_iso8601`, `%{%Y-%m-%dT%H:%M:%S%z}t`).
        case iso8601
        /// `2026-11-20T06:25:14`, no zone (`%{%Y-%m-%dT%H:%M:%S}t`): the server's local time,
        /// read in the zone `--tz` names, as the error logs' times are.
        case localISO8601
    }

    public enum Piece: Sendable, Equatable {
        case literal(String)
        /// `name` as written (`$remote_addr`, `%>s`), for messages and listings.
        case variable(name: String, value: Value)
    }

    public var pieces: [Piece]

    public init(pieces: [Piece]) {
        // Adjacent literals are joined, so that "the text before a variable" is one piece.
        var joined: [Piece] = []
        for piece in pieces {
            if case .literal(let text) = piece, case .literal(let previous)? = joined.last {
                joined[joined.count - 1] = .literal(previous + text)
            } else if case .literal(let text) = piece, text.isEmpty {
                continue
            } else {
                joined.append(piece)
            }
        }
        self.pieces = joined
    }

    /// The first variable giving `value`, by index.
    func firstIndex(of value: Value) -> Int? {
        pieces.firstIndex { if case .variable(_, let v) = $0 { return v == value } else { return false } }
    }

    func literal(at index: Int) -> String? {
        guard pieces.indices.contains(index), case .literal(let text) = pieces[index] else { return nil }
        return text
    }
}

/// A format string that cannot be compiled, with where it was written (the configuration
/// file and line, or the command-line option) and the variable at fault.
public struct LogFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }

    /// As the pattern files' errors are reported, so that the commands print both alike.
    public var patternError: PatternError { PatternError(file: file, line: line, message: message) }
}
