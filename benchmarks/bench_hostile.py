"""Fetch + parse the whole hostile corpus once, as one poll; print wall time and peak memory.

    .venv/bin/python benchmarks/bench_hostile.py [--rounds N]

The misbehaving server (tests/integration/hostile_server.py) runs in its own process, so the
figures are the fetcher's alone.  Peak RSS is measured above the idle process (after imports
and a warm-up fetch): first while fetching only the 2 GiB body and the 1 GiB gzip bomb, then
over the whole corpus (including the 10,000-entry and 3 MB-entry feeds, parsed).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.hostile_server import case_path, expectations  # noqa: E402
from tests.integration.test_hostile import LIMITS, MISBEHAVING, parse_or_error  # noqa: E402
from warn.fetch import FetchRequest, fetch_all  # noqa: E402

MB = 1024 * 1024


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def poll(client: httpx.Client, base: str, paths: list[str]) -> tuple[float, list[object]]:
    started = time.perf_counter()
    fetched = fetch_all(
        client,
        [FetchRequest(base + p) for p in paths],
        LIMITS,
        max_concurrency=16,
        per_host_concurrency=16,
        allow_networks=["127.0.0.0/8"],
    )
    results = [parse_or_error(r) for r in fetched]
    return time.perf_counter() - started, results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "tests/integration/hostile_server.py"), "30"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    base = server.stdout.readline().strip()
    paths = [case_path(n, c) for n, c in expectations().items()] + list(MISBEHAVING)
    try:
        with httpx.Client(follow_redirects=False) as client:
            poll(client, base, ["/feeds/rss2_good.xml"])  # warm-up
            idle = psutil.Process().memory_info().rss
            t_big, _ = poll(client, base, ["/huge", "/huge-declared", "/gzip-bomb"])
            big = peak_rss() - idle
            walls = []
            for _ in range(args.rounds):
                wall, results = poll(client, base, paths)
                walls.append(wall)
            full = peak_rss() - idle
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=30)
    errors = sum(isinstance(r, Exception) for r in results)
    print(
        f"cases: {len(paths)} ({len(paths) - errors} parsed, {errors} clear errors); "
        f"deadline {LIMITS.deadline.total_seconds():g}s, max_bytes {LIMITS.max_bytes:,}"
    )
    print(
        f"2 GiB body + 1 GiB gzip bomb: {t_big:.2f}s, peak RSS +{big / MB:.1f} MB above idle "
        f"({idle / MB:.0f} MB)"
    )
    print(
        f"whole hostile poll: wall {min(walls):.2f}s best / {max(walls):.2f}s worst of "
        f"{len(walls)}; peak RSS +{full / MB:.1f} MB above idle"
    )


if __name__ == "__main__":
    main()
