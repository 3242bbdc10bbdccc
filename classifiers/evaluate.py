"""Measure a trained artifact: on the corpus's held-out split, and on real text it never saw.

Real text lives beside the repository in ``../shared/dev-eval`` (never copied in, never
trained on):

* ``labeled_dev.jsonl``: per-source recall at the default threshold, and the false-positive
  rate on the hard negatives (disaster and accident tweets) and on ordinary news;
* ``news_2020.jsonl.gz`` joined on line number with our own labels in
  ``classifiers/eval/news_2020_labels.jsonl`` (no text kept in the repository): AP,
  ROC-AUC, precision at 80 % recall, ECE, precision and recall at the default threshold,
  per category.  Lines are split by parity: even lines may be used to choose things (see
  ``MODEL_CARD.md``), odd lines are the untouched report.
"""

from __future__ import annotations

import gzip
import html
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score

from classifiers import corpus as corpus_mod
from warn.model import LABELS, LinearRiskClassifier, load_classifier
from warn.types import CATEGORIES

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DEV_EVAL = REPO.parent / "shared" / "dev-eval"
NEWS_LABELS = Path(__file__).resolve().parent / "eval" / "news_2020_labels.jsonl"
HARD_NEGATIVE_SOURCES = ("CrisisLexT26",)
#: Substring of labeled_dev's ``source`` field -> the dataset it names (see its README).
SOURCE_NAMES = {
    "HRDsAttack": "HRDsAttack",
    "IndiaPoliceEvents": "IndiaPoliceEvents",
    "satp": "SATP",
    "BBC_News": "BBC News",
    "CrisisLexT26": "CrisisLexT26",
}


def source_name(source: str) -> str:
    """The dataset a labeled_dev row comes from (its ``source`` also names a file)."""
    return next((name for key, name in SOURCE_NAMES.items() if key in source), source)


def ece(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error with equal-width bins."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.mean() * abs(float(y[mask].mean()) - float(p[mask].mean()))
    return total


def precision_at_recall(y: np.ndarray, p: np.ndarray, recall: float = 0.8) -> float:
    """Best precision among thresholds that keep recall at or above ``recall``."""
    prec, rec, _ = precision_recall_curve(y, p)
    ok = rec >= recall
    return float(prec[ok].max()) if ok.any() else 0.0


def binary_metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, Any]:
    """Ranking, calibration and thresholded figures for one label."""
    y = np.asarray(y).astype(int)
    pred = p >= threshold
    out: dict[str, Any] = {"n": len(y), "positives": int(y.sum())}
    if 0 < y.sum() < len(y):
        out["roc_auc"] = round(float(roc_auc_score(y, p)), 4)
        out["average_precision"] = round(float(average_precision_score(y, p)), 4)
        out["precision_at_80_recall"] = round(precision_at_recall(y, p), 4)
    out["ece"] = round(ece(y, p), 4)
    out["threshold"] = round(float(threshold), 4)
    out["precision"] = round(float(y[pred].mean()), 4) if pred.any() else None
    out["recall"] = round(float(pred[y == 1].mean()), 4) if y.any() else None
    out["flagged"] = int(pred.sum())
    return out


def label_metrics(
    y: np.ndarray, probs: np.ndarray, threshold: float, category_threshold: float = 0.5
) -> dict[str, Any]:
    """``binary_metrics`` for risk (at ``threshold``) and each category (at 0.5)."""
    out = {"risk": binary_metrics(y[:, 0], probs[:, 0], threshold)}
    for j, name in enumerate(LABELS[1:], 1):
        out[name] = binary_metrics(y[:, j], probs[:, j], category_threshold)
    return out


def evaluate_heldout(model: LinearRiskClassifier, corpus_dir: Path) -> dict[str, Any]:
    _, test = corpus_mod.split(corpus_mod.read_corpus(corpus_dir))
    probs = model.predict_proba([e.text for e in test])
    result = label_metrics(corpus_mod.targets(test), probs, model.recommended_threshold)
    negatives = [e.group for e in test if not e.labels]
    flagged = probs[:, 0] >= model.recommended_threshold
    by_family: dict[str, dict[str, float]] = {}
    for fam in sorted(set(negatives)):
        mask = np.array([not e.labels and e.group == fam for e in test])
        by_family[fam] = {"n": int(mask.sum()), "fp_rate": round(float(flagged[mask].mean()), 4)}
    return {"labels": result, "negative_families": by_family}


def _rate(flags: np.ndarray) -> float | None:
    return round(float(flags.mean()), 4) if len(flags) else None


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate_labeled_dev(model: LinearRiskClassifier, dev_eval: Path) -> dict[str, Any]:
    rows = read_jsonl(dev_eval / "labeled_dev.jsonl")
    for r in rows:
        r["source"] = source_name(r["source"])
    probs = model.predict_proba([r["text"] for r in rows])[:, 0]
    y = np.array([int(r["label"]) for r in rows])
    thr = model.recommended_threshold
    per_source: dict[str, Any] = {}
    for source in sorted({r["source"] for r in rows}):
        mask = np.array([r["source"] == source for r in rows])
        label = int(y[mask][0]) if len(set(y[mask])) == 1 else None
        entry: dict[str, Any] = {"n": int(mask.sum())}
        if label == 1:
            entry["recall"] = round(float((probs[mask] >= thr).mean()), 4)
        else:
            entry["false_positive_rate"] = round(float((probs[mask] >= thr).mean()), 4)
        per_source[source] = entry
    hard = np.array([r["source"] in HARD_NEGATIVE_SOURCES for r in rows])
    return {
        "threshold": thr,
        "overall": binary_metrics(y, probs, thr),
        "per_source": per_source,
        "hard_negative_fp_rate": _rate(probs[hard] >= thr),
    }


_TAG = re.compile(r"<[^>]+>")


def news_text(row: dict[str, Any]) -> str:
    """Title and description of a feed item, as warn's cleaner would join them."""
    title = html.unescape(_TAG.sub(" ", row.get("title") or "")).strip()
    summary = " ".join(html.unescape(_TAG.sub(" ", row.get("description") or "")).split())
    return f"{title}. {summary}".strip(". ") if summary else title


def load_news_sample(dev_eval: Path, labels_path: Path = NEWS_LABELS) -> list[dict[str, Any]]:
    """Our labels joined with the feed items by line number; the link must match."""
    feed = read_jsonl(dev_eval / "news_2020.jsonl.gz")
    joined = []
    for lab in read_jsonl(labels_path):
        row = feed[lab["line"]]
        if row.get("link") != lab["link"]:
            raise ValueError(f"line {lab['line']}: link {lab['link']!r} does not match the feed")
        unknown = set(lab["labels"]) - set(CATEGORIES)
        if unknown:
            raise ValueError(f"line {lab['line']}: unknown labels {sorted(unknown)}")
        joined.append({"line": lab["line"], "text": news_text(row), "labels": lab["labels"]})
    return joined


def news_targets(rows: Sequence[dict[str, Any]]) -> np.ndarray:
    return np.array(
        [[int(bool(r["labels"]))] + [int(c in r["labels"]) for c in CATEGORIES] for r in rows]
    ).reshape(-1, len(LABELS))


def evaluate_news(
    model: LinearRiskClassifier, dev_eval: Path, labels_path: Path = NEWS_LABELS
) -> dict[str, Any]:
    rows = load_news_sample(dev_eval, labels_path)
    probs = model.predict_proba([r["text"] for r in rows])
    y = news_targets(rows)
    out: dict[str, Any] = {}
    for part, parity in (("all", None), ("even_lines", 0), ("odd_lines", 1)):
        mask = np.array([parity is None or r["line"] % 2 == parity for r in rows])
        out[part] = label_metrics(y[mask], probs[mask], model.recommended_threshold)
    return out


def evaluate(
    model_path: Path | None,
    corpus_dir: Path,
    dev_eval: Path | None,
    labels_path: Path = NEWS_LABELS,
) -> dict[str, Any]:
    """Everything the model card reports, as one JSON-ready dict."""
    model = load_classifier(model_path)
    report: dict[str, Any] = {
        "model_version": model.version,
        "threshold": model.recommended_threshold,
        "heldout": evaluate_heldout(model, corpus_dir),
    }
    if dev_eval is not None and (dev_eval / "labeled_dev.jsonl").is_file():
        report["labeled_dev"] = evaluate_labeled_dev(model, dev_eval)
        if labels_path.is_file() and (dev_eval / "news_2020.jsonl.gz").is_file():
            report["news_2020"] = evaluate_news(model, dev_eval, labels_path)
    return report
