"""The labeled corpus: schema, label set, no duplicates, no leakage between the splits."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from classifiers import corpus
from warn.types import CATEGORIES

FILES = sorted(corpus.CORPUS_DIR.glob("*.jsonl"))


@pytest.fixture(scope="module")
def examples() -> list[corpus.Example]:
    return corpus.read_corpus()


@pytest.fixture(scope="module")
def halves(examples: list[corpus.Example]) -> tuple[list[corpus.Example], list[corpus.Example]]:
    return corpus.split(examples)


def test_every_line_has_the_schema() -> None:
    assert FILES, "no corpus files"
    for path in FILES:
        prefix = None
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            row = json.loads(line)
            assert set(row) == {"id", "title", "summary", "labels", "group"}, f"{path.name}:{n}"
            assert set(row["labels"]) <= set(CATEGORIES), f"{path.name}:{n}"
            assert len(row["labels"]) == len(set(row["labels"])), f"{path.name}:{n}"
            assert row["group"].strip() and row["title"].strip(), f"{path.name}:{n}"
            # negatives are tagged as such, positives are not
            assert row["group"].startswith("neg:") == (not row["labels"]), f"{path.name}:{n}"
            this_prefix = row["id"].split("-")[0]
            prefix = prefix or this_prefix
            assert this_prefix == prefix, f"{path.name}:{n}: ids share one file prefix"


def test_ids_and_texts_are_unique(examples: list[corpus.Example]) -> None:
    ids = Counter(e.id for e in examples)
    assert [i for i, n in ids.items() if n > 1] == []
    keys = Counter(corpus.dedupe_key(e.text) for e in examples)
    assert [k for k, n in keys.items() if n > 1] == []


def test_every_category_and_negatives_are_represented(examples: list[corpus.Example]) -> None:
    counts = corpus.counts(examples)["labels"]
    for name in CATEGORIES:
        assert counts[name] >= 30, name
    assert counts["not_risk"] >= counts["risk"] * 0.5


def test_split_is_deterministic_and_about_80_20(examples: list[corpus.Example]) -> None:
    train, test = corpus.split(examples)
    _, again_test = corpus.split(list(reversed(examples)))
    assert {e.id for e in test} == {e.id for e in again_test}
    assert 0.12 < len(test) / len(examples) < 0.28
    assert len(train) + len(test) == len(examples)


def test_no_identical_or_near_identical_text_across_the_split(
    halves: tuple[list[corpus.Example], list[corpus.Example]],
) -> None:
    train, test = halves
    train_keys = {corpus.dedupe_key(e.text) for e in train}
    assert [e.id for e in test if corpus.dedupe_key(e.text) in train_keys] == []
    m = corpus.shingles([e.text for e in train] + [e.text for e in test])
    rows, cols = corpus.jaccard_pairs(m[len(train) :], m[: len(train)])
    leaks = [(test[i].id, train[j].id) for i, j in zip(rows, cols, strict=True)]
    assert leaks == []


def test_near_duplicates_are_detected() -> None:
    a = "Gunmen kill 12 villagers in raid on farming community in the north, officials say"
    b = "Gunmen kill 14 villagers in raid on farming community in the north, officials said"
    c = "Central bank raises interest rates for the third time this year to curb inflation"
    m = corpus.shingles([a, b, c])
    rows, cols = corpus.jaccard_pairs(m, m)
    pairs = {(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if i < j}
    assert pairs == {(0, 1)}


def test_bad_lines_are_reported_with_file_and_line() -> None:
    with pytest.raises(corpus.CorpusError, match=r"x.jsonl:3: unknown labels \['war'\]"):
        corpus.parse_line(
            '{"id": "a", "title": "t", "summary": "", "labels": ["war"], "group": "g"}',
            "x.jsonl:3",
        )
    with pytest.raises(corpus.CorpusError, match="field 'labels'"):
        corpus.parse_line('{"id": "a", "title": "t", "summary": "", "group": "g"}', "x.jsonl:4")
