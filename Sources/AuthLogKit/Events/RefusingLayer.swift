/// Which layer of the stack refused a request: where to look and whom to ask. A detail format
/// names the layer its lines blame (`layer = …` in its `[format]`, see `FormatDefinition.layer`);
/// a server's own error log needs none (its deny rules blame `serverRule`, the rest `webServer`).
public enum RefusingLayer: String, CaseIterable, Sendable, Comparable {
    /// nginx auth_basic or auth_pam, Apache mod_auth_basic/digest: the server checked the
    /// credentials itself (its error log says so, or the path is one it protects).
    case webServer = "web-server-auth"
    /// An allow/deny rule of the server configuration (nginx `deny`, Apache `Require`).
    case serverRule = "server-rule"
    /// WordPress core, its REST API or an authentication plugin (debug.log, or a WordPress path:
    /// `layer = wordpress` and `application-paths` in patterns/wordpress.conf).
    case wordpress = "wordpress"
    /// The application or upstream behind the server: the access log has the status, no log
    /// authlog read says why.
    case application = "application"

    public var meaning: String {
        switch self {
        case .webServer: "the web server's own password check (auth_basic, mod_auth_*)"
        case .serverRule: "an allow/deny rule in the server configuration"
        case .wordpress: "WordPress, its REST API or an authentication plugin"
        case .application: "the application or upstream behind the server (no log read says why)"
        }
    }

    public static func < (lhs: RefusingLayer, rhs: RefusingLayer) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
