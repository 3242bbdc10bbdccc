"""Render an evaluation report (``evaluate.evaluate`` output) as Markdown tables."""

from __future__ import annotations

from typing import Any

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
