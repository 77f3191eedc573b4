/// What part a format's lines play in a request (`role = …` in its `[format]`). Formats are
/// coupled by what they are, never by name: a detail format's lines pair with the lines of
/// the access formats it explains (see `ExplainedServers`), so a new access format of a known
/// server family pairs with that family's error log without any other change.
public enum FormatRole: String, Sendable, CaseIterable {
    /// A line records a request and the status it got (access logs). The default.
    case access
    /// A line says why a request failed (error logs, an application's log): it is paired
    /// with the access line of that request and the request counts once, under its cause.
    case detail
}

/// The server families whose access lines a detail format's lines explain (`explains = …`).
/// Whatever it says, a detail line also explains the access lines of its own input: one file
/// or container log holding both a server's requests and the lines saying why they failed
/// (`docker logs`, a journal export) pairs within itself, whatever the formats' families.
/// A detail format that names no family pairs so only.
public enum ExplainedServers: Sendable, Equatable {
    /// Access formats of these families (`server = …`). By default a detail format explains
    /// its own family: nginx's error log, nginx's access log.
    case families(Set<String>)
    /// `explains = any`: the log of an application that runs behind any server (WordPress
    /// behind nginx or Apache), whose lines explain requests every access log records.
    case any

    public func includes(_ family: String?) -> Bool {
        switch self {
        case .any: true
        case .families(let families): family.map(families.contains) ?? false
        }
    }
}

/// URL paths named in a pattern file, as a request's path (without query) is compared with
/// them: whole paths, and prefixes written with a trailing `*` (`/wp-json*`).
public struct URLPaths: Sendable, Equatable {
    public var whole: Set<String> = []
    public var prefixes: [String] = []

    public init(whole: Set<String> = [], prefixes: [String] = []) {
        self.whole = whole
        self.prefixes = prefixes
    }

    public var isEmpty: Bool { whole.isEmpty && prefixes.isEmpty }

    public func contains(_ path: String) -> Bool {
        whole.contains(path) || prefixes.contains(where: path.hasPrefix)
    }
}

extension PatternSet {
    /// The formats whose lines are requests (wrappers aside: a syslog line takes the role of
    /// the format it wraps, whose name its events carry).
    public var accessFormats: [FormatDefinition] {
        formats.filter { $0.role == .access && !$0.wrapsOtherFormats }
    }

    /// The names of the formats whose lines explain requests: the lines that are paired.
    public var detailFormatNames: Set<String> {
        Set(formats.filter { $0.role == .detail }.map(\.name))
    }

    /// The access formats whose lines `detail`'s lines can pair with.
    public func accessFormats(explainedBy detail: FormatDefinition) -> [FormatDefinition] {
        guard detail.role == .detail else { return [] }
        return accessFormats.filter { detail.explains.includes($0.server) }
    }

    /// The paths of failed form logins an application answers with 200
    /// (`login-form-paths`, WordPress's `/wp-login.php` and `/xmlrpc.php`), of every format, in
    /// file order: the requests `pair-by = login-form` pairs with and login findings count.
    public var loginFormPaths: [String] {
        var seen: Set<String> = []
        return formats.flatMap(\.loginFormPaths).filter { seen.insert($0).inserted }
    }
}

extension CompiledPatterns {
    /// See `PatternSet.loginFormPaths`.
    public var loginFormPaths: [String] { patterns.loginFormPaths }
}
