"""Turn a fetched body into entries: pure (bytes and headers in, values out).

feedparser only ever sees bytes, wrapped in a BytesIO: given a bare ``bytes`` or ``str`` it
would first try to open it as a file name, and given a URL it would fetch it.

Safety before feedparser:

* a document whose prolog declares XML entities (``<!ENTITY`` before the root element, in
  UTF-8/ASCII or UTF-16/32) is refused outright: that blocks billion-laughs expansion and
  external entities (file or network reads) whatever the XML parser underneath would do;
* HTML pages, JSON and empty bodies are recognised and refused with a plain message.

Broken feeds are read as far as feedparser can (its loose parser takes over from the strict
one); what was wrong is recorded in ``ParsedFeed.problems`` rather than raised.
"""

from __future__ import annotations

import calendar
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from warn.errors import ParseError
from warn.types import Entry

_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
_ENTITY = {enc: "<!ENTITY".encode(enc) for enc in _ENCODINGS}
_ELEMENT = {
    enc: re.compile(
        b"|".join(
            re.escape(("<" + c).encode(enc))
            for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"
        )
    )
    for enc in _ENCODINGS
}
_SKIP = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->|<!\[CDATA\[", re.DOTALL)
_ROOT = re.compile(r"<(!doctype\s+html|[A-Za-z_][\w:.-]*)", re.IGNORECASE)
_FEED_ROOTS = {"rss", "feed", "rdf:rdf", "rdf", "channel"}


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    entries: tuple[Entry, ...]
    problems: tuple[str, ...]
    hub: str | None  # WebSub hub the feed advertises
    self_url: str | None
    language: str | None


def declares_entities(body: bytes) -> bool:
    """True when ``<!ENTITY`` appears before the root element, in any likely encoding."""
    for enc in _ENCODINGS:
        pos = body.find(_ENTITY[enc])
        if pos == -1:
            continue
        first = _ELEMENT[enc].search(body)
        if first is None or pos < first.start():
            return True
    return False


def _head_text(body: bytes) -> str:
    head = body[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "replace")
    if head[:1] == b"\x00" or head[1:2] == b"\x00":
        return head.decode("utf-16-be" if head[:1] == b"\x00" else "utf-16-le", "replace")
    return head.decode("latin-1").lstrip("\ufeff\xef\xbb\xbf")


def sniff_root(body: bytes) -> str | None:
    """The name of the first element (lower case), or "html" for an HTML doctype."""
    text = _head_text(body)
    pos = 0
    while match := _SKIP.match(text, pos):
        pos = match.end()
    if text[pos : pos + 9].upper() == "<!DOCTYPE" and "html" not in text[pos : pos + 30].lower():
        pos = text.find(">", pos) + 1 or len(text)
        while match := _SKIP.match(text, pos):
            pos = match.end()
    root = _ROOT.match(text, pos)
    if root is None:
        return None
    name = root.group(1).lower()
    return "html" if name.startswith("!doctype") else name


def _refuse_non_feeds(body: bytes, url: str, headers: Mapping[str, str]) -> None:
    if not body.strip():
        raise ParseError(url, "the server sent an empty body, not a feed")
    if declares_entities(body):
        raise ParseError(
            url,
            "refused: the feed declares XML entities (<!ENTITY> in its DOCTYPE), which can "
            "expand without bound or read local files; ask the publisher to remove them",
        )
    stripped = body.lstrip(b" \t\r\n\xef\xbb\xbf")
    ctype = headers.get("content-type", "").lower()
    if stripped[:1] in (b"{", b"[") or ("json" in ctype and not stripped.startswith(b"<")):
        raise ParseError(url, "the server sent JSON, not an RSS or Atom feed")
    root = sniff_root(body)
    if root == "html" or (root in (None, "head", "body") and "html" in ctype):
        raise ParseError(
            url,
            "the server sent an HTML page, not a feed; `warn feeds add URL` can find the "
            "feed this page links to",
        )


def parse_feed(
    body: bytes,
    *,
    url: str,
    headers: Mapping[str, str],
    max_entries: int,
    max_entry_chars: int,
) -> ParsedFeed:
    """Parse a feed body; raise ParseError when it is not a feed at all."""
    _refuse_non_feeds(body, url, headers)
    # No content-location: feedparser would also "resolve" guids against it, so a guid would
    # change with the feed's URL.  Entry links are made absolute here instead (``_absolute``).
    response_headers = {k.lower(): v for k, v in headers.items() if k.lower() != "content-location"}
    result = feedparser.parse(
        io.BytesIO(body),
        response_headers=response_headers,
        resolve_relative_uris=False,
        sanitize_html=False,  # summaries become plain text in core/clean.py
    )
    problems: list[str] = []
    if result.get("bozo"):
        problems.append(_describe_bozo(result.get("bozo_exception")))
    raw_entries = result.get("entries") or []
    if not result.get("version") and not raw_entries:
        detail = problems[0] if problems else f"root element <{sniff_root(body) or '?'}>"
        raise ParseError(url, f"not an RSS, Atom or RDF feed ({detail})")
    feed = result.get("feed") or {}
    language = _clean(feed.get("language")) or None
    entries = _entries(
        raw_entries,
        url=url,
        language=language,
        max_entries=max_entries,
        max_chars=max_entry_chars,
        problems=problems,
    )
    links = feed.get("links") or []
    return ParsedFeed(
        title=_clean(feed.get("title")) or None,
        entries=entries,
        problems=tuple(problems),
        hub=_link(links, "hub", url),
        self_url=_link(links, "self", url),
        language=language,
    )


def _describe_bozo(exc: object) -> str:
    name = type(exc).__name__
    if name == "CharacterEncodingOverride":
        return f"declared character encoding was wrong; read with another ({exc})"
    if name == "NonXMLContentType":
        return f"served with a non-XML Content-Type ({exc})"
    line = getattr(exc, "getLineNumber", None)
    where = f" at line {line()}" if callable(line) else ""
    message = getattr(exc, "getMessage", None)
    detail = message() if callable(message) else str(exc)
    return f"not well-formed XML{where}: {detail}; read as far as possible"


def _entries(
    raw: list[Any],
    *,
    url: str,
    language: str | None,
    max_entries: int,
    max_chars: int,
    problems: list[str],
) -> tuple[Entry, ...]:
    if len(raw) > max_entries:
        problems.append(
            f"the feed has {len(raw)} entries; kept the first {max_entries} (max_entries)"
        )
    entries: list[Entry] = []
    seen: set[str] = set()
    counts = {"cut": 0, "dupe": 0, "date": 0, "empty": 0}
    for item in raw[:max_entries]:
        entry = _entry(item, url, language, max_chars, counts)
        if entry is None:
            counts["empty"] += 1
        elif entry.guid is not None and entry.guid in seen:
            counts["dupe"] += 1
        else:
            seen.add(entry.guid or "")
            entries.append(entry)
    notes = {
        "cut": "longer than max_entry_chars, cut",
        "dupe": "repeating a guid already seen in this feed, skipped (the first is kept)",
        "date": "with a date that could not be read, kept without a date",
        "empty": "with no title, link or text, skipped",
    }
    problems.extend(
        f"{n} {'entry' if n == 1 else 'entries'} {notes[k]}" for k, n in counts.items() if n
    )
    return tuple(entries)


def _entry(
    item: Any, url: str, language: str | None, max_chars: int, counts: dict[str, int]
) -> Entry | None:
    title = _clean(item.get("title"))
    summary = _summary(item)
    link = _absolute(item.get("link"), url)
    if not (title or summary or link):
        return None
    if len(title) > max_chars or len(summary) > max_chars:
        counts["cut"] += 1
    published = _date(item)
    if published is None and (_raw(item, "published") or _raw(item, "updated")):
        counts["date"] += 1
    return Entry(
        guid=_clean(item.get("id"))[:2000] or None,
        link=link,
        title=title[:max_chars],
        summary=summary[:max_chars],
        published=published,
        language=_clean(item.get("language")) or language,
    )


def _summary(item: Any) -> str:
    content = item.get("content") or []
    values = [str(c.get("value") or "") for c in content]
    summary = str(item.get("summary") or "")
    longest = max(values, key=len, default="")
    return (longest if len(longest) > len(summary) else summary).strip()


def _date(item: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = _raw(item, key)
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
            except (TypeError, ValueError, OverflowError, OSError):
                continue
    return None


def _raw(item: Any, key: str) -> Any:
    """A key of a FeedParserDict without its deprecated published/updated aliasing."""
    return dict.get(item, key) if isinstance(item, dict) else None


def _absolute(link: object, base: str) -> str | None:
    if not isinstance(link, str) or not link.strip():
        return None
    absolute = urljoin(base, link.strip())
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def _link(links: list[Any], rel: str, base: str) -> str | None:
    for link in links:
        if link.get("rel") == rel and link.get("href"):
            return _absolute(link["href"], base)
    return None


def _clean(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
