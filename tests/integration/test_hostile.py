"""One poll over the whole hostile corpus: fetch + parse every case over a real local server.

Every good feed parses to its golden outcome, every bad one ends in a clear error, nothing
crashes, and the whole poll finishes within the configured deadline.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.integration.hostile_server import HostileServer, case_path, expectations, outcome_of
from warn.config import FetchConfig
from warn.core.parse import parse_feed
from warn.errors import FeedError
from warn.fetch import FetchRequest, FetchResponse, fetch_all

LIMITS = FetchConfig(connect_timeout="2s", read_timeout="1.5s", deadline="3s")
MISBEHAVING = {
    "/hang": "read_timeout",
    "/drip": "deadline",
    "/drip-headers": "deadline",
    "/huge": "max_bytes",
    "/huge-declared": "max_bytes",
    "/gzip-bomb": "max_bytes",
    "/redirect-forever/0": "max_redirects",
    "/loop-a": "max_redirects",
    "/to-metadata": "allow_networks",
    "/reset": None,
    "/lie-gzip": None,
    "/gone": None,
    "/ratelimited": None,
    "/error500": None,
    "/to-file": None,
}


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(follow_redirects=False) as c:
        yield c


def parse_or_error(got: FetchResponse | FeedError) -> object:
    if not isinstance(got, FetchResponse):
        return got
    try:
        return parse_feed(
            got.body,
            url=got.url,
            headers=got.headers,
            max_entries=LIMITS.max_entries,
            max_entry_chars=LIMITS.max_entry_chars,
        )
    except FeedError as e:
        return e


def poll(client: httpx.Client, server: HostileServer) -> tuple[dict[str, object], float]:
    cases = expectations()
    paths = [case_path(name, case) for name, case in cases.items()] + list(MISBEHAVING)
    started = time.monotonic()
    fetched = fetch_all(
        client,
        [FetchRequest(server.url(p)) for p in paths],
        LIMITS,
        max_concurrency=16,
        per_host_concurrency=16,
        allow_networks=["127.0.0.0/8"],
    )
    results: dict[str, object] = {}
    for path, got in zip(paths, fetched, strict=True):
        results[path] = parse_or_error(got)
    return results, time.monotonic() - started


@pytest.mark.slow
def test_one_poll_over_the_hostile_corpus(
    client: httpx.Client, hostile_server: HostileServer
) -> None:
    results, elapsed = poll(client, hostile_server)
    # Everything runs at once; the slowest case is bounded by the deadline (plus parse time).
    assert elapsed < LIMITS.deadline.total_seconds() + 10
    for name, case in expectations().items():
        got = outcome_of(results[case_path(name, case)], hostile_server.base_url)
        assert got == case["outcome"], name
    for path, limit in MISBEHAVING.items():
        err = results[path]
        assert isinstance(err, FeedError), path
        assert str(err), path
        assert getattr(err, "limit", None) == limit, (path, err)
    assert "/dtd-canary" not in hostile_server.paths()  # the external DTD was never fetched
