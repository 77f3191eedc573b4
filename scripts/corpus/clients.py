"""Everyone else who fails: the monitor, colleagues, API clients, Apache's own refusals, syslog servers."""

from .world import *  # noqa: F401,F403


class Clients:
    """Mixed into the corpus: every method adds one kind of client's traffic."""

    def monitor(self):
        """The uptime monitor: a stale password for 'healthcheck', once a minute, from mid-morning on."""
        r = self.rng("monitor")
        first = self.start + r.randint(2, 5) * 3600 + r.randint(0, 59)
        uri = MONITOR_PATH + "?full=1"
        # Its timer drifts 70 ms a probe, as real schedulers do: an hour on, its probes fall on
        # other seconds, so an error log read an hour off cannot pair with them by chance.
        t = first * US + r.randrange(US)
        while t < self.end * US:
            self.nginx_basic_failure(t, MONITOR_IP, MONITOR_USER, uri, "Blackbox Exporter/0.25.0",
                                     htpasswd="/etc/nginx/.htpasswd-status")
            t += 60 * US + 70000
        self.actors["monitor"] = {"ip": MONITOR_IP, "path": MONITOR_PATH, "user": MONITOR_USER, "interval_seconds": 60}
        # Its neighbour on /status/ has the right password: served lines that name a user.
        for second in range(self.start + 17, self.end, 120):
            self.nginx_access(second * US, SCRAPER_IP, "prometheus", "GET /status/metrics HTTP/1.1", 200, 2291, "Prometheus/2.53.1")

    def colleagues(self):
        """People who get in: the browser asks once without credentials, sometimes they mistype."""
        r = self.rng("colleagues")
        ips, names = set(), set()
        sessions = {}  # ip -> session start times (µs)
        for name in NGINX_COLLEAGUES + APACHE_COLLEAGUES:
            nginx = name in NGINX_COLLEAGUES
            homes = [self.new_ip(r, 0.2) for _ in range(r.randint(2, 3))]
            for day in range(self.start, self.end, DAY):
                for _ in range(r.randint(1, 3)):
                    ip = r.choice(homes)
                    ua = r.choice(BROWSERS)
                    t = (day + r.randint(7 * 3600, 19 * 3600)) * US + r.randrange(US)
                    # Sessions of one address never overlap (one lasts at most 169 s): a page of
                    # one cannot answer the other's challenge, so each session's truth is its own.
                    while any(abs(t - other) < 600 * US for other in sessions.get(ip, ())):
                        t += 900 * US
                    sessions.setdefault(ip, []).append(t)
                    base = "/admin/" if nginx else "/private/"
                    fail = (self.nginx_basic_failure if nginx else self.apache_basic_failure)
                    asked, (cause, path) = t, fail(t, ip, None, base, ua)
                    if r.random() < 0.4:
                        t += r.randint(3, 9) * US
                        fail(t, ip, name, base, ua)
                    for number, page in enumerate(["", "reports/", "users/", "settings/"][:r.randint(1, 4)]):
                        t += r.randint(2, 40) * US
                        # The browser's request without credentials, answered by the first page
                        # within the window (a saved password, a quick typist; a typo between
                        # does not matter): a challenge. Later, it stays a failure.
                        if number == 0 and (t - asked) // US <= CHALLENGE_WINDOW:
                            self.challenge(cause, ip, path)
                        if nginx:
                            self.nginx_access(t, ip, name, "GET %s%s HTTP/1.1" % (base, page), 200, r.randint(2000, 9000), ua)
                        else:
                            self.apache_access(t, ip, name, "GET %s%s HTTP/1.1" % (base, page), 200, r.randint(2000, 9000), ua)
                    ips.add(ip)
                    names.add(name)
        # Editors log in to WordPress; now and then with a typo first.
        for name in WORDPRESS_COLLEAGUES:
            ip, ua = self.new_ip(r, 0.1), r.choice(BROWSERS)
            for day in range(self.start, self.end, DAY):
                t = (day + r.randint(8 * 3600, 18 * 3600)) * US
                if r.random() < 0.5:
                    self.wordpress_login_failure(t, ip, name, ua)
                    t += r.randint(4, 20) * US
                self.nginx_access(t, ip, "-", "POST /wp-login.php HTTP/1.1", 302, 0, ua, "https://example.com/wp-login.php")
                self.wordpress(t, 'User "%s" logged in from %s' % (name, ip))
                self.nginx_access(t + US, ip, "-", "GET /wp-admin/ HTTP/1.1", 200, 48211, ua)
        self.actors["colleagues"] = {"ips": sorted(ips), "names": sorted(names)}

    def api_clients(self):
        r = self.rng("api")
        every = max(120, int(900 / self.scale))
        # Apps holding an expired JWT, all day long.
        for _ in range(2):
            ip, ua = self.new_ip(r, 0.2), r.choice(("okhttp/4.12.0", "MyShopApp/3.4.1 (Android 14)"))
            for second in range(self.start + r.randint(0, every), self.end, every + r.randint(0, 60)):
                self.rest_failure(second * US, ip, ua, r.choice(REST_ROUTES[:3]), 401, "jwt_auth_invalid_token",
                                  "Expired token", "expired-token")
        # A broken integration signing its tokens wrong, in bursts.
        ip = self.new_ip(r)
        for t in self.times(r, self.attempts(r, 60, 150), 2):
            self.rest_failure(t, ip, "node-fetch/1.0", "/wc/v3/orders", 401, "jwt_auth_invalid_token",
                              r.choice(JWT_INVALID), "invalid-token", method="POST")
        # Browsers with a cached page's stale nonce.
        for _ in range(3):
            ip = self.new_ip(r, 0.1)
            for t in self.times(r, r.randint(4, 12), 2):
                self.rest_failure(t, ip, r.choice(BROWSERS), "/wp/v2/comments", 403, "rest_cookie_invalid_nonce",
                                  "Cookie check failed", "invalid-nonce", method="POST")
        # Anonymous scrapers of the user list, some through ?rest_route=.
        for _ in range(3):
            ip = self.new_ip(r)
            for t in self.times(r, r.randint(10, 40), 1):
                self.rest_failure(t, ip, "python-requests/2.32.3", "/wp/v2/users/me", 401, "rest_not_logged_in",
                                  "You are not currently logged in.", "missing-credentials", via_query=r.random() < 0.4)
        # Application-password guessing.
        ip = self.new_ip(r)
        for t in self.times(r, self.attempts(r, 60, 120), 1):
            if r.random() < 0.5:
                self.rest_failure(t, ip, "python-requests/2.31.0", "/wp/v2/users/me", 401, "incorrect_password",
                                  "The provided password is an invalid application password.", "password-mismatch", method="POST")
            else:
                self.rest_failure(t, ip, "python-requests/2.31.0", "/wp/v2/users/me", 401, "invalid_username",
                                  "Unknown username. Check again or try your email address.", "unknown-user", method="POST")
        # miniOrange API authentication clients (400 for wrong names, passwords and secrets).
        for _ in range(2):
            ip = self.new_ip(r)
            for t in self.times(r, self.attempts(r, 30, 80), 3):
                self.miniorange_failure(t, ip, r.choice(("PostmanRuntime/7.42.0", "Zapier")), r.choice(REST_ROUTES[:4]),
                                        r.choice(MINIORANGE))
        # The upstream behind /api/ refuses keys itself: plain 401/403, nobody logs why.
        for _ in range(3):
            ip, ua = self.new_ip(r), r.choice(("Go-http-client/2.0", "Apache-HttpClient/4.5.14 (Java/17.0.9)"))
            for t in self.times(r, r.randint(20, 60), 2):
                status = r.choice((401, 401, 403))
                self.nginx_access(t, ip, "-", "GET /api/v1/orders?page=%d HTTP/1.1" % r.randint(1, 9), status, 61, ua)
                self.request("http-%d" % status, ip, "/api/v1/orders", 0)
        # /api/v2/report works until noon of the last day, then refuses every client.
        noon = MAIN_START + 12 * 3600
        for _ in range(4):
            ip = self.new_ip(r)
            second = MAIN_START + r.randint(0, 900)
            while True:  # at irregular times: people's scripts, not a monitor
                second += r.randint(120, 2400)
                if second >= self.end:
                    break
                if second < noon:
                    self.nginx_access(second * US, ip, "-", "GET /api/v2/report HTTP/1.1", 200, 1840, "reporting/2.1")
                else:
                    self.nginx_access(second * US, ip, "-", "GET /api/v2/report HTTP/1.1", 401, 61, "reporting/2.1")
                    self.request("http-401", ip, "/api/v2/report", 0)

    def apache_specials(self):
        r = self.rng("apache")
        # A script that sends a Bearer token where Basic is asked for.
        ip = self.new_ip(r)
        for t in self.times(r, max(20, int(40 * self.scale)), 2):
            self.apache_access(t, ip, "-", "GET /private/api/export HTTP/1.1", 401, 381, "curl/8.5.0")
            self.apache_error(t, "auth_basic:error", "AH01614: client used wrong authentication scheme: /private/api/export",
                              ip, ("wrong-scheme", ip, "/private/api/export", None))
            self.request("wrong-scheme", ip, "/private/api/export", 1)
        # The nightly backup job: authenticated, but not allowed into /private/admin/.
        ip = self.new_ip(r)
        for day in range(self.start, self.end, DAY):
            t = (day + 3 * 3600 + r.randint(0, 600)) * US
            self.apache_access(t, ip, "backup", "GET /private/exports/ HTTP/1.1", 200, 5120, "Wget/1.21.4")
            t += 2 * US
            self.apache_access(t, ip, "backup", "GET /private/admin/ HTTP/1.1", 401, 381, "Wget/1.21.4")
            self.apache_error(t, "authz_core:error", 'AH01631: user backup: authorization failure for "/private/admin/": ',
                              ip, ("not-authorized", ip, "/private/admin/", "backup"))
            self.request("not-authorized", ip, "/private/admin/", 1)
        # The PHP app refusing its own pages, and a directory without an index: 403s no auth line explains.
        for t in self.times(r, max(10, int(30 * self.scale)), 3):
            ip = self.new_ip(r)
            if r.random() < 0.5:
                self.apache_access(t, ip, "-", "GET /app/admin.php HTTP/1.1", 403, 1022, r.choice(BROWSERS))
                self.request("http-403", ip, "/app/admin.php", 0)
            else:
                self.apache_access(t, ip, "-", "GET /uploads/ HTTP/1.1", 403, 199, r.choice(CRAWLERS))
                self.apache_error(t, "autoindex:error", "AH01276: Cannot serve directory /var/www/html/uploads/: No matching "
                                  "DirectoryIndex (index.php,index.html) found, and server-generated directory index "
                                  "forbidden by Options directive", ip)
                self.request("http-403", ip, "/uploads/", 0)
        # nginx's own directory-index 403, likewise no auth line.
        for t in self.times(r, max(10, int(20 * self.scale)), 2):
            ip = self.new_ip(r)
            request = "GET /wp-content/uploads/ HTTP/1.1"
            self.nginx_access(t, ip, "-", request, 403, 153, r.choice(CRAWLERS))
            self.nginx_error(t, "error", 'directory index of "/var/www/wordpress/wp-content/uploads/" is forbidden', ip, request)
            self.request("http-403", ip, "/wp-content/uploads/", 0)

    def syslog(self):
        """Two more servers logging through syslog: an nginx edge proxy and an Apache without its own stamp."""
        r = self.rng("syslog")
        ips = [self.new_ip(r) for _ in range(3)]
        for t in self.times(r, max(40, int(150 * self.scale)), 4):
            ip, second = r.choice(ips), t // US
            stamp = self.stamp(second)
            if r.random() < 0.6:  # traditional header; nginx's own time wins
                user = r.choice(("root", "admin", "deploy", "test"))
                known = user in ("admin", "deploy")
                cause = "password-mismatch" if known else "unknown-user"
                message = 'user "%s": password mismatch' % user if known else 'user "%s" was not found in "/etc/nginx/.htpasswd"' % user
                self.connection += 1
                self.emit(t, "sl", '%s edge nginx[811]: %s [error] 811#811: *%d %s, client: %s, server: edge.example.net, '
                          'request: "GET /manage/ HTTP/1.1", host: "edge.example.net"\n' % (
                              stamp["syslog"], stamp["nginx"], self.connection, message, ip), (cause, ip, "/manage/", user))
                self.request(cause, ip, "/manage/", 0)
            else:                 # RFC 3339 header; Apache writes no time of its own to syslog
                filename = "/srv/legacy/" + r.choice((".env", "config.inc.php", ".git/config"))
                self.emit(t, "sl", "%s.%06d+00:00 legacy httpd[3120]: [authz_core:error] [pid 3120:tid 140201] [client %s:%d] "
                          "AH01630: client denied by server configuration: %s\n" % (
                              stamp["iso"], t % US, ip, 40000 + t % 20000, filename), ("denied-by-rule", ip, filename, None))
                self.request("denied-by-rule", ip, filename, 0)
        for second in range(self.start + 300, self.end, 1800):
            stamp = self.stamp(second)
            self.emit(second * US, "sl", "%s edge CRON[%d]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)\n" % (
                stamp["syslog"], 20000 + second % 9000))
            self.emit(second * US + 1, "sl", "%s.000000+00:00 legacy systemd[1]: Starting logrotate.service - Rotate log files...\n" % stamp["iso"])

    # --- benign traffic and noise, written window by window ----------------------------------
