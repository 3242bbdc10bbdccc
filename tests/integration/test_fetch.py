"""fetch_feed against a real local server that misbehaves on purpose: each limit is hit by name."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from tests.conftest import LocalServer, Route
from tests.integration.hostile_server import TWO_GIB, HostileServer
from warn.config import FetchConfig
from warn.errors import FetchError
from warn.fetch import FetchRequest, FetchResponse, fetch_all, fetch_feed, refused_reason

LOOPBACK = ["127.0.0.0/8"]
LIMITS = FetchConfig(
    connect_timeout="2s", read_timeout="1s", deadline="3s", max_bytes=2_000_000, max_redirects=5
)


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(follow_redirects=False, headers={"User-Agent": "warn-test/1"}) as c:
        yield c


def get(client: httpx.Client, server: HostileServer, path: str, **kw: object) -> FetchResponse:
    limits = kw.pop("limits", LIMITS)
    return fetch_feed(
        client,
        FetchRequest(server.url(path), **kw),
        limits,  # type: ignore[arg-type]
        allow_networks=LOOPBACK,
    )


def fails(client: httpx.Client, server: HostileServer, path: str, **kw: object) -> FetchError:
    with pytest.raises(FetchError) as info:
        get(client, server, path, **kw)
    return info.value


def test_a_good_feed_is_fetched_with_our_user_agent(
    client: httpx.Client, hostile_server: HostileServer
) -> None:
    r = get(client, hostile_server, "/feeds/rss2_good.xml")
    assert r.status == 200 and r.body.startswith(b"<?xml") and not r.not_modified
    assert r.headers["content-type"] == "application/rss+xml"
    sent = dict(hostile_server.requests)["/feeds/rss2_good.xml"]
    assert sent["User-Agent"] == "warn-test/1"
    assert "gzip" in sent["Accept-Encoding"]


def test_conditional_get_answers_304_with_the_validators(
    client: httpx.Client, hostile_server: HostileServer
) -> None:
    first = get(client, hostile_server, "/etag")
    assert first.etag == '"v1"' and first.last_modified
    second = get(
        client, hostile_server, "/etag", etag=first.etag, last_modified=first.last_modified
    )
    assert second.not_modified and second.body == b"" and second.etag == '"v1"'
    assert hostile_server.requests[-1][1]["If-Modified-Since"] == first.last_modified


def test_gzip_is_inflated(local_server: LocalServer, client: httpx.Client) -> None:
    import gzip

    body = b"<rss version='2.0'><channel><title>z</title></channel></rss>"
    local_server.routes["/z"] = Route(
        200,
        gzip.compress(body),
        {"Content-Encoding": "gzip", "Cache-Control": "public, max-age=1800"},
    )
    r = fetch_feed(client, FetchRequest(local_server.url("/z")), LIMITS, allow_networks=LOOPBACK)
    assert r.body == body and r.max_age == timedelta(minutes=30)


def test_permanent_redirect_reports_the_new_url_temporary_does_not(
    client: httpx.Client, hostile_server: HostileServer
) -> None:
    moved = get(client, hostile_server, "/moved")
    assert moved.permanent_url == hostile_server.url("/feeds/rss2_good.xml") == moved.url
    temp = get(client, hostile_server, "/moved-temp")
    assert temp.permanent_url is None and temp.url.endswith("/feeds/rss2_good.xml")


@pytest.mark.parametrize(
    ("path", "limit", "words"),
    [
        ("/redirect-forever/0", "max_redirects", "more than max_redirects = 5"),
        ("/loop-a", "max_redirects", "redirect loop"),
        ("/huge", "max_bytes", "larger than max_bytes"),
        ("/huge-declared", "max_bytes", "announces 2,147,483,648 bytes"),
        ("/gzip-bomb", "max_bytes", "after decompression"),
        ("/hang", "read_timeout", "sent nothing"),
        ("/drip", "deadline", "3s deadline"),
        ("/drip-headers", "deadline", "3s deadline"),
        (
            "/to-metadata",
            "allow_networks",
            "169.254.169.254, a link-local or cloud metadata address",
        ),
    ],
)
def test_each_limit_is_reported_by_name(
    client: httpx.Client, hostile_server: HostileServer, path: str, limit: str, words: str
) -> None:
    started = time.monotonic()
    err = fails(client, hostile_server, path)
    assert err.limit == limit
    assert words in str(err)
    assert time.monotonic() - started < LIMITS.deadline.total_seconds() + 1.0


def test_huge_bodies_are_streamed_and_abandoned_not_downloaded(
    client: httpx.Client, hostile_server: HostileServer
) -> None:
    fails(client, hostile_server, "/huge")
    time.sleep(0.2)
    # The server got at most a few socket buffers further than our cap before the reset.
    assert hostile_server.sent["/huge"] < 50 * LIMITS.max_bytes < TWO_GIB


def test_plain_errors_carry_status_and_retryability(
    client: httpx.Client, hostile_server: HostileServer
) -> None:
    gone = fails(client, hostile_server, "/gone")
    assert (gone.status, gone.retryable) == (410, False) and "410 Gone" in str(gone)
    limited = fails(client, hostile_server, "/ratelimited")
    assert (limited.status, limited.retryable, limited.retry_after) == (
        429,
        True,
        timedelta(hours=1),
    )
    assert fails(client, hostile_server, "/error500").retryable
    assert not fails(client, hostile_server, "/forbidden").retryable
    reset = fails(client, hostile_server, "/reset")
    assert reset.retryable and "connection failed" in str(reset)
    assert "not valid gzip" in str(fails(client, hostile_server, "/lie-gzip"))
    assert "only http and https" in str(fails(client, hostile_server, "/to-file"))


def test_loopback_is_refused_unless_allowed(
    client: httpx.Client, hostile_server: HostileServer
) -> None:
    with pytest.raises(FetchError) as info:
        fetch_feed(client, FetchRequest(hostile_server.url("/feeds/rss2_good.xml")), LIMITS)
    assert info.value.limit == "allow_networks" and "loopback" in str(info.value)


@pytest.mark.parametrize(
    ("ip", "reason"),
    [("127.0.0.1", "loopback"), ("10.1.2.3", "private"), ("192.168.0.1", "private"),
     ("169.254.169.254", "link-local or cloud metadata"), ("::1", "loopback"),
     ("fe80::1", "link-local or cloud metadata"), ("::ffff:10.0.0.1", "private"),
     ("0.0.0.0", "private"), ("100.64.0.1", "non-public"), ("93.184.215.14", None),
     ("2606:4700::1111", None)],
)  # fmt: skip
def test_address_classes(ip: str, reason: str | None) -> None:
    assert refused_reason(ip) == reason


def test_resolution_is_injected_and_the_connection_pinned(
    client: httpx.Client, hostile_server: HostileServer
) -> None:
    port = hostile_server.httpd.server_address[1]
    asked: list[str] = []

    def resolve(host: str) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    url = f"http://feeds.test:{port}/feeds/rss2_good.xml"  # .test never resolves for real
    r = fetch_feed(client, FetchRequest(url), LIMITS, allow_networks=LOOPBACK, resolve=resolve)
    assert r.status == 200 and r.url == url and asked == ["feeds.test"]
    assert hostile_server.requests[-1][1]["Host"] == f"feeds.test:{port}"


def test_a_name_that_resolves_to_any_private_address_is_refused(client: httpx.Client) -> None:
    with pytest.raises(FetchError, match=r"resolves to 10\.0\.0\.7, a private address"):
        fetch_feed(
            client,
            FetchRequest("http://mixed.test/feed"),
            LIMITS,
            resolve=lambda h: ["93.184.215.14", "10.0.0.7"],
        )


def test_fetch_all_returns_one_result_per_feed_within_the_deadline(
    client: httpx.Client, hostile_server: HostileServer
) -> None:
    paths = ["/feeds/rss2_good.xml", "/hang", "/drip", "/gone", "/slow-ok", "/gzip-bomb"]
    started = time.monotonic()
    results = fetch_all(
        client,
        [FetchRequest(hostile_server.url(p)) for p in paths],
        LIMITS,
        max_concurrency=8,
        per_host_concurrency=8,
        allow_networks=LOOPBACK,
    )
    assert time.monotonic() - started < LIMITS.deadline.total_seconds() + 2
    kinds = [type(r).__name__ for r in results]
    assert kinds == [
        "FetchResponse",
        "FetchError",
        "FetchError",
        "FetchError",
        "FetchResponse",
        "FetchError",
    ]
