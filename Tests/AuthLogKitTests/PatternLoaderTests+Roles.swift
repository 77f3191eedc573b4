import Testing
@testable import AuthLogKit

/// `role`, `server`, `explains`, `layer` and the application's paths in a `[format]`.
extension PatternLoaderTests {
    /// A new format of the given `[format]` keys, with one rule.
    func format(_ keys: String, rule: String = "cause = unknown-user\nregex = x") -> String {
        """
        [format]
        name = made-up
        detect = x
        head = y
        \(keys)

        [rule r]
        \(rule)
        """
    }

    @Test func theBuiltinFormatsDeclareRolesAndFamilies() throws {
        let set = try PatternLoader.load()
        let roles = Dictionary(uniqueKeysWithValues: set.formats.map { ($0.name, "\($0.role)/\($0.server ?? "-")") })
        #expect(roles == ["nginx-access": "access/nginx", "nginx-error": "detail/nginx", "apache-access": "access/apache",
                          "apache-error": "detail/apache", "wordpress": "detail/wordpress", "syslog": "access/-",
                          // The other servers' formats (ServerFormatsTests); the proxies built on nginx are nginx's.
                          "haproxy": "access/haproxy", "ingress-nginx": "access/nginx", "traefik-access": "access/traefik",
                          "nginx-proxy-manager": "access/nginx", "npmplus": "access/nginx",
                          "litespeed-error": "detail/litespeed", "lighttpd-error": "detail/lighttpd",
                          "wp-fail2ban": "detail/wordpress",
                          // JSON access logs (a generic one's server is not known).
                          "caddy-json": "access/caddy", "traefik-json": "access/traefik", "nginx-json": "access/nginx",
                          "json-access": "access/-"])
        let nginxFamily = ["ingress-nginx", "nginx-access", "nginx-json", "nginx-proxy-manager", "npmplus"]
        let allAccess = ["apache-access", "caddy-json", "haproxy", "ingress-nginx", "json-access", "nginx-access", "nginx-json",
                         "nginx-proxy-manager", "npmplus", "traefik-access", "traefik-json"]
        #expect(set.accessFormats.map(\.name) == allAccess, "syslog wraps, it records nothing itself")
        #expect(set.detailFormatNames == ["nginx-error", "apache-error", "wordpress", "litespeed-error", "lighttpd-error", "wp-fail2ban"])
        let wordpress = try #require(set.format(named: "wordpress"))
        #expect(set.accessFormats(explainedBy: wordpress).map(\.name) == allAccess)
        #expect(set.accessFormats(explainedBy: try #require(set.format(named: "nginx-error"))).map(\.name) == nginxFamily)
        #expect(set.loginFormPaths == ["/wp-login.php", "/xmlrpc.php"])
        #expect(wordpress.layer == .wordpress)
        #expect(wordpress.applicationPaths.contains("/wp-json/wp/v2/posts") && wordpress.applicationPaths.contains("/xmlrpc.php"))
        #expect(!wordpress.applicationPaths.contains("/xmlrpc.php/x") && !wordpress.applicationPaths.contains("/admin/"))
    }

    @Test func pairsWithIsRefusedWithWhatReplacesIt() throws {
        let failure = try #require(error(format("pairs-with = nginx-access")))
        #expect(failure.file == "user.conf" && failure.line == 5)
        #expect(failure.message.contains("'pairs-with' is no longer read"))
        #expect(failure.message.contains("role = detail") && failure.message.contains("server = FAMILY")
                && failure.message.contains("explains = any"))
    }

    @Test func aDetailFormatSaysWhatItExplains() throws {
        let alone = try load(format("role = detail"))
        #expect(alone.format(named: "made-up")?.explains == .families([]), "pairs within its own input only")
        #expect(alone.accessFormats(explainedBy: try #require(alone.format(named: "made-up"))).isEmpty)
        let explained = try load(format("role = detail\nexplains = nginx apache"))
        #expect(explained.format(named: "made-up")?.explains == .families(["nginx", "apache"]))
        let own = try load(format("role = detail\nserver = nginx"))
        #expect(own.accessFormats(explainedBy: try #require(own.format(named: "made-up"))).map(\.name)
                == ["ingress-nginx", "nginx-access", "nginx-json", "nginx-proxy-manager", "npmplus"])
        let any = try load(format("role = detail\nexplains = any"))
        #expect(any.format(named: "made-up")?.explains == .any)
        // An access format added by a user pairs with the error log of its family at once.
        let newAccess = try load(format("server = apache", rule: "cause = http-401\nregex = x"))
        let apacheError = try #require(newAccess.format(named: "apache-error"))
        #expect(newAccess.accessFormats(explainedBy: apacheError).map(\.name) == ["apache-access", "made-up"])
    }

    @Test func roleKeysAreChecked() {
        #expect(error(format("role = error"))?.message.contains("unknown role 'error'; one of: access, detail") == true)
        #expect(error(format("server = nginx apache"))?.message.contains("'server' is one family name") == true)
        #expect(error(format("explains = any"))?.message.contains("'explains' is for formats with 'role = detail'") == true)
        #expect(error(format("role = detail\nexplains = any nginx"))?.message.contains("'explains' is 'any' or") == true)
        #expect(error(format("role = detail\nserver = x\nlayer = php"))?.message.contains("unknown layer 'php'") == true)
        #expect(error(format("role = detail\nserver = x\napplication-paths = /app*"))?.message
                    .contains("'application-paths' needs 'layer = …'") == true)
        #expect(error(format("role = detail\nserver = x\nlayer = application\napplication-paths = app*"))?.message
                    .contains("URL paths starting with '/'") == true)
        #expect(error(format("role = detail\nserver = x\nlogin-form-paths = /login*"))?.message
                    .contains("not '/login*'") == true, "login form paths are whole paths")
        #expect(error("""
            [format]
            name = wrapper
            detect = x
            head = y
            wraps = all
            role = detail
            """)?.message.contains("its lines take the role and server of the format they wrap") == true)
    }

    @Test func aLoginFormRuleNeedsItsFormatsLoginPaths() throws {
        let failure = try #require(error(format("role = detail\nexplains = any",
                                                rule: "cause = unknown-user\npair-by = login-form\nregex = x")))
        #expect(failure.message.contains("rule 'r' pairs by login-form") && failure.message.contains("'login-form-paths'"))
        let set = try load(format("role = detail\nexplains = any\nlogin-form-paths = /login /xmlrpc.php",
                                  rule: "cause = unknown-user\npair-by = login-form\nregex = x"))
        #expect(set.loginFormPaths == ["/wp-login.php", "/xmlrpc.php", "/login"], "every format's, once each, in file order")
    }
}

/// The findings' login and API paths come from pattern data, not from Swift constants.
extension PatternLoaderTests {
    @Test func theFindingsLoginPathsAreReadFromWordPressFormatData() throws {
        let paths = LoginPaths(try PatternLoader.load())
        #expect(paths.loginPaths == ["/wp-login.php", "/xmlrpc.php"])
        #expect(paths.surfaceName == "WordPress login (/wp-login.php, /xmlrpc.php)")
        #expect(paths.redirectingForms == ["/wp-login.php"])
        #expect(paths.restPrefix == "/wp-json")
    }

    @Test func anApplicationDescribedInDataGivesTheFindingsItsLoginPaths() throws {
        let set = try load(format("""
            role = detail
            explains = any
            login-form-paths = /user/login
            login-surface = Drupal login
            login-redirect-paths = /user/login
            api-prefix = /jsonapi
            """))
        let paths = LoginPaths(set)
        #expect(paths.loginPaths == ["/wp-login.php", "/xmlrpc.php", "/user/login"])
        #expect(paths.surfaceName == "WordPress login (/wp-login.php, /xmlrpc.php, /user/login)")
        #expect(paths.redirectingForms == ["/wp-login.php", "/user/login"])
        #expect(paths.restPrefix == "/wp-json", "the first format's API prefix")
    }

    @Test func malformedLoginKeysNameTheirLine() throws {
        #expect(error(format("role = detail\nexplains = any\nlogin-surface = X"))?.message.contains("'login-form-paths'") == true)
        #expect(error(format("role = detail\nexplains = any\napi-prefix = /wp-json/"))?.message.contains("one URL path") == true)
        #expect(error(format("role = detail\nexplains = any\napi-prefix = wp-json"))?.line == 7)
        #expect(error(format("api-prefix = /api"))?.message.contains("role = detail") == true)
    }
}

/// An application's REST routes, as access lines call them, come from pattern data too.
extension PatternLoaderTests {
    private func route(_ uri: String, in set: PatternSet) -> String? {
        Array(uri.utf8).withUnsafeBytes { RESTRoutes(formats: set.plainFormats).route(of: $0) }
    }

    @Test func restRoutesAreReadFromTheApiKeysOfTheFormats() throws {
        let builtin = try PatternLoader.load()
        #expect(route("/wp-json/wp/v2/posts?x=1", in: builtin) == "/wp/v2/posts")
        #expect(route("/?rest_route=%2Fwp%2Fv2%2Fusers&a=1", in: builtin) == "/wp/v2/users")
        #expect(route("/index.php?a=1&rest_route=/wp/v2/posts", in: builtin) == "/wp/v2/posts")
        #expect(route("/blog/?rest_route=/wp/v2/posts", in: builtin) == nil, "only the paths the data names")
        #expect(route("/jsonapi/node/article", in: builtin) == nil)

        let drupal = try load(format("role = detail\nexplains = any\napi-prefix = /jsonapi\napi-route-query = /api?route="))
        #expect(route("/jsonapi/node/article", in: drupal) == "/node/article")
        #expect(route("/api?route=/node/1", in: drupal) == "/node/1")
        #expect(error(format("role = detail\nexplains = any\napi-route-query = /?rest_route"))?.message
                    .contains("PATH?KEY=") == true)
    }
}
