"""The attackers: basic-auth guessers, WordPress stuffers, a botnet, scanners, hostile lines."""

import math

from .world import *  # noqa: F401,F403


class Attacks:
    """Mixed into the corpus: every method adds one kind of attacker's traffic."""

    def guessed_names(self, r, count):
        names = list(GUESSED_NAMES)
        for given in GIVEN:
            for family in r.sample(FAMILY, 4):
                names += [given + "." + family, given[0] + family, "%s.%s@%s" % (given, family, r.choice(DOMAINS)),
                          "%s%d" % (given, r.randint(1, 99))]
        r.shuffle(names)
        return [names[i % len(names)] for i in range(count)]

    def attempts(self, r, low, high):
        return max(60, int(r.randint(low, high) * self.scale))

    def basic_auth_guessers(self):
        r = self.rng("basic")
        guessers = []
        for index in range(3 + int(math.log2(1 + self.scale))):
            ip, ua = self.new_ip(r, 0.1), r.choice(ATTACK_AGENTS)
            uris = r.choice((("/admin/",), ("/admin/", "/admin/login"), ("/admin/", "/admin/?next=%2Fadmin%2Fsettings")))
            moments = self.times(r, self.attempts(r, 120, 400), r.randint(1, 3))
            names = self.guessed_names(r, len(moments)) if index else ["admin"] * len(moments)
            for t, name in zip(moments, names):
                self.nginx_basic_failure(t, ip, name, r.choice(uris), ua)
            guessers.append(ip)
        for _ in range(2 + int(math.log2(1 + self.scale) / 2)):
            ip, ua = self.new_ip(r, 0.1), r.choice(ATTACK_AGENTS)
            moments = self.times(r, self.attempts(r, 100, 300), r.randint(1, 2))
            for t, name in zip(moments, self.guessed_names(r, len(moments))):
                self.apache_basic_failure(t, ip, name, r.choice(("/private/", "/private/reports/")), ua)
            guessers.append(ip)
        self.actors["basic_auth_guessers"] = sorted(guessers)

    def wordpress_guessers(self):
        r = self.rng("wordpress")
        guessers = {}
        for index in range(4 + int(math.log2(1 + self.scale))):
            ip, ua = self.new_ip(r, 0.05), r.choice(ATTACK_AGENTS)
            xmlrpc = r.choice((0.0, 0.3, 0.8))
            moments = self.times(r, self.attempts(r, 150, 500), r.randint(1, 3))
            # The first one knows a real name and guesses its password only.
            names = ["webmaster"] * len(moments) if index == 0 else self.guessed_names(r, len(moments))
            for t, name in zip(moments, names):
                if r.random() < 0.03:  # limit_req refuses it before WordPress sees it: no debug line
                    self.nginx_access(t, ip, "-", "POST /wp-login.php HTTP/1.1", 503, 197, ua)
                    self.nginx_error(t, "error", 'limiting requests, excess: 10.240 by zone "login"', ip, "POST /wp-login.php HTTP/1.1")
                    continue
                self.wordpress_login_failure(t, ip, name, ua, "/xmlrpc.php" if r.random() < xmlrpc else "/wp-login.php")
            guessers[ip] = len(set(names))
        self.actors["wordpress_guessers"] = dict(sorted(guessers.items()))

    def botnet(self):
        """Many addresses, a few tries each, all on the name 'admin'."""
        r = self.rng("botnet")
        ips = [self.new_ip(r, 0.08) for _ in range(min(2000, max(25, int(40 * self.scale ** 1.5))))]
        for ip in ips:
            ua = r.choice(ATTACK_AGENTS)
            for t in self.times(r, r.randint(1, 4), 1, (60, 3600)):
                if r.random() < 0.7:
                    self.wordpress_login_failure(t, ip, "admin", ua)
                else:
                    self.nginx_basic_failure(t, ip, "admin", "/admin/", ua)
        self.actors["distributed"] = {"user": "admin", "ips": len(ips)}

    def scanners(self):
        r = self.rng("scanners")
        for _ in range(4 + int(math.log2(1 + self.scale))):
            ip, ua, server = self.new_ip(r), r.choice(SCAN_AGENTS), r.choice(("nginx", "apache", "both"))
            t = self.times(r, 1)[0]
            if server in ("nginx", "both"):
                for uri in r.sample(NGINX_SECRETS, r.randint(3, 8)) + r.sample(NGINX_PROBES, 3):
                    t += r.randint(100000, 1500000)
                    if uri in NGINX_SECRETS:
                        self.nginx_forbidden(t, ip, uri, ua)
                    else:
                        self.nginx_access(t, ip, "-", "GET %s HTTP/1.1" % uri, 404, 38211, ua)
            if server in ("apache", "both"):
                for uri in r.sample(APACHE_SECRETS, r.randint(3, 6)) + r.sample(APACHE_PROBES, 2):
                    t += r.randint(100000, 1500000)
                    if uri in APACHE_SECRETS:
                        self.apache_denied(t, ip, uri, ua)
                    else:
                        self.apache_access(t, ip, "-", "GET %s HTTP/1.1" % uri, 404, 274, ua)

    def hostile(self):
        """Attacker-shaped lines today's authlog reads correctly: each failure counted as written."""
        r = self.rng("hostile")
        for t in self.times(r, max(4, int(8 * self.scale)), 4):
            ip, kind = self.new_ip(r), r.randrange(8)
            if kind == 0:    # a forged client in the referer, on both servers
                self.nginx_basic_failure(t, ip, "root", "/admin/", "curl/7.68.0", "https://x/, client: 6.6.6.6, server: y",
                                         ', referrer: "https://x/, client: 6.6.6.6, server: y"')
                self.apache_basic_failure(t + 3 * US, ip, "root", "/private/", "curl/7.68.0", "[client 6.6.6.6:1] x")
            elif kind == 1:  # a forged client in the query of the request line
                self.nginx_basic_failure(t, ip, "admin", "/admin/?next=,client:6.6.6.6,server:y", "curl/7.68.0")
            elif kind == 2:  # ESC sequences in user names (nginx logs them raw in its error log)
                self.nginx_basic_failure(t, ip, "\x1b[31madmin\x1b[0m", "/admin/", r.choice(ATTACK_AGENTS))
                self.apache_basic_failure(t + 2 * US, ip, "\x1b]0;pwned\x07", "/private/", r.choice(ATTACK_AGENTS))
            elif kind == 3:  # a Latin-1 user name: invalid UTF-8 in the error log, \xf6 in the access log
                self.apache_basic_failure(t, ip, "j\udcf6rg", "/private/", r.choice(BROWSERS), raw_user="j\udcf6rg")
            elif kind == 4:  # quotes and ANSI escapes in the user agent of a 401
                self.nginx_basic_failure(t, ip, None, "/admin/", 'Mozilla/5.0 "evil" \x1b[2J')
                self.apache_basic_failure(t + US, ip, None, "/private/", 'Mozilla/5.0 "evil" \x1b[2J')
            elif kind == 5:  # a 12 KB URL that still gets its 401, and a script tag in the path
                self.nginx_basic_failure(t, ip, None, "/admin/?next=" + "A" * r.randint(8000, 16000), "Mozilla/5.0")
                self.nginx_basic_failure(t + 2 * US, ip, None, "/admin/<script>alert(1)</script>", "Mozilla/5.0")
            elif kind == 6:  # a TLS handshake on port 80, the empty request, a slowloris 408
                self.nginx_access(t, ip, "-", "\x16\x03\x01\x02\x00\x01\x00\x01\udcfc\x03\x03", 400, 157, "-")
                self.nginx_access(t + US, ip, "-", "-", 400, 0, "-")
                self.apache_access(t + US, ip, "-", "-", 408, 0, "-")
            else:            # path traversal, refused by a deny rule
                self.nginx_forbidden(t, ip, "/.git/../../etc/passwd", "Mozilla/5.0 zgrab/0.x")
