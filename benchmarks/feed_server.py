"""A local feed server for benchmarks: N feeds of M items each, ETag-aware (answers 304).

Run as a separate process so it does not compete with warn for the GIL:
    python benchmarks/feed_server.py --feeds 1000 --items 50
prints the port on stdout, then serves until killed. Item text comes from the real 2020 feed
items in ../shared/dev-eval when present (read at run time, never stored), else from a generator.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

SHARED = Path(__file__).resolve().parents[2] / "shared" / "dev-eval" / "news_2020.jsonl.gz"


def load_texts(limit: int) -> list[tuple[str, str]]:
    if SHARED.exists():
        out = []
        with gzip.open(SHARED, "rt", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                out.append((row.get("title") or "", row.get("description") or ""))
                if len(out) >= limit:
                    break
        return out
    words = [
        "report",
        "officials",
        "said",
        "region",
        "people",
        "government",
        "week",
        "new",
        "city",
        "police",
        "council",
    ]
    return [
        (f"Item {i} {' '.join(words[i % 7 : i % 7 + 4])}", " ".join(words * 3))
        for i in range(limit)
    ]


def render_feed(n: int, items: int, texts: list[tuple[str, str]]) -> bytes:
    base = datetime(2020, 6, 1, tzinfo=UTC)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>',
        f"<title>Bench feed {n}</title><link>http://127.0.0.1/{n}</link><description>b</description>",
    ]
    for i in range(items):
        title, desc = texts[(n * items + i) % len(texts)]
        when = format_datetime(base + timedelta(minutes=n * items + i))
        parts.append(
            f"<item><title>{escape(title)}</title><link>http://127.0.0.1/{n}/{i}</link>"
            f'<guid isPermaLink="false">bench-{n}-{i}</guid>'
            f"<description>{escape(desc)}</description><pubDate>{when}</pubDate></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50)
    args = parser.parse_args()
    texts = load_texts(args.feeds * args.items)
    bodies = [render_feed(n, args.items, texts) for n in range(args.feeds)]
    etags = [f'"{hashlib.sha1(b).hexdigest()[:16]}"' for b in bodies]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            try:
                n = int(self.path.strip("/").split("/")[-1].removesuffix(".xml"))
                body, etag = bodies[n], etags[n]
            except (ValueError, IndexError):
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 256
    print(server.server_address[1], flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
