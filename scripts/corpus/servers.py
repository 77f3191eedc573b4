"""Lines as nginx, Apache, WordPress and syslog write them, each with the event it stands for."""

import random
from collections import Counter

from .text import Stamps, as_key, escape_apache, escape_nginx, server_unescape, url_path
from .world import *  # noqa: F401,F403  (the world's constants)


class Servers:
    """The corpus being written: lines (with the event each stands for), requests, and how each
    server logs a request or a failure. Actors (attacks.py, clients.py) call these."""

    def __init__(self, out, size, seed, rotated):
        self.out, self.size, self.seed, self.rotated = out, size, seed, rotated
        self.start = MAIN_START - (2 * DAY if rotated else 0)
        self.end = MAIN_START + DAY
        self.scale = min(12.0, max(0.3, size / (20 << 20))) ** 0.7   # attack volume grows slower than size
        self.stamp = Stamps()
        self.lines = []            # (time µs, sequence, stream, bytes, event or None)
        self.sequence = 0
        self.connection = 41000
        self.used_ips = {MONITOR_IP, SCRAPER_IP}
        self.requests = Counter()
        self.request_ips, self.request_paths = Counter(), Counter()
        self.paired = 0
        self.challenges = Counter()  # by cause: requests written as failures that were challenges
        self.written = Counter()     # by cause: every request() as written, challenges included
        self.actors = {}

    # --- randomness and addresses ----------------------------------------------------------
    def rng(self, name):
        return random.Random("%d/%s" % (self.seed, name))

    def new_ip(self, r, v6=0.08):
        while True:
            if r.random() < v6:
                ip = "%s:%x:%x::%x" % (r.choice(V6_PREFIXES), r.randrange(1, 65536), r.randrange(65536), r.randrange(1, 65536))
            else:
                first = r.randint(1, 223)
                if first in RESERVED_FIRST_OCTETS:
                    continue
                ip = "%d.%d.%d.%d" % (first, r.randint(0, 255), r.randint(0, 255), r.randint(1, 254))
            if ip not in self.used_ips:
                self.used_ips.add(ip)
                return ip

    def times(self, r, count, bursts=1, length=(600, 5400)):
        """count moments (µs) in `bursts` random stretches of the simulation, sorted."""
        spans = []
        for _ in range(bursts):
            span = min(r.randint(*length), self.end - self.start - 1)
            begin = r.randint(self.start, self.end - span - 1)
            spans.append((begin, span))
        return sorted(int((begin + r.random() * span) * US) for begin, span in (r.choice(spans) for _ in range(count)))

    # --- lines ------------------------------------------------------------------------------
    def emit(self, t, stream, text, event=None):
        data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape")
        self.sequence += 1
        self.lines.append((t, self.sequence, stream, data, event))

    def request(self, cause, ip, path, paired):
        self.requests[cause] += 1
        self.written[cause] += 1
        self.request_ips[ip] += 1
        if path is not None:
            self.request_paths[path] += 1
        self.paired += paired

    def challenge(self, cause, ip, path):
        """The request() just tallied was a challenge: a 401 without credentials that the same
        client answered within CHALLENGE_WINDOW seconds with a login that worked, to the same
        realm. authlog counts it under challenges, not as a failed request (it was still paired)."""
        self.requests[cause] -= 1
        self.request_ips[ip] -= 1
        self.request_paths[path] -= 1
        self.challenges[cause] += 1

    @staticmethod
    def login_failed(written, status, size):
        """WordPress's refusal as the access log alone shows it (patterns/access-rules.conf):
        the login form POSTed (no action, or action=login) answered 200, or XML-RPC answered
        200 with a fault-sized body (380-460 bytes). Each is an event of cause login-failed."""
        if status != 200 or not written.startswith("POST "):
            return False
        uri = written.split(" ")[1]
        path, _, query = uri.partition("?")
        if path == "/wp-login.php":
            actions = [part[len("action="):] for part in query.split("&") if part.startswith("action=")]
            return not actions or actions[0] == "login"
        return path == "/xmlrpc.php" and size is not None and 380 <= size <= 460

    def nginx_access(self, t, ip, user, request, status, size, ua, referer="-", stream="na"):
        """user is the $remote_user text as written ("-" for none); request and UA raw."""
        written = escape_nginx(request)
        event = None
        if status in (401, 403):
            event = ("http-%d" % status, ip, url_path(written), None if user == "-" else server_unescape(user))
        elif self.login_failed(written, status, size):
            event = ("login-failed", ip, url_path(written), None if user == "-" else server_unescape(user))
        self.emit(t, stream, '%s - %s [%s] "%s" %d %d "%s" "%s"\n' % (
            ip, user, self.stamp(t // US)["clf"], written, status, size, escape_nginx(referer), escape_nginx(ua)), event)
        return written

    def apache_access(self, t, ip, user, request, status, size, ua, referer="-"):
        written = escape_apache(request)
        event = None
        if status in (401, 403):
            event = ("http-%d" % status, ip, url_path(written), None if user == "-" else server_unescape(user))
        elif self.login_failed(written, status, size):
            event = ("login-failed", ip, url_path(written), None if user == "-" else server_unescape(user))
        self.emit(t, "aa", '%s - %s [%s] "%s" %d %s "%s" "%s"\n' % (
            ip, user, self.stamp(t // US)["clf"], written, status, size if size else "-", escape_apache(referer),
            escape_apache(ua)), event)

    def nginx_error(self, t, level, message, ip=None, request=None, event=None, tail="", stream="ne", stamp=None):
        self.connection += 1
        context = ""
        if ip is not None:
            context = ", client: %s, server: %s" % (ip, NGINX_HOST)
            if request is not None:
                context += ', request: "%s", host: "%s"' % (request, NGINX_HOST)
        pid = 1180 + self.connection % 4
        self.emit(t, stream, "%s [%s] %d#%d: *%d %s%s%s\n" % (
            stamp or self.stamp(t // US)["nginx"], level, pid, pid, self.connection, message, context, tail), event)

    def apache_error(self, t, module, message, ip=None, event=None):
        base, year = self.stamp(t // US)["apache"]
        head = "[%s.%06d %d] " % (base, t % US, year)
        client = " [client %s:%d]" % (ip, 30000 + (t // 7) % 35000) if ip else ""
        pid = 2200 + (t // US) % 7
        self.emit(t, "ae", "%s[%s] [pid %d:tid %d]%s %s\n" % (
            head, module, pid, 140001000000 + pid * 4096, client, message), event)

    def wordpress(self, t, message, event=None):
        self.emit(t, "wp", "[%s] %s\n" % (self.stamp(t // US)["wordpress"], message), event)

    # --- failures as the servers log them ---------------------------------------------------
    def nginx_basic_failure(self, t, ip, user, uri, ua, referer="-", tail="", htpasswd="/etc/nginx/.htpasswd"):
        """A 401 of auth_basic and its error line. user None: no credentials sent."""
        request = "GET %s HTTP/1.1" % uri
        written = self.nginx_access(t, ip, "-" if user is None else escape_nginx(user), request, 401, 179, ua, referer)
        path = url_path(written)
        if user is None:
            cause, message = "missing-credentials", "no user/password was provided for basic authentication"
        else:
            known = user in (STATUS_USERS if htpasswd.endswith("-status") else NGINX_USERS)
            cause = "password-mismatch" if known else "unknown-user"
            message = 'user "%s": password mismatch' % user if known else 'user "%s" was not found in "%s"' % (user, htpasswd)
        self.nginx_error(t, "info" if user is None else "error", message, ip, request,
                         (cause, ip, url_path(request), user), tail)
        self.request(cause, ip, path, 1)
        return cause, path

    def apache_basic_failure(self, t, ip, user, uri, ua, referer="-", raw_user=None):
        """A 401 of mod_auth_basic; user None: no credentials, which Apache logs in no error line."""
        shown = escape_apache(raw_user if raw_user is not None else user) if user is not None else "-"
        self.apache_access(t, ip, shown, "GET %s HTTP/1.1" % uri, 401, 381, ua, referer)
        path = uri.split("?", 1)[0]
        if user is None:
            self.request("http-401", ip, path, 0)
            return "http-401", path
        error_user = raw_user if raw_user is not None else shown
        if user in APACHE_USERS:
            cause, message = "password-mismatch", 'AH01617: user %s: authentication failure for "%s": Password Mismatch' % (error_user, path)
        else:
            cause, message = "unknown-user", "AH01618: user %s not found: %s" % (error_user, path)
        if referer != "-":
            message += ", referer: " + referer
        self.apache_error(t, "auth_basic:error", message, ip, (cause, ip, path, server_unescape(error_user)))
        self.request(cause, ip, path, 1)

    def wordpress_login_failure(self, t, ip, user, ua, target="/wp-login.php"):
        """WordPress re-shows the form (200; XML-RPC's fault body is 403 bytes): only debug.log says why."""
        self.nginx_access(t, ip, "-", "POST %s HTTP/1.1" % target, 200, 403 if target == "/xmlrpc.php" else 4518, ua,
                          "https://%s%s" % (NGINX_HOST, target) if target == "/wp-login.php" else "-")
        code = "incorrect_password" if user in WORDPRESS_USERS else "invalid_username"
        cause = "password-mismatch" if code == "incorrect_password" else "unknown-user"
        self.wordpress(t, 'Login failed for user "%s" from %s (%s)' % (user, ip, code), (cause, ip, None, user))
        self.request(cause, ip, target, 1)

    def rest_failure(self, t, ip, ua, route, status, code, text, cause, via_query=False, method="GET"):
        uri = "/?rest_route=%s" % route if via_query else "/wp-json%s" % route
        written = self.nginx_access(t, ip, "-", "%s %s HTTP/1.1" % (method, uri), status, 120, ua)
        self.wordpress(t, "REST API auth error %d %s: %s, ip=%s, route=%s" % (status, code, text, ip, route), (cause, ip, route, None))
        self.request(cause, ip, url_path(written), 1)

    def miniorange_failure(self, t, ip, ua, route, error):
        name, status, description, cause = error
        self.nginx_access(t, ip, "-", "GET /wp-json%s HTTP/1.1" % route, status, 138, ua)
        body = '{"status":"error","error":"%s","code":"%d","error_description":"%s"}' % (name, status, description)
        self.wordpress(t, "API auth failure: %s ip=%s route=%s" % (body, ip, route), (cause, ip, route, None))
        self.request(cause, ip, "/wp-json" + route, 1)

    def nginx_forbidden(self, t, ip, uri, ua):
        request = "GET %s HTTP/1.1" % uri
        self.nginx_access(t, ip, "-", request, 403, 153, ua)
        self.nginx_error(t, "error", "access forbidden by rule", ip, request, ("denied-by-rule", ip, url_path(request), None))
        self.request("denied-by-rule", ip, url_path(request), 1)

    def apache_denied(self, t, ip, uri, ua):
        self.apache_access(t, ip, "-", "GET %s HTTP/1.1" % uri, 403, 199, ua)
        filename = APACHE_ROOT + uri
        self.apache_error(t, "authz_core:error", "AH01630: client denied by server configuration: " + filename, ip,
                          ("denied-by-rule", ip, filename, None))
        self.request("denied-by-rule", ip, uri, 1)
