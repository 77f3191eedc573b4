/// Where a web application takes logins, as the findings need to know it: which POSTs are
/// login attempts even when answered 200, which form redirects once a user got in, and where
/// its REST API lives. The rules read it from `FindingContext.loginPaths` and never name a
/// path themselves: the paths are pattern data (`login-form-paths`, `login-surface`,
/// `login-redirect-paths` and `api-prefix` in a detail format's `[format]`, WordPress's in
/// `patterns/wordpress.conf`), so an application described in `patterns/` reaches them.
public struct LoginPaths: Sendable {
    /// Paths a client logs in at with a form or XML-RPC; a wrong password is answered 200,
    /// and all of them count as one login surface.
    public var loginPaths: Set<String>
    /// How that surface is named in figures and advice.
    public var surfaceName: String
    /// Login forms that answer 302 (to the dashboard) when the user got in.
    public var redirectingForms: Set<String>
    /// The prefix of the REST API, whose clients send credentials with every call; nil when no
    /// format names one (then only requests with a REST route count as API calls).
    public var restPrefix: String?

    public init(loginPaths: Set<String>, surfaceName: String, redirectingForms: Set<String>, restPrefix: String?) {
        self.loginPaths = loginPaths
        self.surfaceName = surfaceName
        self.redirectingForms = redirectingForms
        self.restPrefix = restPrefix
    }

    /// What the loaded formats say. Several applications' paths are one set; the surface is
    /// named after the first format that names login forms, the API prefix is the first given.
    public init(_ patterns: PatternSet) {
        let formats = patterns.formats.filter { !$0.loginFormPaths.isEmpty }
        let loginPaths = patterns.loginFormPaths
        let surface = formats.first?.loginSurface ?? "login"
        self.init(loginPaths: Set(loginPaths),
                  surfaceName: loginPaths.isEmpty ? surface : "\(surface) (\(loginPaths.joined(separator: ", ")))",
                  redirectingForms: Set(patterns.formats.flatMap(\.loginRedirectPaths)),
                  restPrefix: patterns.formats.lazy.compactMap(\.apiPrefix).first)
    }
}
