#!/usr/bin/env python3
"""Writes the container and journal fixtures (ContainerLogTests): one nginx container's
stdout and stderr as containerd's CRI files and docker's json-file driver store them, and
`journalctl -o json` entries of nginx, apache2 and sshd. Run from this directory."""
import json

err1 = '2026/11/20 06:25:14 [error] 29#29: *1 user "admin" was not found in "/etc/nginx/.htpasswd", client: 203.0.113.7, server: localhost, request: "GET /admin/ HTTP/1.1", host: "example.com"'
acc1 = '203.0.113.7 - admin [20/Nov/2026:06:25:14 +0000] "GET /admin/ HTTP/1.1" 401 179 "-" "curl/8.5.0" "-"'
# a long access line the runtime split: the status is in the second part only
accP1 = '198.51.100.23 - bob [20/Nov/2026:06:25:20 +0000] "GET /status/'
accP2 = 'health HTTP/1.1" 401 179 "-" "curl/8.5.0" "-"'
err2 = '2026/11/20 06:25:20 [error] 29#29: *2 user "bob": password mismatch, client: 198.51.100.23, server: localhost, request: "GET /status/health HTTP/1.1", host: "example.com"'
ok = '203.0.113.50 - - [20/Nov/2026:06:25:30 +0000] "GET / HTTP/1.1" 200 615 "-" "curl/8.5.0" "-"'
forbidden = '2026/11/20 06:25:40 [error] 29#29: *3 access forbidden by rule, client: 203.0.113.9, server: localhost, request: "GET /.env HTTP/1.1", host: "example.com"'
acc403 = '203.0.113.9 - - [20/Nov/2026:06:25:40 +0000] "GET /.env HTTP/1.1" 403 153 "-" "<script>&amp;" "-"'
cri = [
    ('2026-11-20T06:25:14.100000000Z', 'stderr', 'F', err1),
    ('2026-11-20T06:25:14.100500000Z', 'stdout', 'F', acc1),
    ('2026-11-20T06:25:20.000000000Z', 'stdout', 'P', accP1),
    ('2026-11-20T06:25:20.000100000Z', 'stderr', 'F', err2),
    ('2026-11-20T06:25:20.000200000Z', 'stdout', 'F', accP2),
    ('2026-11-20T06:25:30.000000000Z', 'stdout', 'F', ok),
    ('2026-11-20T06:25:40.000000000Z', 'stderr', 'F', forbidden),
    ('2026-11-20T06:25:40.000100000Z', 'stdout', 'F', acc403),
]
open('nginx-cri.log', 'w').write(''.join(f'{t} {s} {g} {c}\n' for t, s, g, c in cri))


def docker(log, stream, time):
    # docker's encoder escapes <, > and & as \u00XX
    line = json.dumps({"log": log, "stream": stream, "time": time}, separators=(',', ':'), ensure_ascii=False)
    return line.replace('<', '\\u003c').replace('>', '\\u003e').replace('&', '\\u0026').encode()


lines = [docker(c + ('\n' if g == 'F' else ''), s, t) for t, s, g, c in cri]
# a user name holding a byte that is no UTF-8, raw (as nginx's error log writes it)...
lines.append(docker('2026/11/20 06:26:00 [error] 29#29: *4 user "jXrg" was not found in "/etc/nginx/.htpasswd", client: 203.0.113.16, server: localhost, request: "GET /admin/ HTTP/1.1", host: "example.com"\n',
                    'stderr', '2026-11-20T06:26:00.000000000Z').replace(b'jXrg', b'j\xf6rg'))
# ...and as docker itself writes what is no UTF-8: U+FFFD
lines.append(docker('2026/11/20 06:26:01 [error] 29#29: *5 user "j\ufffdrg": password mismatch, client: 203.0.113.17, server: localhost, request: "GET /admin/ HTTP/1.1", host: "example.com"\n',
                    'stderr', '2026-11-20T06:26:01.000000000Z'))
# a tab and a backslash (escaped \t and \\ in the JSON)
lines.append(docker('203.0.113.18 - carol [20/Nov/2026:06:26:02 +0000] "GET /private/ HTTP/1.1" 401 179 "-" "tab\there \\x5C"\n',
                    'stdout', '2026-11-20T06:26:02.000000000Z'))
open('nginx-docker-json.log', 'wb').write(b''.join(line + b'\n' for line in lines))


def journal(micros, ident, message, comm):
    entry = {"__CURSOR": "s=6c3a;i=%x;b=1f2e;m=%x;t=%x;x=9" % (micros % 997, micros % 991, micros),
             "__REALTIME_TIMESTAMP": str(micros), "__MONOTONIC_TIMESTAMP": "123456789",
             "_BOOT_ID": "1f2e3d4c5b6a79881f2e3d4c5b6a7988", "PRIORITY": "6", "_UID": "33", "_GID": "33",
             "_COMM": comm, "_EXE": "/usr/sbin/" + comm, "_PID": "29", "_SYSTEMD_UNIT": comm + ".service",
             "SYSLOG_FACILITY": "3", "_HOSTNAME": "web1"}
    if ident is not None:
        entry["SYSLOG_IDENTIFIER"] = ident
    entry["MESSAGE"] = message
    return json.dumps(entry, separators=(',', ':'), ensure_ascii=False)


base = 1795155914000000  # 2026-11-20T06:25:14Z in microseconds
entries = [
    journal(base, "nginx", err1, "nginx"),
    journal(base + 500, "nginx", acc1, "nginx"),
    # apache's error log through syslog states no time: the entry's is the event's
    journal(base + 10_000_000, "apache2", '[auth_basic:error] [pid 4242:tid 140195452913216] [client 203.0.113.40:5312] AH01618: user dave not found: /private/', "apache2"),
    journal(base + 10_000_500, "apache2", '203.0.113.40 - dave [20/Nov/2026:06:25:24 +0000] "GET /private/ HTTP/1.1" 401 459 "-" "curl/8.5.0"', "apache2"),
    # no SYSLOG_IDENTIFIER: _COMM names the program
    journal(base + 20_000_000, None, '2001:db8::31 - - [20/Nov/2026:06:25:34 +0000] "GET /.env HTTP/1.1" 403 153 "-" "Mozilla/5.0"', "nginx"),
    journal(base + 25_000_000, "sshd", 'Failed password for invalid user admin from 203.0.113.37 port 52222 ssh2', "sshd"),
]
# a message that is no UTF-8: journald writes it as an array of bytes
message = '2026/11/20 06:25:44 [error] 29#29: *9 user "jXrg": password mismatch, client: 203.0.113.41, server: localhost, request: "GET /admin/ HTTP/1.1", host: "example.com"'.encode().replace(b'jXrg', b'j\xf6rg')
entries.append(journal(base + 30_000_000, "nginx", "PLACEHOLDER", "nginx").replace('"PLACEHOLDER"', '[' + ','.join(str(b) for b in message) + ']'))
open('journal.json', 'w').write(''.join(entry + '\n' for entry in entries))
