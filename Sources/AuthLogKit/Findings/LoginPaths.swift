/// Where a web application takes logins, as the findings need to know it: which POSTs are
/// login attempts even when answered 200, which form redirects once a user got in, and where
/// its REST API lives. The rules read it from `FindingContext.loginPaths` and never name a
/// path themselves, so that an application described in `patterns/` data reaches them.
public struct LoginPaths: Sendable {
    /// Paths a client logs in at with a form or XML-RPC; a wrong password is answered 200,
    /// and all of them count as one login surface.
    public var loginPaths: Set<String>
    /// How that surface is named in figures and advice.
    public var surfaceName: String
    /// Login forms that answer 302 (to the dashboard) when the user got in.
    public var redirectingForms: Set<String>
    /// The prefix of the REST API, whose clients send credentials with every call.
    public var restPrefix: String

    public init(loginPaths: Set<String>, surfaceName: String, redirectingForms: Set<String>, restPrefix: String) {
        self.loginPaths = loginPaths
        self.surfaceName = surfaceName
        self.redirectingForms = redirectingForms
        self.restPrefix = restPrefix
    }

    /// WordPress, the one application known so far: the paths every release since 2.x uses.
    /// (The one place they are written; pattern data will give them.)
    public static let wordpress = LoginPaths(
        loginPaths: ["/wp-login.php", "/xmlrpc.php"],
        surfaceName: "WordPress login (/wp-login.php, /xmlrpc.php)",
        redirectingForms: ["/wp-login.php"],
        restPrefix: "/wp-json")
}
