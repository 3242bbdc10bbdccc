"""make_item, dedupe_key, content_hash, dedupe_entries."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warn.core.dedupe import content_hash, dedupe_entries, dedupe_key, make_item
from warn.types import Entry

FETCHED = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def entry(**changes: object) -> Entry:
    base = Entry(
        guid=" tag:example.org,2024:article-1 ",
        link="https://example.org/news/a-1?utm_source=rss&utm_medium=feed",
        title="Gunmen kill <b>12</b> villagers in Borno, Nigeria",
        summary="<p>Armed men attacked the village on Tuesday night, officials said.</p>"
        "<p>The post <a href='x'>Gunmen kill 12</a> appeared first on <a href='y'>Site</a>.</p>",
        published=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
        language=None,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_make_item_cleans_keys_and_tags() -> None:
    item = make_item(entry(), feed="reliefweb", fetched=FETCHED)
    assert item.feed == "reliefweb"
    assert item.title == "Gunmen kill 12 villagers in Borno, Nigeria"
    assert item.summary == "Armed men attacked the village on Tuesday night, officials said."
    assert item.link == "https://example.org/news/a-1"
    assert item.guid == "tag:example.org,2024:article-1"
    assert item.dedupe_key == "guid:tag:example.org,2024:article-1"
    assert item.content_hash == content_hash(item.title, item.summary)
    assert item.published == datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    assert item.fetched == FETCHED
    assert item.language == "en"
    assert item.countries == ("NG",)


def test_language_falls_back_to_feed_language() -> None:
    item = make_item(entry(title="Goma", summary="", language="fr-FR"), feed="f", fetched=FETCHED)
    assert item.language == "fr"
    assert item.countries == ("CD",)


def test_future_published_is_clamped_to_fetched() -> None:
    soon = FETCHED + timedelta(hours=20)
    later = FETCHED + timedelta(days=3)
    assert make_item(entry(published=soon), feed="f", fetched=FETCHED).published == soon
    assert make_item(entry(published=later), feed="f", fetched=FETCHED).published == FETCHED


def test_published_is_converted_to_utc_and_naive_taken_as_utc() -> None:
    plus2 = datetime(2024, 5, 1, 11, 0, tzinfo=timezone(timedelta(hours=2)))
    item = make_item(entry(published=plus2), feed="f", fetched=FETCHED)
    assert item.published == datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
    assert item.published is not None and item.published.tzinfo is UTC
    naive = make_item(entry(published=datetime(2024, 5, 1, 9, 0)), feed="f", fetched=FETCHED)
    assert naive.published == datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def test_naive_fetched_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make_item(entry(), feed="f", fetched=datetime(2024, 5, 1))


def test_max_chars_limits_summary() -> None:
    long = entry(summary="<p>" + "word " * 5000 + "</p>")
    assert len(make_item(long, feed="f", fetched=FETCHED, max_chars=500).summary) <= 500


def test_dedupe_key_fallbacks() -> None:
    assert dedupe_key(None, "https://x.org/a?fbclid=1") == "link:https://x.org/a"
    assert dedupe_key("  ", "https://x.org/a") == "link:https://x.org/a"
    assert dedupe_key(None, "mailto:a@b.org", title="T") == f"hash:{content_hash('T', '')}"
    assert dedupe_key(None, None, title="A title") == dedupe_key(None, None, title=" a  TITLE ")


def test_content_hash_normalises_case_and_space() -> None:
    assert content_hash("Title  One", "Body\ntext") == content_hash(" title one", "BODY text ")
    assert content_hash("Title", "one") != content_hash("Title one", "")
    assert len(content_hash("", "")) == 64


def test_dedupe_entries_keeps_first() -> None:
    first = make_item(entry(), feed="f", fetched=FETCHED)
    repeat = make_item(entry(title="Updated title"), feed="f", fetched=FETCHED)
    other = make_item(entry(guid="other"), feed="f", fetched=FETCHED)
    assert dedupe_entries([first, repeat, other, first]) == [first, other]
    assert dedupe_entries([]) == []


_guids = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1).filter(str.strip)
_spaces = st.text(" \t\n\r", max_size=3)
_params = st.lists(
    st.tuples(
        st.from_regex(r"[a-z]{1,8}", fullmatch=True),
        st.from_regex(r"[a-z0-9]{0,6}", fullmatch=True),
    ),
    max_size=4,
).filter(
    lambda ps: all(
        not k.startswith("utm")
        and k
        not in {
            "ref",
            "source",
            "src",
            "cmp",
            "spm",
            "ito",
            "smid",
            "ocid",
            "igsh",
            "xtor",
            "cmpid",
        }
        for k, _ in ps
    )
)
_tracking = st.lists(
    st.sampled_from(
        [
            "utm_source=rss",
            "utm_campaign=x",
            "fbclid=abc",
            "gclid=1",
            "CMP=feed",
            "at_medium=RSS",
            "ns_source=x",
            "xtor=RSS-3",
            "ref=twitter",
            "igshid=z",
        ]
    ),
    max_size=3,
)


@given(_guids, _spaces, _spaces)
def test_guid_key_stable_under_surrounding_whitespace(guid: str, left: str, right: str) -> None:
    assert dedupe_key(left + guid + right, "https://x.org/") == dedupe_key(guid, None)


@given(_params, _tracking, _spaces, st.booleans())
def test_link_key_stable_under_tracking_parameters(
    params: list[tuple[str, str]], tracking: list[str], space: str, fragment: bool
) -> None:
    query = "&".join(f"{k}={v}" for k, v in params)
    plain = f"https://news.example.org/story?{query}"
    noisy_query = "&".join([*tracking, *(f"{k}={v}" for k, v in params)])
    anchor = "#top" if fragment else ""
    noisy = f"{space}HTTPS://News.Example.org:443/story?{noisy_query}{anchor}{space}"
    assert dedupe_key(None, noisy) == dedupe_key(None, plain)


@given(st.text(), st.text())
def test_content_hash_stable_under_whitespace_and_case(title: str, summary: str) -> None:
    assert content_hash(title, summary) == content_hash(f"  {title.upper()} ", f"\n{summary}\t")
