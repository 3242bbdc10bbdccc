"""``warn feeds add URL``: find a page's feed, check it by fetching it once, print the TOML.

Given a feed URL, the feed itself is checked. Given a page, its ``<link rel="alternate">``
feeds (RSS, Atom, RDF) are tried in page order, then a few usual paths on the same site.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import click
import httpx

from warn.app import App, pass_app
from warn.config import Config, FetchConfig
from warn.core.parse import ParsedFeed, parse_feed
from warn.errors import FeedError, ParseError
from warn.fetch import FetchRequest, FetchResponse, Resolver, fetch_feed

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
)
USUAL_PATHS = ("/feed", "/rss", "/feed.xml", "/rss.xml", "/atom.xml", "/index.xml")


@dataclass(frozen=True)
class Discovered:
    url: str  # the feed's URL (after permanent redirects)
    page_url: str
    feed: ParsedFeed

    def toml(self, name: str | None = None) -> str:
        """The ``[[feeds]]`` block to paste into feeds.toml."""
        lines = [
            "[[feeds]]",
            f"name = {json.dumps(name or slug(self.feed.title or urlsplit(self.url).netloc))}",
            f"url = {json.dumps(self.url)}",
            'interval = "15m"',
        ]
        if self.feed.language:
            lines.append(f"language = {json.dumps(self.feed.language.split('-')[0].lower())}")
        return "\n".join(lines) + "\n"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "feed"


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.feeds: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "base" and a.get("href") and self.base is None:
            self.base = a["href"]
        rels = a.get("rel", "").lower().split()
        kind = a.get("type", "").split(";")[0].strip().lower()
        if tag in ("link", "a") and "alternate" in rels and a.get("href") and kind in FEED_TYPES:
            self.feeds.append(a["href"])


def feed_links(html: str, page_url: str) -> list[str]:
    """Absolute URLs of the feeds a page announces, in page order, without repeats."""
    finder = _LinkFinder()
    finder.feed(html)
    base = urljoin(page_url, finder.base) if finder.base else page_url
    links = [urljoin(base, href.strip()) for href in finder.feeds]
    return [u for u in dict.fromkeys(links) if urlsplit(u).scheme in ("http", "https")]


def _try(
    client: httpx.Client,
    url: str,
    limits: FetchConfig,
    allow: Sequence[str],
    resolve: Resolver | None,
) -> tuple[FetchResponse, ParsedFeed | ParseError]:
    response = fetch_feed(client, FetchRequest(url), limits, allow_networks=allow, resolve=resolve)
    try:
        parsed: ParsedFeed | ParseError = parse_feed(
            response.body, url=response.url, headers=response.headers,
            max_entries=limits.max_entries, max_entry_chars=limits.max_entry_chars,
        )  # fmt: skip
    except ParseError as e:
        parsed = e
    return response, parsed


def discover_feed(
    client: httpx.Client,
    url: str,
    *,
    limits: FetchConfig | None = None,
    allow_networks: Sequence[str] = (),
    resolve: Resolver | None = None,
) -> Discovered:
    """The feed at ``url``, or the first working feed the page at ``url`` leads to."""
    limits = limits or FetchConfig.model_validate({})
    page, parsed = _try(client, url, limits, allow_networks, resolve)
    if isinstance(parsed, ParsedFeed):
        return Discovered(page.permanent_url or page.url, url, parsed)
    html = page.body.decode("utf-8", "replace")
    root = f"{urlsplit(page.url).scheme}://{urlsplit(page.url).netloc}"
    candidates = feed_links(html, page.url) + [root + p for p in USUAL_PATHS]
    tried: list[str] = []
    for candidate in dict.fromkeys(candidates):
        try:
            response, feed = _try(client, candidate, limits, allow_networks, resolve)
        except FeedError as e:
            tried.append(f"{candidate}: {e}")
            continue
        if isinstance(feed, ParsedFeed):
            return Discovered(response.permanent_url or response.url, url, feed)
        tried.append(f"{candidate}: {feed}")
    detail = "\n  ".join(tried[:5])
    raise ParseError(url, f"no feed found at {url}: {parsed}\n  tried:\n  {detail}")


def _config(app: App) -> Config:
    return app.config if app.config_path.exists() else Config.model_validate({})


@click.command("add")
@click.argument("url")
@click.option("--name", help="The feed's name in feeds.toml (default: from its title).")
@pass_app
def add(app: App, url: str, name: str | None) -> None:
    """Find the feed of URL (a feed, or a page that links to one), fetch it once to check it,
    and print the [[feeds]] block to add to feeds.toml."""
    config = _config(app)
    headers = {"User-Agent": config.service.user_agent.replace("{version}", _version())}
    with httpx.Client(follow_redirects=False, headers=headers) as client:
        found = discover_feed(
            client, url, limits=config.fetch, allow_networks=config.service.allow_networks
        )
    feed = found.feed
    click.echo(
        f"# found {found.url}: {feed.title or '(untitled)'}, {len(feed.entries)} entries"
        + (f", WebSub hub {feed.hub}" if feed.hub else ""),
        err=True,
    )
    for problem in feed.problems:
        click.echo(f"# note: {problem}", err=True)
    click.echo(found.toml(name))


def _version() -> str:
    from warn import __version__

    return __version__
