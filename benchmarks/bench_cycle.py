"""End-to-end cycle benchmark (issue 2): N local feeds of M items, first cycle from an empty
database (fetch, parse, clean, store, score), then a re-poll where every feed answers 304.

    python benchmarks/bench_cycle.py [--feeds 1000] [--items 50] [--database-url URL]

Prints items/s for the first cycle, wall time of the re-poll, and peak RSS of this process.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from warn.app import App
from warn.pipeline import prepare, run_cycle

HERE = Path(__file__).resolve().parent


def write_config(path: Path, port: int, feeds: int, database_url: str) -> None:
    lines = [
        "[service]",
        f'database_url = "{database_url}"',
        'allow_networks = ["127.0.0.0/8"]',
        "max_concurrency = 16",
        "per_host_concurrency = 16",
        "[thresholds]",
        "min_risk = 0.5",
        "[[subscribers]]",
        'name = "bench"',
        'channel = "webhook"',
        f'url = "http://127.0.0.1:{port}/hook"',
        "min_risk = 1.0",  # no deliveries: this measures the poll path
    ]
    for n in range(feeds):
        lines += ["[[feeds]]", f'name = "bench {n}"', f'url = "http://127.0.0.1:{port}/{n}.xml"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    server = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "feed_server.py"),
            "--feeds",
            str(args.feeds),
            "--items",
            str(args.items),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    port = int(server.stdout.readline())
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url or f"sqlite:///{tmp}/bench.db"
            config = Path(tmp) / "bench.toml"
            write_config(config, port, args.feeds, url)
            app = App(config_path=config, environ={})
            now = datetime.now(UTC)
            prepare(app, now=now)
            _ = app.classifier  # load before timing, as the service does at start
            rss_idle = peak_rss_mb()

            started = time.perf_counter()
            first = run_cycle(app, now=now, all_feeds=True)
            first_s = time.perf_counter() - started
            new = sum(f.new_items for f in first.feeds)
            print(
                f"first cycle: {len(first.feeds)} feeds, {len(first.failed)} failed, "
                f"{new} new items "
                f"in {first_s:.1f}s = {new / first_s:.0f} items/s"
            )

            started = time.perf_counter()
            second = run_cycle(app, now=now + timedelta(hours=1), all_feeds=True)
            second_s = time.perf_counter() - started
            unchanged = sum(f.not_modified for f in second.feeds)
            print(
                f"re-poll: {len(second.feeds)} feeds, {unchanged} answered 304, "
                f"{sum(f.new_items for f in second.feeds)} new items in {second_s:.2f}s"
            )
            print(f"peak RSS: {peak_rss_mb():.0f} MB (after model load: {rss_idle:.0f} MB)")
            print(f"database: {url.split('@')[-1]}")
    finally:
        server.kill()


if __name__ == "__main__":
    main()
