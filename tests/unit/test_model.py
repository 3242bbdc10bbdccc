"""Loading the classifier artifact safely, and scoring equivalences (shipped artifact)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import skops.io as sio
from sklearn.pipeline import Pipeline

from warn.errors import ClassifierError
from warn.model import (
    LABELS,
    LinearRiskClassifier,
    load_classifier,
    normalise_text,
    rebuild_vectorizer,
    shipped_model_path,
)
from warn.types import CATEGORIES

TEXTS = [
    "Gunmen kill 12 villagers in overnight raid, officials say",
    "Central bank holds interest rates as inflation eases",
    "Café owners' «élan» — naïve tests: ÀÉÎ 2021 ...",
    "",
    "a",
]


@pytest.fixture(scope="module")
def parts() -> dict[str, Any]:
    return sio.load(shipped_model_path(), trusted=[])


def _dump(tmp_path: Path, parts: dict[str, Any], **meta: Any) -> Path:
    changed = dict(parts)
    changed["metadata_json"] = json.dumps({**json.loads(parts["metadata_json"]), **meta})
    path = tmp_path / "model.skops"
    sio.dump(changed, path, compression=zipfile.ZIP_DEFLATED)
    return path


def test_shipped_artifact_loads_with_metadata() -> None:
    model = load_classifier()
    assert model.version.startswith("tfidf-lr-")
    assert 0.0 < model.metadata["recommended_threshold"] < 1.0
    assert model.metadata["labels"] == list(LABELS)
    assert len(model.metadata["corpus_hash"]) == 64
    assert shipped_model_path().stat().st_size < 20_000_000


def test_assess_returns_every_category_for_every_text() -> None:
    model = load_classifier()
    out = model.assess(TEXTS)
    assert len(out) == len(TEXTS)
    for a in out:
        assert set(a.categories) == set(CATEGORIES)
        assert 0.0 <= a.risk <= 1.0
        assert all(0.0 <= p <= 1.0 for p in a.categories.values())
        assert a.model_version == model.version
    assert model.assess([]) == []


def test_reasons_are_word_phrases_of_the_text() -> None:
    model = load_classifier()
    text = "Soldiers shot dead dozens of protesters and detained a journalist in the capital"
    (a,) = model.assess([text])
    assert a.reasons
    clean = normalise_text(text)
    for r in a.reasons:
        assert f" {r.phrase} " in f" {clean} ", r.phrase
        assert r.weight > 0
        assert r.category in LABELS
    assert {r.category for r in a.reasons} >= {"risk"}


def test_fast_char_features_equal_sklearn(parts: dict[str, Any]) -> None:
    model = LinearRiskClassifier(parts)
    reference = rebuild_vectorizer(parts, "char")
    clean = [normalise_text(t) for t in TEXTS * 2]
    ours = model._char.transform(clean).toarray()
    assert np.allclose(ours, reference.transform(clean).toarray(), atol=1e-6)


def test_fast_word_features_equal_sklearn(parts: dict[str, Any]) -> None:
    model = LinearRiskClassifier(parts)
    reference = rebuild_vectorizer(parts, "word")
    clean = [normalise_text(t) for t in TEXTS * 2]
    ours = model._word.transform(clean).toarray()
    assert np.allclose(ours, reference.transform(clean).toarray(), atol=1e-6)


def test_normalise_text_folds_case_digits_and_space() -> None:
    assert normalise_text("  At least 23\u00a0KILLED\n in  2020 ") == "at least 0 killed in 0"
    assert normalise_text("Mother\u2019s day") == "mother's day"


def test_missing_file_is_a_classifier_error(tmp_path: Path) -> None:
    with pytest.raises(ClassifierError, match="no classifier artifact"):
        load_classifier(tmp_path / "nope.skops")


def test_corrupt_file_is_a_classifier_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.skops"
    path.write_bytes(b"not a zip file at all")
    with pytest.raises(ClassifierError, match="not a readable skops artifact"):
        load_classifier(path)


def test_untrusted_types_are_refused(tmp_path: Path, parts: dict[str, Any]) -> None:
    path = tmp_path / "evil.skops"
    sio.dump({**parts, "extra": Pipeline([("x", "passthrough")])}, path)
    with pytest.raises(ClassifierError, match=r"does not trust: .*Pipeline"):
        load_classifier(path)


def test_other_sklearn_version_is_refused(tmp_path: Path, parts: dict[str, Any]) -> None:
    path = _dump(tmp_path, parts, sklearn_version="0.24.2")
    with pytest.raises(ClassifierError, match=r"scikit-learn 0\.24\.2"):
        load_classifier(path)


def test_other_format_is_refused(tmp_path: Path, parts: dict[str, Any]) -> None:
    path = _dump(tmp_path, parts, format=999)
    with pytest.raises(ClassifierError, match="format 999"):
        load_classifier(path)


def test_missing_parts_are_refused(tmp_path: Path, parts: dict[str, Any]) -> None:
    path = tmp_path / "partial.skops"
    sio.dump({k: v for k, v in parts.items() if k != "coef"}, path)
    with pytest.raises(ClassifierError, match="missing parts"):
        load_classifier(path)
