"""Training, metrics and the train/evaluate commands, on small inputs made here."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from classifiers import commands, corpus
from classifiers.evaluate import DEFAULT_DEV_EVAL, binary_metrics, ece, precision_at_recall
from classifiers.train import Settings, choose_threshold, train
from warn.model import LABELS, load_classifier


def test_ece_is_zero_when_calibrated_and_large_when_not() -> None:
    y = np.array([0, 0, 1, 1] * 25)
    assert ece(y, np.full(100, 0.5)) == pytest.approx(0.0)
    assert ece(y, np.where(y == 1, 0.0, 1.0)) == pytest.approx(1.0)


def test_precision_at_recall_and_thresholded_metrics() -> None:
    y = np.array([1, 1, 0, 1, 0, 0, 1, 0])
    p = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
    # 80% recall needs 4 of 4 positives here: cut at 0.3 keeps 7 items, 4 positive
    assert precision_at_recall(y, p, 0.8) == pytest.approx(4 / 7)
    m = binary_metrics(y, p, threshold=0.55)
    assert m["precision"] == pytest.approx(3 / 4)
    assert m["recall"] == pytest.approx(3 / 4)
    assert m["flagged"] == 4


def test_choose_threshold_keeps_the_target_recall() -> None:
    y = np.array([1] * 10 + [0] * 10)
    p = np.concatenate([np.linspace(0.95, 0.5, 10), np.linspace(0.6, 0.0, 10)])
    t = choose_threshold(y, p, 0.8)
    assert (p[y == 1] >= t).mean() >= 0.8
    assert (p[y == 1] >= t + 0.06).mean() < 0.8


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every 8th example of the real corpus: enough to train on in seconds."""
    folder = tmp_path_factory.mktemp("corpus")
    rows = [
        {
            "id": e.id,
            "title": e.title,
            "summary": e.summary,
            "labels": list(e.labels),
            "group": e.group,
        }
        for e in corpus.read_corpus()[::8]
    ]
    (folder / "small.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return folder


@pytest.mark.slow
def test_training_is_reproducible_and_loads(small_corpus: Path, tmp_path: Path) -> None:
    s = Settings(folds=3)
    meta_a = train(small_corpus, tmp_path / "a.skops", s, dev_eval=None)
    meta_b = train(small_corpus, tmp_path / "b.skops", s, dev_eval=None)
    assert meta_a["threshold_source"] == "corpus held-out split"
    assert meta_a["recommended_threshold"] == meta_b["recommended_threshold"]
    assert meta_a["heldout_metrics"] == meta_b["heldout_metrics"]
    model = load_classifier(tmp_path / "a.skops")
    texts = ["Gunmen kill villagers in night raid", "Shares rise as bank profits grow"]
    assert np.allclose(
        model.predict_proba(texts), load_classifier(tmp_path / "b.skops").predict_proba(texts)
    )
    assert model.metadata["labels"] == list(LABELS)
    assert json.loads((tmp_path / "a.json").read_text())["corpus_hash"] == meta_a["corpus_hash"]


def test_commands_have_help() -> None:
    runner = CliRunner()
    for command in (commands.train, commands.evaluate):
        result = runner.invoke(command, ["--help"])
        assert result.exit_code == 0
        assert "--corpus" in result.output
        assert "--dev-eval" in result.output


@pytest.mark.slow
@pytest.mark.skipif(not DEFAULT_DEV_EVAL.is_dir(), reason="needs ../shared/dev-eval")
def test_evaluate_command_reports_all_sections(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = CliRunner().invoke(commands.evaluate, ["--output", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert set(report) >= {"heldout", "labeled_dev"}
    assert "news_2020" in report or not commands.NEWS_LABELS.is_file()
    assert "labeled_dev (risk at" in result.output


def test_evaluate_without_dev_eval_reports_heldout_only(tmp_path: Path) -> None:
    result = CliRunner().invoke(commands.evaluate, ["--dev-eval", str(tmp_path / "none")])
    assert result.exit_code == 0, result.output
    assert "no dev-eval data" in result.output
    assert "Corpus held-out split" in result.output
    assert "labeled_dev" not in result.output
