/// A format the server's configuration defines (`log_format main '…'`, `LogFormat "…" name`),
/// turned into a `FormatDefinition` like those of the pattern files: an access format of the
/// server's family, with the shared access rules (`rules = access-log`).
public struct DerivedFormat: Sendable {
    /// The format's name in the configuration (`main`), or `inline` for `--log-format nginx:…`.
    public var configName: String
    public var server: ServerKind
    public var layout: LogLayout
    public var escapesBackslashes: Bool
    /// Where the format string was written.
    public var source: PatternSource
    /// `nginx-config:main`, the name events and `--log-format` use.
    public var formatName: String { "\(server.rawValue)-config:\(configName)" }

    public enum ServerKind: String, Sendable {
        case nginx, apache

        /// The built-in format that reads this server's Common Log Format lines.
        var builtinAccessFormat: String { "\(rawValue)-access" }

        /// Variables the built-in heads allow before the client: the virtual host, which the
        /// server names (or validated from the Host header: never a space). Any other value
        /// there could hold a space and move the client the built-in head reads.
        var hostVariables: Set<String> { self == .nginx ? ["$host", "$server_name", "$hostname"] : ["%v", "%V"] }
    }

    /// The built-in format that already reads every line of this layout with the same fields
    /// (nginx's `combined`, `main`, or combined with more fields after it), or nil. Such a
    /// layout is not derived: its lines keep the format, the detection and the rule ids they
    /// had, whether or not the configuration was read.
    public var builtinEquivalent: String? {
        var pieces = layout.pieces[...]
        // The built-in heads allow "$host " or "$host:$server_port " first.
        if case .variable(let name, .skip)? = pieces.first, server.hostVariables.contains(name),
           case .literal(let text)? = pieces.dropFirst().first, text == " " || text == ":" {
            pieces = pieces.dropFirst(2)
            if text == ":", case .variable(_, .integer)? = pieces.first { pieces = pieces.dropFirst() }
            if text == ":" { guard case .literal(" ")? = pieces.first else { return nil }; pieces = pieces.dropFirst() }
        }
        let timeValue: LogLayout.Value = server == .nginx ? .time(.clf) : .time(.bracketedCLF)
        let clientToTime: [LogLayout.Piece] = server == .nginx
            ? [.literal(" - "), .variable(name: "", value: .user), .literal(" ["), .variable(name: "", value: timeValue)]
            : [.literal(" "), .variable(name: "", value: .skip), .literal(" "), .variable(name: "", value: .user),
               .literal(" "), .variable(name: "", value: timeValue)]
        let shape: [LogLayout.Piece] = [.variable(name: "", value: .client)] + clientToTime
            + [.literal(server == .nginx ? "] \"" : " \""), .variable(name: "", value: .request), .literal("\" "),
               .variable(name: "", value: .status), .literal(" "), .variable(name: "", value: .integer)]
        guard pieces.count >= shape.count else { return nil }
        for (piece, expected) in zip(pieces, shape) {
            switch (piece, expected) {
            case (.literal(let a), .literal(let b)) where a == b: continue
            case (.variable(_, let a), .variable(_, let b)) where a == b: continue
            default: return nil
            }
        }
        // After the size: nothing, or text starting with a space (the built-in detect reads
        // up to the size and the optional quoted referer and agent, not beyond).
        if let next = pieces.dropFirst(shape.count).first {
            guard case .literal(let text) = next, text.hasPrefix(" ") else { return nil }
        }
        return server.builtinAccessFormat
    }

    /// How the error of a format that logs no status or client begins.
    static let unusableMessagePrefix = "authlog cannot read a refusal from"

    /// Whether the message (what follows the head, which ends after the status when the status
    /// is the last field read) starts with the response body's size, as in the Common Log
    /// Format: then the rules that judge an answer by its size (`[rules clf-body-size]`, an
    /// XML-RPC fault) hold on it as on the built-in formats.
    var messageStartsWithBodySize: Bool {
        let pieces = layout.pieces.filter { if case .literal("") = $0 { false } else { true } }
        guard let status = pieces.firstIndex(where: { if case .variable(_, .status) = $0 { true } else { false } }),
              status + 2 < pieces.count, case .literal(" ") = pieces[status + 1],
              case .variable(let name, .integer) = pieces[status + 2],
              ["$body_bytes_sent", "%b", "%B"].contains(name) else { return false }
        return !pieces[(status + 1)...].contains { piece in
            guard case .variable(_, let value) = piece else { return false }
            switch value {
            case .client, .user, .time, .request, .method, .path, .status: return true
            default: return false
            }
        }
    }

    /// The format, its rules taken from `accessRules` (after `bodySizeRules`, when given) with
    /// their literals made to fit this layout.
    func definition(accessRules: RuleSetDefinition, bodySizeRules: RuleSetDefinition? = nil) throws(LogFormatError) -> FormatDefinition {
        let compiled: LayoutCompiler.Compiled
        do {
            compiled = try LayoutCompiler(layout: layout).compile()
        } catch {
            let missing = error == .noStatus ? "the status (\(server == .nginx ? "$status" : "%>s"))"
                : "the client address (\(server == .nginx ? "$remote_addr" : "%a or %h"))"
            throw LogFormatError(file: source.file, line: source.line,
                                 message: "\(Self.unusableMessagePrefix) format '\(configName)': it does not log \(missing)")
        }
        let literals = DerivedLiterals(layout: layout)
        // With escape=none a value's quote ends the string: a User-Agent could add a second
        // "remote_addr" key. Such a layout is compiled to a regex, never read as JSON.
        let json = escapesBackslashes ? JSONLayout(layout: layout) : nil
        let fields = json?.fields ?? compiled.fields
        var definition = FormatDefinition(
            name: formatName,
            description: "\(server.rawValue) format '\(configName)' from \(source)",
            detect: PatternText(text: compiled.detect, source: source),
            hint: nil, pathHints: [],
            head: PatternText(text: compiled.head, source: source),
            wrapsOtherFormats: false,
            rules: (((json == nil ? bodySizeRules?.rules : nil) ?? []) + accessRules.rules)
                .filter { Self.decodes(fields, everyFieldOf: $0) }.map(literals.fitted),
            source: source)
        definition.decodesBackslashEscapes = escapesBackslashes
        if let json {
            // Read by the JSON decoder, which undoes the escapes itself (decoding them twice
            // would let `\x61dmin` pass for admin). The detect regex stays the layout's: it
            // tells this layout from other JSON logs.
            definition.decoder = JSONRecordDecoder.name
            definition.decoderSettings = json.settings(source: source)
            definition.head = PatternText(text: "", source: source)
            definition.literals = json.literals
            definition.decodesBackslashEscapes = false
        }
        definition.role = .access
        definition.server = server.rawValue
        definition.ruleSets = (json == nil ? bodySizeRules.map { [$0.name] } ?? [] : []) + [accessRules.name]
        return definition
    }

    /// A rule testing a field the layout does not log (the request line, for a layout of
    /// `$request_method $uri`) cannot hold on it: it is left out, as the loader would refuse it.
    static func decodes(_ fields: Set<LayoutCompiler.CapturedField>, everyFieldOf rule: RuleDefinition) -> Bool {
        rule.fieldTests.allSatisfy { test in
            switch test.field {
            case .ip: fields.contains(.ip)
            case .user: fields.contains(.user)
            case .request: fields.contains(.request)
            case .method: fields.contains(.method) || fields.contains(.request)
            case .path: fields.contains(.path) || fields.contains(.request)
            case .status: fields.contains(.status)
            // A layout's body size is read by clf-body-size's message patterns, not as a field.
            case .program, .bytes: false
            }
        }
    }
}
