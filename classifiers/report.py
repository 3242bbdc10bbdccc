"""Render an evaluation report (``evaluate.evaluate`` output) as Markdown tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from classifiers.corpus import Example, counts, read_corpus, split

_COLUMNS = (
    "n",
    "positives",
    "average_precision",
    "roc_auc",
    "precision_at_80_recall",
    "ece",
    "precision",
    "recall",
)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def label_table(title: str, labels: dict[str, dict[str, Any]]) -> str:
    head = f"### {title}\n\n| label | " + " | ".join(_COLUMNS) + " |\n"
    head += "|---" * (len(_COLUMNS) + 1) + "|\n"
    rows = [
        f"| {name} | " + " | ".join(_fmt(m.get(c)) for c in _COLUMNS) + " |"
        for name, m in labels.items()
    ]
    return head + "\n".join(rows) + "\n"


def summarise(report: dict[str, Any]) -> str:
    parts = [f"model {report['model_version']}, risk threshold {report['threshold']}\n"]
    held = report["heldout"]
    parts.append(label_table("Corpus held-out split (categories at 0.5)", held["labels"]))
    fams = held["negative_families"]
    parts.append(
        "| negative family | n | false-positive rate |\n|---|---|---|\n"
        + "\n".join(f"| {k} | {v['n']} | {v['fp_rate']:.3f} |" for k, v in fams.items())
        + "\n"
    )
    if "labeled_dev" in report:
        dev = report["labeled_dev"]
        lines = [f"### labeled_dev (risk at {dev['threshold']})\n", "| source | n | figure |"]
        lines.append("|---|---|---|")
        for src, m in dev["per_source"].items():
            figure = (
                f"recall {m['recall']:.3f}"
                if "recall" in m
                else (f"false-positive rate {m['false_positive_rate']:.3f}")
            )
            lines.append(f"| {src} | {m['n']} | {figure} |")
        o = dev["overall"]
        lines.append(
            f"\noverall ROC-AUC {_fmt(o.get('roc_auc'))}, AP {_fmt(o.get('average_precision'))}"
        )
        parts.append("\n".join(lines) + "\n")
    if "news_2020" in report:
        for part, labels in report["news_2020"].items():
            parts.append(label_table(f"news_2020 labeled sample: {part}", labels))
    return "\n".join(parts)


def corpus_tables(examples: Sequence[Example]) -> str:
    """The count tables of DATASHEET.md (``python -m classifiers.report``)."""
    train, test = split(examples)
    per = {"all": counts(examples), "train": counts(train), "test": counts(test)}
    out = ["| label | all | train | test |", "|---|---|---|---|"]
    for name in per["all"]["labels"]:
        out.append(f"| {name} | " + " | ".join(str(per[k]["labels"][name]) for k in per) + " |")
    out.append(f"| **examples** | {len(examples)} | {len(train)} | {len(test)} |")
    families: dict[str, int] = {}
    for group, n in per["all"]["groups"].items():
        key = group if group.startswith("neg:") else group.split(":")[0]
        families[key] = families.get(key, 0) + n
    out += ["", "| group family | examples |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in sorted(families.items())]
    sizes: dict[str, int] = {}
    for e in examples:
        sizes[e.source] = sizes.get(e.source, 0) + 1
    out += ["", "| file | examples |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in sorted(sizes.items())]
    headline_only = sum(1 for e in examples if not e.summary)
    multi = sum(1 for e in examples if len(e.labels) > 1)
    out += ["", f"Headline-only items: {headline_only}. Items with 2+ categories: {multi}."]
    return "\n".join(out)


if __name__ == "__main__":
    print(corpus_tables(read_corpus()))
