"""`warn feeds add URL`: autodiscovery from a page, validation by one real fetch, TOML out."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import DATA, LocalServer, Route
from warn.config import parse_config
from warn.discover import discover_feed, feed_links
from warn.errors import ParseError

LOOPBACK = ["127.0.0.0/8"]
GOOD = (DATA / "feeds" / "rss2_good.xml").read_bytes()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(follow_redirects=False) as c:
        yield c


def page(*links: str) -> bytes:
    return (
        "<!DOCTYPE html><html><head><title>News</title>"
        + "".join(links)
        + "</head><body>hello</body></html>"
    ).encode()


def test_feed_links_in_page_order_resolved_against_base() -> None:
    html = (
        '<base href="https://cdn.example.org/x/"><link rel="alternate" type="application/atom+xml" '
        'href="atom.xml"><link rel="stylesheet" href="s.css"><link rel="Alternate" '
        'type="application/rss+xml; charset=utf-8" href="/rss"><link rel="alternate" '
        'type="application/rss+xml" href="javascript:x()">'
    )
    assert feed_links(html, "https://www.example.org/") == [
        "https://cdn.example.org/x/atom.xml",
        "https://cdn.example.org/rss",
    ]


def test_a_feed_url_is_accepted_as_is(local_server: LocalServer, client: httpx.Client) -> None:
    local_server.routes["/feed.xml"] = Route(200, GOOD, {"Content-Type": "application/rss+xml"})
    found = discover_feed(client, local_server.url("/feed.xml"), allow_networks=LOOPBACK)
    assert found.url == local_server.url("/feed.xml") and len(found.feed.entries) == 3


def test_page_autodiscovery_skips_a_broken_candidate(
    local_server: LocalServer, client: httpx.Client
) -> None:
    local_server.routes["/"] = Route(
        200,
        page(
            '<link rel="alternate" type="application/rss+xml" href="/broken.xml">',
            '<link rel="alternate" type="application/atom+xml" href="/good.xml">',
        ),
        {"Content-Type": "text/html"},
    )
    local_server.routes["/broken.xml"] = Route(500, b"oops")
    local_server.routes["/good.xml"] = Route(200, GOOD, {"Content-Type": "application/rss+xml"})
    found = discover_feed(client, local_server.url("/"), allow_networks=LOOPBACK)
    assert found.url == local_server.url("/good.xml")
    block = tomllib.loads(found.toml())
    config = parse_config(block)  # the printed block is a valid config
    assert config.feeds[0].name == "field-reports-weekly" and config.feeds[0].url == found.url


def test_a_page_without_feeds_is_a_clear_error(
    local_server: LocalServer, client: httpx.Client
) -> None:
    local_server.routes["/"] = Route(200, page(), {"Content-Type": "text/html"})
    with pytest.raises(ParseError, match="no feed found at"):
        discover_feed(client, local_server.url("/"), allow_networks=LOOPBACK)


def test_the_cli_prints_a_toml_block(local_server: LocalServer, tmp_path: Path) -> None:
    local_server.routes["/"] = Route(
        200,
        page('<link rel="alternate" type="application/rss+xml" href="/feed.xml">'),
        {"Content-Type": "text/html"},
    )
    local_server.routes["/feed.xml"] = Route(200, GOOD, {"Content-Type": "application/rss+xml"})
    config = tmp_path / "feeds.toml"
    config.write_text('[service]\nallow_networks = ["127.0.0.0/8"]\n')
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "warn",
            "--config",
            str(config),
            "feeds",
            "add",
            local_server.url("/"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert tomllib.loads(out.stdout)["feeds"][0]["url"] == local_server.url("/feed.xml")
    assert "3 entries" in out.stderr and "WebSub hub https://hub.example.org/" in out.stderr
