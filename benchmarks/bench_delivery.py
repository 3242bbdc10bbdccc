"""Delivery benchmark: deliveries/s to a local receiver, and latency decision -> receipt.

    .venv/bin/python benchmarks/bench_delivery.py [--alerts 2000] [--subscribers 8]

Throughput: a backlog of signed webhook alerts spread over N subscribers (each paced by
its own token bucket, 50/s) drained by the real worker loop (SQLite file, real HTTP on
127.0.0.1).  Latency: alerts committed one at a time at ~20/s while the worker loop runs
(woken by the committer, as the pipeline does); latency = receipt time - commit time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.delivery_support import SECRET, subscriber
from warn.deliver.outbox import deliver_due, enqueue_alert
from warn.deliver.webhook import WebhookChannel
from warn.deliver.worker import run_worker
from warn.store.db import make_engine, upgrade


class Receiver:
    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                import json

                receiver.times[json.loads(body)["alert_id"]] = time.perf_counter()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"


def enqueue(engine, sub, i: int) -> str:
    with Session(engine) as session:
        alert = enqueue_alert(
            session,
            subscriber=sub,
            kind="item",
            now=datetime.now(UTC),
            risk=0.8,
            categories={"mass_violence": 0.8},
            reasons=["killed"],
            title=f"alert {i}",
            link=f"https://x.example/{i}",
        )
        session.commit()
        return alert.id


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--alerts", type=int, default=2000)
    ap.add_argument("--subscribers", type=int, default=8)
    ap.add_argument("--latency-alerts", type=int, default=200)
    args = ap.parse_args()
    receiver = Receiver()
    tmp = Path(tempfile.mkdtemp())
    engine = make_engine(f"sqlite:///{tmp / 'bench.db'}")
    upgrade(engine)
    subs = [
        subscriber(f"s{k}", url=receiver.url(f"/s{k}"), secret=SECRET, max_per_hour=10**6)
        for k in range(args.subscribers)
    ]
    client = httpx.Client(timeout=10)
    channels = {s.name: WebhookChannel(str(s.url), client, secret=SECRET) for s in subs}

    # throughput: backlog drained by the worker loop
    with Session(engine) as session:
        for i in range(args.alerts):
            enqueue_alert(
                session,
                subscriber=subs[i % len(subs)],
                kind="item",
                now=datetime.now(UTC),
                risk=0.8,
                title=f"alert {i}",
            )
        session.commit()
    stop = threading.Event()
    worker = threading.Thread(
        target=run_worker,
        kwargs={
            "deliver_once": lambda now: deliver_due(engine, channels, subs, now=now),
            "stop": stop,
            "tick": 0.05,
        },
    )
    t0 = time.perf_counter()
    worker.start()
    while len(receiver.times) < args.alerts:
        time.sleep(0.01)
    elapsed = time.perf_counter() - t0
    stop.set()
    worker.join()
    print(
        f"throughput: {args.alerts} deliveries to {len(subs)} subscribers in {elapsed:.2f} s "
        f"= {args.alerts / elapsed:.0f} deliveries/s"
    )

    # latency: one alert at a time, worker woken after each commit
    one = subs[:1]
    wake, stop = threading.Event(), threading.Event()
    worker = threading.Thread(
        target=run_worker,
        kwargs={
            "deliver_once": lambda now: deliver_due(engine, channels, one, now=now),
            "stop": stop,
            "tick": 5.0,
            "wake": wake,
        },
    )
    worker.start()
    committed: dict[str, float] = {}
    for i in range(args.latency_alerts):
        alert_id = enqueue(engine, one[0], args.alerts + i)
        committed[alert_id] = time.perf_counter()
        wake.set()
        time.sleep(0.05)
    deadline = time.time() + 30
    while any(a not in receiver.times for a in committed) and time.time() < deadline:
        time.sleep(0.01)
    stop.set()
    wake.set()
    worker.join()
    lat = sorted(
        (receiver.times[a] - t) * 1000 for a, t in committed.items() if a in receiver.times
    )
    p50 = statistics.median(lat)
    p95 = lat[int(0.95 * (len(lat) - 1))]
    print(
        f"latency decision->receipt over {len(lat)} alerts: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"max {lat[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
