"""How the servers write: escaping, timestamps, paths and keys as reports name them, output files."""

import argparse
import codecs
import gzip
import os
import re
import time

from .world import MONTHS, TOP, US, WEEKDAYS


def parse_size(text):
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)(?:i?[bB])?\s*", text)
    if not match:
        raise argparse.ArgumentTypeError("bad size %r (e.g. 500K, 20M, 1G)" % text)
    value = int(float(match.group(1)) * {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[match.group(2).lower()])
    if value < 256 * 1024:
        raise argparse.ArgumentTypeError("size must be at least 256K")
    return value


PLAIN = re.compile(r'[\x20\x21\x23-\x5b\x5d-\x7e]*').fullmatch   # nothing either server escapes


def escape_nginx(text):
    """nginx's access-log escaping: '"', '\\', control and 8-bit bytes as \\xHH (upper case)."""
    if PLAIN(text):
        return text
    return "".join("\\x%02X" % b if b < 0x20 or b >= 0x7F or b in (0x22, 0x5C) else chr(b)
                   for b in text.encode("utf-8", "surrogateescape"))


def escape_apache(text):
    """Apache's ap_escape_logitem(): '"' and '\\' backslashed, control and 8-bit bytes as \\xhh."""
    if PLAIN(text):
        return text
    out = []
    for b in text.encode("utf-8", "surrogateescape"):
        if b in (0x22, 0x5C):
            out.append("\\" + chr(b))
        elif b < 0x20 or b >= 0x7F:
            out.append("\\x%02x" % b)
        else:
            out.append(chr(b))
    return "".join(out)


def server_unescape(written):
    """A field as the server wrote it (\\xHH, \\" and \\\\ escapes) back to its bytes, named as a
    report names it: nginx and Apache escape one user name differently, and it is one user."""
    if "\\" not in written:
        return written
    data = written.encode("utf-8", "surrogateescape")
    out, i = bytearray(), 0
    while i < len(data):
        if data[i:i + 2] == b"\\x" and _is_hex(data[i + 2:i + 4]):
            out.append(int(data[i + 2:i + 4], 16))
            i += 4
        elif data[i] == 0x5C and data[i + 1:i + 2] in (b'"', b"\\"):
            out += data[i + 1:i + 2]
            i += 2
        else:
            out.append(data[i])
            i += 1
    return as_key(bytes(out))


def _is_hex(pair):
    return len(pair) == 2 and all(c in b"0123456789abcdefABCDEF" for c in pair)


def url_path(request):
    """The path of a request line as written (METHOD URI PROTO), without its query."""
    parts = request.split(" ")
    return parts[1].split("?", 1)[0] if len(parts) >= 2 else None


def as_key(raw):
    """A field as a report names it: UTF-8 kept, every other byte as the text \\xNN."""
    data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogateescape")
    return data.decode("utf-8", "hexescape")


def _hex_escape(error):
    return "".join("\\x%02x" % b for b in error.object[error.start:error.end]), error.end


codecs.register_error("hexescape", _hex_escape)


def top(counter):
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0].encode("utf-8", "surrogateescape")))[:TOP])


class Stamps:
    """Every timestamp layout of one second, computed once per second."""

    def __init__(self):
        self.cache = {}

    def __call__(self, second):
        stamp = self.cache.get(second)
        if stamp is None:
            if len(self.cache) > 4096:
                self.cache.clear()
            t = time.gmtime(second)
            month, day, hms = MONTHS[t.tm_mon - 1], t.tm_mday, "%02d:%02d:%02d" % (t.tm_hour, t.tm_min, t.tm_sec)
            stamp = {
                "clf": "%02d/%s/%d:%s +0000" % (day, month, t.tm_year, hms),
                "nginx": "%d/%02d/%02d %s" % (t.tm_year, t.tm_mon, day, hms),
                "apache": ("%s %s %02d %s" % (WEEKDAYS[t.tm_wday], month, day, hms), t.tm_year),
                "wordpress": "%02d-%s-%d %s UTC" % (day, month, t.tm_year, hms),
                "syslog": "%s %2d %s" % (month, day, hms),
                "iso": "%d-%02d-%02dT%s" % (t.tm_year, t.tm_mon, day, hms),
            }
            self.cache[second] = stamp
        return stamp


class Output:
    """One log file; counts lines and uncompressed bytes as written."""

    def __init__(self, root, relative):
        self.relative, self.lines, self.bytes = relative, 0, 0
        path = os.path.join(root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.raw = open(path, "wb", buffering=1 << 20)
        self.gzip = relative.endswith(".gz")
        self.sink = gzip.GzipFile(filename=os.path.basename(path)[:-3], mode="wb", fileobj=self.raw, mtime=0) \
            if self.gzip else self.raw

    def write(self, data):
        self.sink.write(data)
        self.lines += data.count(b"\n")
        self.bytes += len(data)

    def close(self):
        """Closes the file; returns its size on disk."""
        if self.gzip:
            self.sink.close()
        stored = self.raw.tell()
        self.raw.close()
        return stored
