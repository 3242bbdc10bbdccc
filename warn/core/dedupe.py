"""Build clean :class:`Item` values from feed entries, with keys that say "seen it before"."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from warn.core.clean import canonical_link, html_to_text
from warn.core.geo import tag_countries
from warn.core.lang import detect_language
from warn.types import Entry, Item

#: A published date further ahead of the fetch than this is a feed's clock error.
_FUTURE_SLACK = timedelta(days=1)
_TITLE_MAX = 1000
#: Country tagging reads the title and this much of the summary.
_GEO_CHARS = 5000


def _normalize(text: str) -> str:
    return " ".join(text.split()).casefold()


def content_hash(title: str, summary: str) -> str:
    """sha256 hex of the case-folded, whitespace-collapsed title and summary."""
    payload = f"{_normalize(title)}\n{_normalize(summary)}"
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def _normalize_guid(guid: str | None) -> str | None:
    return " ".join(guid.split()) or None if guid else None


def dedupe_key(guid: str | None, link: str | None, *, title: str = "") -> str:
    """``guid:<guid>``, else ``link:<canonical link>``, else ``hash:<content hash of title>``."""
    return _key(_normalize_guid(guid), canonical_link(link), title)


def _key(guid: str | None, canonical: str | None, title: str) -> str:
    if guid:
        return f"guid:{guid}"
    if canonical:
        return f"link:{canonical}"
    return f"hash:{content_hash(title, '')}"


def _published(published: datetime | None, fetched: datetime) -> datetime | None:
    """Published time in UTC (naive taken as UTC), clamped to ``fetched`` if far in the future."""
    if published is None:
        return None
    published = published.replace(tzinfo=UTC) if published.tzinfo is None else published
    return fetched if published > fetched + _FUTURE_SLACK else published.astimezone(UTC)


def make_item(entry: Entry, *, feed: str, fetched: datetime, max_chars: int = 20000) -> Item:
    """Clean, key, hash and tag one entry. ``fetched`` must be timezone-aware."""
    if fetched.tzinfo is None:
        raise ValueError("make_item: fetched must be a timezone-aware datetime (UTC)")
    title = html_to_text(entry.title, max_chars=min(max_chars, _TITLE_MAX))
    summary = html_to_text(entry.summary, max_chars=max_chars)
    guid, link = _normalize_guid(entry.guid), canonical_link(entry.link)
    return Item(
        feed=feed,
        dedupe_key=_key(guid, link, title),
        guid=guid,
        link=link,
        title=title,
        summary=summary,
        published=_published(entry.published, fetched),
        fetched=fetched,
        content_hash=content_hash(title, summary),
        language=detect_language(f"{title}. {summary}", hint=entry.language),
        countries=tag_countries(f"{title}\n{summary[:_GEO_CHARS]}"),
    )


def dedupe_entries(items: Sequence[Item]) -> list[Item]:
    """The items with repeated ``dedupe_key`` dropped, keeping the first of each."""
    seen: set[str] = set()
    kept: list[Item] = []
    for item in items:
        if item.dedupe_key not in seen:
            seen.add(item.dedupe_key)
            kept.append(item)
    return kept
