"""The corpus: actors first, then benign traffic window by window, merged, written, tallied."""

import math
import time
from collections import Counter

from .attacks import Attacks
from .clients import Clients
from .servers import Servers
from .text import Output, as_key, top
from .world import *  # noqa: F401,F403


class Corpus(Servers, Attacks, Clients):
    """The whole simulation; write() writes the files, truth() says what they hold."""

    def benign(self, r, window, budget, pools):
        """Visitors, crawlers and noise lines for one window, until `budget` bytes are written."""
        written, begin = 0, window * US
        while written < budget:
            t = begin + r.randrange(WINDOW * US)
            before = len(self.lines)
            kind = r.random()
            if kind < 0.55:
                ip, ua = r.choices(pools["people"], cum_weights=pools["people_weights"])[0]
                page = r.choice(NGINX_PAGES)
                status = 200 if r.random() < 0.93 else r.choice((301, 304, 404))
                self.nginx_access(t, ip, "-", "GET %s HTTP/2.0" % page, status, r.randint(18000, 96000) if status == 200 else 0,
                                  ua, r.choice(REFERERS))
                for asset in r.sample(NGINX_ASSETS, r.randint(1, 4)):
                    t = min(t + r.randrange(20000, 300000), begin + WINDOW * US - 1)
                    self.nginx_access(t, ip, "-", "GET %s HTTP/2.0" % asset, 200, r.randint(900, 120000), ua,
                                      "https://example.com" + page)
                if status == 404 and r.random() < 0.5:
                    self.nginx_error(t, "error", 'open() "/var/www/wordpress%s" failed (2: No such file or directory)' % page.split("?")[0],
                                     ip, "GET %s HTTP/2.0" % page)
            elif kind < 0.80:
                ip, ua = r.choices(pools["people"], cum_weights=pools["people_weights"])[0]
                page = r.choice(APACHE_PAGES)
                self.apache_access(t, ip, "-", "GET %s HTTP/1.1" % page, 200, r.randint(4000, 60000), ua, r.choice(REFERERS))
                for asset in r.sample(APACHE_ASSETS, r.randint(1, 3)):
                    t = min(t + r.randrange(20000, 300000), begin + WINDOW * US - 1)
                    self.apache_access(t, ip, "-", "GET %s HTTP/1.1" % asset, r.choice((200, 304)), r.randint(0, 90000), ua)
            elif kind < 0.92:
                ip, ua = r.choice(pools["crawlers"])
                if r.random() < 0.5:
                    self.nginx_access(t, ip, "-", "GET %s HTTP/1.1" % r.choice(NGINX_PAGES), 200, r.randint(18000, 96000), ua)
                else:
                    self.apache_access(t, ip, "-", "GET %s HTTP/1.1" % r.choice(APACHE_PAGES), 200, r.randint(4000, 60000), ua)
            else:
                self.noise(r, t, r.choices(pools["people"], cum_weights=pools["people_weights"])[0][0])
            for line in self.lines[before:]:
                written += len(line[3])

    def noise(self, r, t, ip):
        """Error and debug lines that are no authentication failures, some of them traps or damage."""
        kind = r.randrange(12)
        if kind == 0:
            self.nginx_access(t, ip, "-", "GET /shop/ HTTP/2.0", 504, 167, r.choice(BROWSERS))
            self.nginx_error(t, "error", "upstream timed out (110: Connection timed out) while reading response header from upstream",
                             ip, "GET /shop/ HTTP/2.0", tail=', upstream: "fastcgi://unix:/run/php/php8.2-fpm.sock:"')
        elif kind == 1:
            self.nginx_error(t, "crit", "SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking",
                             tail=", client: %s, server: 0.0.0.0:443" % ip)
        elif kind == 2:
            self.nginx_error(t, "warn", "an upstream response is buffered to a temporary file /var/cache/nginx/fastcgi_temp/4/21/0000004214",
                             ip, "GET /wp-admin/admin-ajax.php HTTP/2.0")
        elif kind == 3:
            self.wordpress(t, "PHP Warning:  Undefined array key \"incorrect_password\" in /var/www/wordpress/wp-content/plugins/shop-extras/auth.php on line 88")
        elif kind == 4:
            self.wordpress(t, "PHP Fatal error:  Uncaught Error: Call to undefined function wp_authenticate_legacy() in /var/www/wordpress/wp-content/plugins/sso-bridge/sso.php:41")
            self.emit(t, "wp", "Stack trace:\n#0 /var/www/wordpress/wp-includes/pluggable.php(612): wp_authenticate('admin', 'invalid_username')\n"
                               "#1 {main}\n  thrown in /var/www/wordpress/wp-content/plugins/sso-bridge/sso.php on line 41\n")
        elif kind == 5:
            self.wordpress(t, "REST API request authenticated for user shopkeeper via application password \"ci\", route=/wc/v3/orders")
        elif kind == 6:
            self.wordpress(t, "WordPress database error Deadlock found when trying to get lock; try restarting transaction for query UPDATE `wp_options` SET `option_value` = '1' WHERE `option_name` = 'cron'")
        elif kind == 7:   # Latin-1 bytes from a PHP app: invalid UTF-8
            self.apache_error(t, "php:warn", "PHP Warning:  Undefined variable $gr\udcfc\udcdfe in /var/www/html/app/tickets.php on line 88, referer: https://intranet.example.org/app/", ip)
        elif kind == 8:
            self.apache_error(t, "proxy_http:error", "(70007)The timeout specified has expired: AH01102: error reading status line from remote server 127.0.0.1:8080", ip)
        elif kind == 9:   # damage: a run of NUL bytes where a crashed writer left a hole
            self.emit(t, "na", b"\x00" * r.randint(8, 200) + ('%s - - [%s] "GET / HTTP/1.1" 200 512 "-" "-"\n' % (ip, self.stamp(t // US)["clf"])).encode())
        elif kind == 10:  # a blank line, and a line cut short by a full disk
            self.emit(t, "ne", b"\n")
            self.emit(t, "ae", ("[%s.%06d %d] [core:error] [pid 2204:tid 14000] [client %s:5100] AH00" % (
                self.stamp(t // US)["apache"][0], t % US, self.stamp(t // US)["apache"][1], ip)).encode() + b"\n")
        else:             # a Latin-1 path nginx escapes, and a raw one in debug.log
            self.nginx_access(t, ip, "-", "GET /caf\udce9/ HTTP/1.1", 404, 38211, r.choice(BROWSERS))
            self.wordpress(t, "Notice: Undefined index: caf\udce9 in /var/www/wordpress/wp-content/themes/astra/functions.php on line 12")

    def daily(self):
        """Midnight: nginx reopens its logs, Apache restarts gracefully."""
        for day in range(self.start, self.end, DAY):
            self.nginx_error(day * US + 1000, "notice", "signal 10 (SIGUSR1) received from 4242, reopening logs")
            self.apache_error(day * US + 2000, "mpm_event:notice", "AH00493: SIGUSR1 received.  Doing graceful restart")
            self.apache_error(day * US + 3000, "mpm_event:notice", "AH00489: Apache/2.4.62 (Debian) configured -- resuming normal operations")

    def write(self):
        r = self.rng("benign")
        for build in (self.daily, self.monitor, self.basic_auth_guessers, self.wordpress_guessers, self.botnet,
                      self.colleagues, self.api_clients, self.scanners, self.apache_specials, self.hostile, self.syslog):
            build()
        # One line past --max-line's default (1 MiB): skipped and counted, never an event.
        if self.size >= (6 << 20):
            t = (self.start + 4 * 3600) * US + 1
            self.emit(t, "na", '203.0.113.99 - - [%s] "GET /admin/?q=%s HTTP/1.1" 401 179 "-" "-"\n' % (
                self.stamp(t // US)["clf"], "B" * (1 << 20)))
        special = sorted(self.lines)
        special_bytes = sum(len(line[3]) for line in special)
        self.lines = []
        people = [(self.new_ip(r, 0.1), r.choice(BROWSERS)) for _ in range(max(300, min(200000, self.size // 20000)))]
        pools = {"people": people, "people_weights": [], "crawlers": [(self.new_ip(r), r.choice(CRAWLERS)) for _ in range(60)]}
        total = 0.0
        for rank in range(len(people)):
            total += 1.0 / (rank + 3) ** 0.9
            pools["people_weights"].append(total)

        windows = list(range(self.start, self.end, WINDOW))
        curve = [1.0 + 0.7 * math.sin(2 * math.pi * ((w % DAY) / DAY - 0.375)) for w in windows]
        budget_total = max(0, self.size - special_bytes)
        scale = budget_total / sum(curve)
        outputs, events = {}, Counter()
        self.event_causes, self.event_ips, self.event_paths, self.event_users = Counter(), Counter(), Counter(), Counter()
        for relative in self.files():
            outputs[relative] = Output(self.out, relative)
        position, carry = 0, 0.0
        for window, weight in zip(windows, curve):
            budget = weight * scale + carry
            self.benign(r, window, budget, pools)
            produced = sum(len(line[3]) for line in self.lines)
            carry = budget - produced
            end = (window + WINDOW) * US
            batch = self.lines
            while position < len(special) and special[position][0] < end:
                batch.append(special[position])
                position += 1
            batch.sort(key=lambda line: (line[0], line[1]))
            for t, _, stream, data, event in batch:
                relative = self.route(stream, t // US)
                outputs[relative].write(data)
                if event is not None:
                    events[relative] += 1
                    self.count_event(event)
            self.lines = []
        for t, _, stream, data, event in special[position:]:  # the last seconds' stragglers
            relative = self.route(stream, t // US)
            outputs[relative].write(data)
            if event is not None:
                events[relative] += 1
                self.count_event(event)
        files = {}
        for relative, output in outputs.items():
            stored = output.close()
            files[relative] = {"lines": output.lines, "bytes": output.bytes, "format": FILE_FORMATS[relative]}
            if output.gzip:
                files[relative].update({"compression": "gzip", "stored_bytes": stored})
        return files, events

    def files(self):
        names = ["nginx/access.log", "nginx/error.log", "apache/access.log", "apache/error.log", "wordpress/debug.log", "syslog/messages"]
        return (["nginx/access.log.2.gz", "nginx/access.log.1", "nginx/error.log.1"] if self.rotated else []) + names

    def route(self, stream, second):
        if stream == "na":
            if self.rotated and second < MAIN_START:
                return "nginx/access.log.1" if second >= MAIN_START - DAY else "nginx/access.log.2.gz"
            return "nginx/access.log"
        if stream == "ne":
            return "nginx/error.log.1" if self.rotated and second < MAIN_START else "nginx/error.log"
        return {"aa": "apache/access.log", "ae": "apache/error.log", "wp": "wordpress/debug.log", "sl": "syslog/messages"}[stream]

    def count_event(self, event):
        cause, ip, path, user = event
        self.event_causes[cause] += 1
        self.event_ips[ip] += 1
        if path is not None:
            self.event_paths[as_key(path)] += 1
        if user is not None:
            self.event_users[as_key(user)] += 1

    def truth(self, files, events):
        iso = lambda second: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second))
        return {
            "generator": "authlog scripts/gen-corpus", "seed": self.seed, "size_bytes": self.size,
            "total_bytes": sum(f["bytes"] for f in files.values()), "rotated": self.rotated,
            "time_range": {"start": iso(self.start), "end": iso(self.end)},
            "files": files,
            "line_events": {
                "total": sum(self.event_causes.values()),
                "by_cause": {cause: self.event_causes[cause] for cause in CAUSES},
                "by_file": {relative: events[relative] for relative in files},
                "by_ip": top(self.event_ips), "by_path": top(self.event_paths), "by_user": top(self.event_users),
            },
            "requests": {
                "total": sum(self.requests.values()), "paired": self.paired,
                "by_cause": {cause: self.requests[cause] for cause in CAUSES},
                "by_ip": top(+self.request_ips), "by_path": top(+Counter({as_key(k): v for k, v in self.request_paths.items()})),
                # 401s without credentials answered at once by a login (see Servers.challenge):
                # no failed requests, so in none of the figures above.
                "challenges": {"total": sum(self.challenges.values()),
                               "by_cause": {cause: self.challenges[cause] for cause in CAUSES if self.challenges[cause]}},
                # Every refused request as written, before any was found to be a challenge:
                # what failures and challenges add up to.
                "written": {"total": sum(self.written.values()), "by_cause": {cause: self.written[cause] for cause in CAUSES}},
            },
            "actors": self.actors,
        }
