"""Golden pairs: every feed in tests/data/feeds parses to the outcome in its NAME.expected.json.

To review a deliberate change, regenerate with WARN_REGEN_GOLDEN=1 and read the diff.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.integration.hostile_server import FEEDS, case_body, case_path, expectations, outcome_of
from warn.config import FetchConfig
from warn.core.parse import parse_feed
from warn.errors import ParseError

BASE = "http://feeds.test"
CASES = expectations()


def parse_case(name: str, case: dict, base: str = BASE) -> dict:
    limits = FetchConfig()
    headers = {"content-type": case.get("content_type", "application/rss+xml")}
    body = case_body(name, case, base)
    try:
        result: object = parse_feed(
            body,
            url=base + case_path(name, case),
            headers=headers,
            max_entries=limits.max_entries,
            max_entry_chars=limits.max_entry_chars,
        )
    except ParseError as e:
        result = e
    return outcome_of(result, base)


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_case_parses_to_its_golden_outcome(name: str) -> None:
    case = CASES[name]
    got = parse_case(name, case)
    if os.environ.get("WARN_REGEN_GOLDEN"):
        case["outcome"] = got
        path = FEEDS / f"{name}.expected.json"
        path.write_text(json.dumps(case, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == case["outcome"]


def test_corpus_covers_the_hostile_and_broken_cases() -> None:
    wanted = {
        "rss2_good", "atom_good", "rdf_good", "cdata_html", "relative_links", "missing_guid",
        "duplicate_guids", "bad_dates", "latin1_as_utf8", "utf16", "truncated", "html_page",
        "empty", "json_feed", "billion_laughs", "external_entity", "huge_entry", "many_entries",
    }  # fmt: skip
    assert wanted <= set(CASES)
