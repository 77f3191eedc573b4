/// Apache's `ErrorLogFormat` strings (core, httpd 2.4), compiled to the head of a detail format
/// with the named groups of the built-in `apache-error` (`time`, `level`, `ip`), so that the
/// apache-error rules read the message (`%M`) as they read it in the default layout.
///
/// The string is split into fields: an unescaped space ends one (and is written), `% ` ends
/// one and writes nothing, `\ ` is a space inside a field. httpd leaves a whole field out
/// when one of its items has nothing to write (no client for a server-level message, no
/// `%E` without an OS error, `%7F` below debug level), unless the item is written `%-…` (it
/// then writes `-`); `%+…` drops the whole line instead. A field that may be left out is
/// optional in the head, except the client's: a line without one explains no request.
public enum ApacheErrorLogFormat {
    /// The items authlog reads or knows the shape of, for the README and listings.
    public static let knownItems = ["%t", "%{u}t", "%{cu}t", "%l", "%m", "%M", "%P", "%T", "%{g}T", "%a", "%{c}a",
                                    "%A", "%E", "%F", "%L", "%{c}L", "%{C}L", "%k", "%{…}i", "%{…}e", "%{…}n",
                                    "%v", "%V"]

    struct Item {
        var written: String
        var letter: Character
        var argument: String?
        /// `%-…`: writes `-` when empty, so its field is always there.
        var dashWhenEmpty: Bool
        /// `%7F`: written only at that log level or more verbose.
        var minimumLevel: Bool
    }

    enum Piece {
        case literal(String)
        case item(Item)
    }

    /// The head, up to the message, and the text after the message as a regex (empty when
    /// `%M` ends the format), for the rules' end of message.
    struct Compiled: Equatable {
        var head: String
        var detect: String
        var tail: String
    }

    /// Compiles `format`; `file` and `line` say where it was written, for errors.
    static func compile(_ format: String, file: String, line: Int) throws(LogFormatError) -> Compiled {
        var head = "", detect = "", tail = ""
        var captured = Captured()
        var sawMessage = false
        for pieces in try fields(format, file: file, line: line) {
            // This field's regex before the message (or all of it), and after it.
            var before = "", after = ""
            var optional = false, holdsClient = false, holdsMessage = false
            var inBrackets = false
            for (index, piece) in pieces.enumerated() {
                let afterMessage = sawMessage || holdsMessage
                switch piece {
                case .literal(let literal):
                    if afterMessage { after += LayoutCompiler.escape(literal) } else { before += LayoutCompiler.escape(literal) }
                    for character in literal {
                        if character == "[" { inBrackets = true }
                        if character == "]" { inBrackets = false }
                    }
                case .item(let item) where afterMessage:
                    // After the message: a referer and the like, client text, read as any run.
                    after += ".*?"
                    if !item.dashWhenEmpty && (item.minimumLevel || mayBeEmpty(item)) { optional = true }
                case .item(let item) where item.letter == "M":
                    holdsMessage = true
                case .item(let item):
                    var follow = ""
                    if case .literal(let next)? = pieces.dropFirst(index + 1).first {
                        follow = LayoutCompiler.escape(String(next.prefix(1)))
                    }
                    let isClient = item.letter == "a" && (item.argument == nil || item.argument == "c") && !captured.client
                    if isClient { holdsClient = true }
                    let regex = try self.regex(for: item, captured: &captured, inBrackets: inBrackets, follow: follow,
                                               file: file, line: line)
                    // `%-a` writes `-` without a client: such a line explains no request, and
                    // detect's `.*$` reads it all the same.
                    before += item.dashWhenEmpty && !isClient ? "(?:\(regex)|-)" : regex
                    if !item.dashWhenEmpty && (item.minimumLevel || mayBeEmpty(item)) { optional = true }
                }
            }
            if holdsMessage {
                head += before
                detect += before
                tail += after
                sawMessage = true
            } else if sawMessage {
                tail += optional ? "(?:\(after))?" : after
            } else {
                // The client's field is required in the head (a line without one explains no
                // request) and optional in detect (httpd's server-level lines have none).
                head += optional && !holdsClient ? "(?:\(before))?" : before
                detect += optional ? "(?:\(before))?" : before
            }
        }
        guard sawMessage else {
            throw LogFormatError(file: file, line: line, message: "ErrorLogFormat: it has no %M, the message authlog reads")
        }
        guard captured.client else {
            throw LogFormatError(file: file, line: line, message: "\(DerivedFormat.unusableMessagePrefix) ErrorLogFormat: "
                                     + "it does not log the client address (%a)")
        }
        return Compiled(head: "<BOM>" + head, detect: detect + ".*$", tail: tail)
    }

    /// The groups already captured: each is read where the format first states it.
    struct Captured {
        var time = false, level = false, client = false
        /// A request header was written before the client: its text is the client's own.
        var header = false
    }

    /// The regex of an item before the message (never `%M`, where the head ends).
    private static func regex(for item: Item, captured: inout Captured, inBrackets: Bool,
                              follow: String, file: String, line: Int) throws(LogFormatError) -> String {
        switch item.letter {
        case "t":
            let argument = item.argument ?? ""
            guard argument.allSatisfy({ $0 == "c" || $0 == "u" }) else {
                throw LogFormatError(file: file, line: line, message: "ErrorLogFormat: unknown time '\(item.written)' (%t takes u, c, cu)")
            }
            let fraction = "(?:\\.\\d+)?"
            let body = argument.contains("c")
                ? "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\(fraction)"
                : "[A-Z][a-z]{2} [A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d\(fraction) \\d{4}"
            defer { captured.time = true }
            return captured.time ? body : "(?<time>\(body))"
        case "l":
            defer { captured.level = true }
            return captured.level ? "[a-z]+\\d?" : "(?<level>[a-z]+\\d?)"
        case "m":
            // mod_evasive's blocks use mod_authz_core's words and are no authorization
            // decision: its lines are left out, as the built-in head leaves them.
            return "(?!evasive)[\\w-]*"
        case "a" where item.argument == nil || item.argument == "c":
            if captured.client { return "\\S+?" }
            guard !captured.header else {
                // "Referer: x] [client 6.6.6.6:1] AH01618: user admin not found: /" would
                // read as a line of that client: no reading of such a layout can be trusted.
                throw LogFormatError(file: file, line: line, message: "\(DerivedFormat.unusableMessagePrefix) ErrorLogFormat: "
                                         + "a request header before the client (%a) can forge it")
            }
            captured.client = true
            // "2001:db8::1:54321" is ambiguous; httpd always writes the port: the last
            // ":digits" is the port whenever that leaves an address (as apache-error reads it).
            return "(?:\\[<HOST>\\]|<HOST>(?=:\\d+\(follow))|<HOST>)(?::\\d+)?"
        case "a", "A":
            return "\\S+?"
        case "P", "k":
            return "\\d+"
        case "T":
            return "\\d+"
        case "E":
            // "(13)Permission denied", "(70007)The timeout specified has expired".
            return "\\(-?\\d+\\)[^:\\]]*"
        case "F":
            return "[\\w./-]+\\(\\d+\\)"
        case "L":
            return "[\\w@/+=-]*"
        case "i" where !captured.client:
            captured.header = true
            return inBrackets ? "[^\\]]*?" : "[^ ]*?"
        case "i", "e", "n", "v", "V":
            // Client text: a word, or the run to the bracket that closes it.
            return inBrackets ? "[^\\]]*?" : "[^ ]*?"
        default:
            throw LogFormatError(file: file, line: line, message: "ErrorLogFormat: unknown item '\(item.written)'")
        }
    }

    /// Items httpd may have nothing to write for, which then leave their field out.
    private static func mayBeEmpty(_ item: Item) -> Bool {
        switch item.letter {
        case "t", "l", "m", "M", "P", "T", "k", "v", "V": return false
        default: return true
        }
    }

    /// The format's fields; an unescaped space is the last text of the field it ends.
    static func fields(_ format: String, file: String, line: Int) throws(LogFormatError) -> [[Piece]] {
        var fields: [[Piece]] = []
        var pieces: [Piece] = []
        var literal = ""
        func endLiteral() {
            if !literal.isEmpty { pieces.append(.literal(literal)) }
            literal = ""
        }
        func endField() {
            endLiteral()
            fields.append(pieces)
            pieces = []
        }
        var scalars = Array(format.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "\\":
                guard let next = scalars.popFirst() else { literal += "\\"; continue }
                switch next {
                case "n": literal += "\n"
                case "t": literal += "\t"
                default: literal.unicodeScalars.append(next)
                }
            case " ":
                literal += " "
                endField()
            case "%":
                if scalars.first == " " {
                    scalars.removeFirst()
                    endField()
                    continue
                }
                if scalars.first == "%" {
                    scalars.removeFirst()
                    literal += "%"
                    continue
                }
                var written = "%"
                var dash = false, level = false
                while let next = scalars.first, next == "-" || next == "+" || ("0"..."9").contains(next) {
                    if next == "-" { dash = true }
                    if ("0"..."9").contains(next) { level = true }
                    written.unicodeScalars.append(next)
                    scalars.removeFirst()
                }
                let argument = try ApacheLogFormat.braceArgument(&scalars, written: &written, directive: "ErrorLogFormat",
                                                                 file: file, line: line)
                guard let letter = scalars.popFirst(), letter.isASCII, letter.properties.isAlphabetic else {
                    throw LogFormatError(file: file, line: line,
                                         message: "ErrorLogFormat: '\(written)' is not an item (a letter such as %t or %M comes after '%')")
                }
                written.unicodeScalars.append(letter)
                endLiteral()
                pieces.append(.item(Item(written: written, letter: Character(letter), argument: argument,
                                         dashWhenEmpty: dash, minimumLevel: level)))
            default:
                literal.unicodeScalars.append(scalar)
            }
        }
        endField()
        return fields.filter { !$0.isEmpty }
    }
}
