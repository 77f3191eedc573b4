/// Reading what part a format plays in a request: `role`, `server`, `explains`, `layer` and
/// the URL paths an application owns (see `FormatRole`).
extension PatternLoader {
    static let roleKeys: Set<String> = ["role", "server", "explains", "layer", "login-form-paths", "application-paths",
                                        "login-surface", "login-redirect-paths", "api-prefix", "api-route-query"]

    /// `pairs-with` named the formats a detail format paired with; formats now say what they
    /// are instead, so a file still using it is stopped with what to write.
    static func rejectPairsWith(_ section: PatternFileParser.Section, file: File) throws(PatternError) {
        guard let entry = section.value("pairs-with") else { return }
        throw PatternError(file: file.name, line: entry.line,
                           message: "'pairs-with' is no longer read: formats pair by role and server family. "
                               + "Write 'role = detail' and 'server = FAMILY' (its lines pair with access lines of "
                               + "formats with the same 'server'), or 'explains = any' or 'explains = FAMILY …' "
                               + "for the log of an application behind other servers; access formats take "
                               + "'server = FAMILY' (role access is the default)")
    }

    static func readRole(_ section: PatternFileParser.Section, file: File,
                         into format: inout FormatDefinition) throws(PatternError) {
        let name = format.name
        if format.wrapsOtherFormats {
            if let entry = section.entries.first(where: { roleKeys.contains($0.key) }) {
                throw PatternError(file: file.name, line: entry.line,
                                   message: "format '\(name)' wraps other formats: its lines take the role and server "
                                       + "of the format they wrap, so it takes no '\(entry.key)'")
            }
            return
        }
        if let entry = section.value("role") { format.role = try choice(entry, named: "role", file: file) }
        if let entry = section.value("server") {
            guard isFamilyName(entry.value) else {
                throw PatternError(file: file.name, line: entry.line,
                                   message: "'server' is one family name of letters, digits, '-' and '_', not '\(entry.value)'")
            }
            format.server = entry.value
        }
        let detailOnly = section.entries.first { roleKeys.subtracting(["role", "server"]).contains($0.key) }
        if let detailOnly, format.role != .detail {
            throw PatternError(file: file.name, line: detailOnly.line,
                               message: "'\(detailOnly.key)' is for formats with 'role = detail' (format '\(name)' is an access format)")
        }
        guard format.role == .detail else { return }
        format.explains = .families(Set(format.server.map { [$0] } ?? []))
        if let entry = section.value("explains") {
            let words = entry.value.split(separator: " ").map(String.init)
            if words == ["any"] {
                format.explains = .any
            } else {
                guard !words.isEmpty, words.allSatisfy(isFamilyName), !words.contains("any") else {
                    throw PatternError(file: file.name, line: entry.line,
                                       message: "'explains' is 'any' or server family names: explains = nginx apache")
                }
                format.explains = .families(Set(words))
            }
        }
        // No family named: its lines pair with access lines of their own input only (a
        // container's log of both), which `PairingIndex` allows for every detail line.
        if let entry = section.value("layer") { format.layer = try choice(entry, named: "layer", file: file) }
        if let entry = section.value("login-form-paths") {
            format.loginFormPaths = try urlPaths(entry, file: file, prefixes: false).map(\.path)
        }
        if let entry = section.value("login-redirect-paths") {
            format.loginRedirectPaths = try urlPaths(entry, file: file, prefixes: false).map(\.path)
        }
        if let entry = section.value("login-surface") {
            guard !format.loginFormPaths.isEmpty else {
                throw PatternError(file: file.name, line: entry.line,
                                   message: "'login-surface' names the surface of 'login-form-paths', which format '\(name)' does not give")
            }
            format.loginSurface = entry.value
        }
        if let entry = section.value("api-prefix") {
            let paths = try urlPaths(entry, file: file, prefixes: false)
            guard paths.count == 1, paths[0].path.count > 1, !paths[0].path.hasSuffix("/") else {
                throw PatternError(file: file.name, line: entry.line,
                                   message: "'api-prefix' is one URL path without a trailing '/', e.g. api-prefix = /wp-json")
            }
            format.apiPrefix = paths[0].path
        }
        if let entry = section.value("api-route-query") {
            for word in entry.value.split(separator: " ").map(String.init) {
                let parts = word.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2, parts[0].hasPrefix("/"), parts[1].count > 1, parts[1].hasSuffix("="),
                      !parts[1].dropLast().contains(where: { "=&?# ".contains($0) }) else {
                    throw PatternError(file: file.name, line: entry.line,
                                       message: "'api-route-query' holds PATH?KEY= words, e.g. /?rest_route=, not '\(word)'")
                }
                format.apiRouteQueries.append((parts[0], String(parts[1].dropLast())))
            }
        }
        if let entry = section.value("application-paths") {
            guard format.layer != nil else {
                throw PatternError(file: file.name, line: entry.line,
                                   message: "'application-paths' needs 'layer = …' in format '\(name)': the layer a "
                                       + "refusal of those paths is counted under")
            }
            let paths = try urlPaths(entry, file: file, prefixes: true)
            format.applicationPaths = URLPaths(whole: Set(paths.filter { !$0.isPrefix }.map(\.path)),
                                               prefixes: paths.filter(\.isPrefix).map(\.path))
        }
    }

    /// A rule pairing by login form needs its format to say where the login forms are; the
    /// rule may sit in another file than the format's `[format]`, so this runs once all are read.
    static func rejectLoginFormRulesWithoutPaths(_ formats: [FormatDefinition]) throws(PatternError) {
        for format in formats where format.loginFormPaths.isEmpty {
            guard let rule = format.rules.first(where: { $0.pairBy == .loginForm }) else { continue }
            throw PatternError(file: rule.source.file, line: rule.source.line,
                               message: "rule '\(rule.id)' pairs by login-form, but format '\(format.name)' names no "
                                   + "'login-form-paths' (the paths a failed login is POSTed to and answered 200)")
        }
    }

    /// A key whose value is one of a fixed set (`role`, `layer`): an unknown one names them all.
    private static func choice<Value: RawRepresentable & CaseIterable>(
        _ entry: PatternFileParser.Entry, named key: String, file: File
    ) throws(PatternError) -> Value where Value.RawValue == String {
        guard let value = Value(rawValue: entry.value) else {
            throw PatternError(file: file.name, line: entry.line, message: "unknown \(key) '\(entry.value)'; one of: "
                                   + Value.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return value
    }

    /// One URL path per word, each starting with `/`; `*` only at the end, where allowed.
    private static func urlPaths(_ entry: PatternFileParser.Entry, file: File,
                                 prefixes: Bool) throws(PatternError) -> [(path: String, isPrefix: Bool)] {
        var result: [(path: String, isPrefix: Bool)] = []
        for word in entry.value.split(separator: " ").map(String.init) {
            let isPrefix = prefixes && word.hasSuffix("*")
            let path = isPrefix ? String(word.dropLast()) : word
            guard path.hasPrefix("/"), !path.contains("*"), !path.contains("?") else {
                throw PatternError(file: file.name, line: entry.line,
                                   message: "'\(entry.key)' holds URL paths starting with '/'"
                                       + (prefixes ? " (a trailing '*' makes a prefix)" : "") + ", not '\(word)'")
            }
            result.append((path, isPrefix))
        }
        guard !result.isEmpty else {
            throw PatternError(file: file.name, line: entry.line, message: "'\(entry.key)' names no path")
        }
        return result
    }

    private static func isFamilyName(_ word: String) -> Bool {
        !word.isEmpty && word.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    }
}
