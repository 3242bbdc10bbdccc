"""A real HTTP server on 127.0.0.1 that serves the feed corpus and misbehaves on purpose.

Routes:
  /feeds/NAME            a corpus file from tests/data/feeds, with the Content-Type its
                         NAME.expected.json names ("{base}" in the file becomes this server's URL)
  /gen/NAME              a generated corpus feed (huge_entry, many_entries)
  /hang                  reads the request, then says nothing
  /drip                  headers, then one byte of body every 0.1 s, forever
  /drip-headers          the status line and headers one byte every 0.1 s, forever
  /reset                 resets the TCP connection (RST) instead of answering
  /redirect-forever/N    302 to /redirect-forever/N+1
  /loop-a, /loop-b       301 to each other
  /moved, /moved-temp    301 / 302 to /feeds/rss2_good.xml
  /huge                  2 GiB of generated body, no Content-Length (streamed, never stored)
  /huge-declared         the same with Content-Length: 2147483648
  /gzip-bomb             ~1 MB of gzip that inflates to 1 GiB of zeros
  /lie-gzip              says Content-Encoding: gzip, sends plain XML
  /gone, /ratelimited, /error500, /forbidden    410, 429 (Retry-After: 3600), 500, 403
  /etag                  a good feed with ETag "v1"; 304 when If-None-Match matches
  /to-metadata, /to-file redirects to 169.254.169.254 and to file:///etc/passwd
  /dtd-canary            should never be requested (the external_dtd case points here)
  /slow-ok               a good feed after 0.3 s

Every endless behaviour stops when the server stops, or after ``hold`` seconds.
Run as a script it prints its base URL and serves until killed (used by the benchmark).
"""

from __future__ import annotations

import json
import socket
import struct
import sys
import threading
import zlib
from collections import Counter
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FEEDS = Path(__file__).resolve().parent.parent / "data" / "feeds"
TWO_GIB = 2 * 1024**3
_CHUNK = 64 * 1024


def expectations() -> dict[str, dict]:
    """Every corpus case by name: its expected-outcome JSON."""
    return {
        p.name.removesuffix(".expected.json"): json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(FEEDS.glob("*.expected.json"))
    }


def case_file(name: str) -> Path | None:
    for p in FEEDS.glob(f"{name}.*"):
        if not p.name.endswith(".expected.json"):
            return p
    return None


@cache
def generated(name: str) -> bytes:
    """The generated corpus feeds: too large to keep in the repository."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>Generated: {name}</title><link>https://gen.example.org/</link>"
        "<description>x</description>\n"
    )
    if name == "huge_entry":
        words = "civilians " * 300_000  # 3 MB in one entry
        items = (
            "<item><title>One enormous entry</title><link>https://gen.example.org/huge</link>"
            f"<guid>huge-1</guid><description>{words}</description></item>\n"
        )
    elif name == "many_entries":
        items = "".join(
            f"<item><title>Entry {i}</title><link>https://gen.example.org/e/{i}</link>"
            f"<guid>e-{i}</guid><pubDate>Wed, 01 Jan 2025 00:00:00 GMT</pubDate></item>\n"
            for i in range(10_000)
        )
    else:
        raise KeyError(name)
    return (head + items + "</channel></rss>\n").encode()


@cache
def gzip_bomb(mebibytes: int = 1024) -> bytes:
    """A valid gzip member of ``mebibytes`` MiB of zeros, about 1/1000 the size, built in 0.5 s
    (full-flushed deflate blocks of 1 MiB of zeros compress to identical bytes)."""
    zeros = b"\0" * (1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    middle = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    last = comp.compress(zeros) + comp.flush()
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
    trailer = struct.pack("<II", crc, (mebibytes << 20) & 0xFFFFFFFF)
    return header + first + middle * (mebibytes - 2) + last + trailer


class HostileServer:
    def __init__(self, hold: float = 60.0) -> None:
        self.hold = hold
        self.stopping = threading.Event()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.sent: Counter[str] = Counter()  # body bytes written per path
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def paths(self) -> list[str]:
        return [p for p, _ in self.requests]

    def start(self) -> HostileServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def _make_handler(server: HostileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            with server._lock:
                server.requests.append((path, dict(self.headers.items())))
            try:
                self.route(path)
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
                self.close_connection = True

        def reply(self, status: int, body: bytes = b"", **headers: str) -> None:
            self.send_response(status)
            named = {k.replace("_", "-"): v for k, v in headers.items()}
            named.setdefault("Content-Type", "application/rss+xml")
            for k, v in named.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            server.sent[self.path] += len(body)
            self.close_connection = True

        def redirect(self, status: int, location: str) -> None:
            self.reply(status, b"", Location=location)

        def route(self, path: str) -> None:
            if path.startswith("/feeds/"):
                return self.corpus(path.removeprefix("/feeds/"))
            if path.startswith("/gen/"):
                return self.reply(200, generated(path.removeprefix("/gen/")))
            if path.startswith("/redirect-forever/"):
                n = int(path.rsplit("/", 1)[1])
                return self.redirect(302, f"/redirect-forever/{n + 1}")
            simple = {
                "/loop-a": (301, "/loop-b"),
                "/loop-b": (301, "/loop-a"),
                "/moved": (301, "/feeds/rss2_good.xml"),
                "/moved-temp": (302, "/feeds/rss2_good.xml"),
                "/to-metadata": (302, "http://169.254.169.254/latest/meta-data/"),
                "/to-file": (302, "file:///etc/passwd"),
            }
            if path in simple:
                return self.redirect(*simple[path])
            statuses = {"/gone": 410, "/error500": 500, "/forbidden": 403, "/dtd-canary": 404}
            if path in statuses:
                return self.reply(statuses[path], b"no", Content_Type="text/plain")
            if path == "/ratelimited":
                return self.reply(429, b"slow down", Retry_After="3600")
            handler = getattr(self, "do_" + path.strip("/").replace("-", "_"), None)
            if handler is None or not path.strip("/"):
                return self.reply(404, b"not found", Content_Type="text/plain")
            return handler()

        def corpus(self, name: str) -> None:
            case = expectations().get(Path(name).stem) or {}
            file = FEEDS / name
            if not file.is_file() or name.endswith(".expected.json"):
                return self.reply(404, b"not found", Content_Type="text/plain")
            body = file.read_bytes().replace(b"{base}", server.base_url.encode())
            ctype = case.get("content_type", "application/rss+xml")
            return self.reply(200, body, Content_Type=ctype)

        def do_etag(self) -> None:
            if self.headers.get("If-None-Match") == '"v1"':
                return self.reply(304, b"", ETag='"v1"')
            body = (FEEDS / "rss2_good.xml").read_bytes()
            return self.reply(200, body, ETag='"v1"', Last_Modified="Tue, 07 Jan 2025 10:00:00 GMT")

        def do_slow_ok(self) -> None:
            server.stopping.wait(0.3)
            self.reply(200, (FEEDS / "rss2_good.xml").read_bytes())

        def do_hang(self) -> None:
            server.stopping.wait(server.hold)
            self.close_connection = True

        def do_drip(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.flush()
            self._drip(b"<rss>" + b" " * 10_000_000)

        def do_drip_headers(self) -> None:
            self._drip(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 100_000)

        def _drip(self, data: bytes) -> None:
            for i in range(len(data)):
                if server.stopping.wait(0.1) or i * 0.1 > server.hold:
                    break
                self.wfile.write(data[i : i + 1])
                self.wfile.flush()
            self.close_connection = True

        def do_reset(self) -> None:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True

        def _stream(self, total: int, declared: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            if declared:
                self.send_header("Content-Length", str(total))
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"<item>" + b"x" * (_CHUNK - 6)
            written = 0
            while written < total and not server.stopping.is_set():
                self.wfile.write(chunk)
                written += len(chunk)
                server.sent[self.path] += len(chunk)
            self.close_connection = True

        def do_huge(self) -> None:
            self._stream(TWO_GIB, declared=False)

        def do_huge_declared(self) -> None:
            self._stream(TWO_GIB, declared=True)

        def do_gzip_bomb(self) -> None:
            self.reply(200, gzip_bomb(), Content_Encoding="gzip")

        def do_lie_gzip(self) -> None:
            self.reply(200, (FEEDS / "rss2_good.xml").read_bytes(), Content_Encoding="gzip")

    return Handler


if __name__ == "__main__":
    srv = HostileServer(hold=float(sys.argv[1]) if len(sys.argv) > 1 else 60.0).start()
    gzip_bomb()
    print(srv.base_url, flush=True)
    try:
        sys.stdin.read()  # serve until the parent closes our stdin
    finally:
        srv.stop()


def case_body(name: str, case: dict, base: str) -> bytes:
    """The bytes the server sends for a corpus case."""
    if "generate" in case:
        return generated(case["generate"])
    file = case_file(name)
    assert file is not None, f"corpus case {name} has no feed file"
    return file.read_bytes().replace(b"{base}", base.encode())


def case_path(name: str, case: dict) -> str:
    if "generate" in case:
        return f"/gen/{case['generate']}"
    file = case_file(name)
    assert file is not None
    return f"/feeds/{file.name}"


def outcome_of(result: object, base: str) -> dict:
    """The golden form of a parse result (ParsedFeed) or error, with the base URL as {base}."""
    if isinstance(result, Exception):
        out: dict = {"error": type(result).__name__, "message": str(result)}
        limit = getattr(result, "limit", None)
        if limit:
            out["limit"] = limit
    else:
        entries = result.entries  # type: ignore[attr-defined]
        out = {
            "title": result.title,  # type: ignore[attr-defined]
            "language": result.language,  # type: ignore[attr-defined]
            "hub": result.hub,  # type: ignore[attr-defined]
            "self_url": result.self_url,  # type: ignore[attr-defined]
            "problems": list(result.problems),  # type: ignore[attr-defined]
            "entry_count": len(entries),
            "entries": [
                {
                    "guid": e.guid,
                    "link": e.link,
                    "title": e.title,
                    "summary": e.summary[:300],
                    "summary_length": len(e.summary),
                    "published": e.published.isoformat() if e.published else None,
                    "language": e.language,
                }
                for e in entries[:5]
            ],
        }
    return json.loads(json.dumps(out).replace(base, "{base}"))
