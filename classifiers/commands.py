"""The ``warn train`` and ``warn evaluate`` commands (registered in ``warn/cli.py``)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from classifiers.corpus import CORPUS_DIR
from classifiers.evaluate import DEFAULT_DEV_EVAL, NEWS_LABELS
from classifiers.train import DEFAULT_OUTPUT

_corpus = click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=CORPUS_DIR,
    show_default=True,
    help="Folder of labeled *.jsonl corpus files.",
)


@click.command("train")
@_corpus
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_OUTPUT,
    show_default=True,
    help="Where to write the skops artifact (a .json copy of its metadata goes beside it).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for the CV folds.")
@click.option(
    "--target-recall",
    type=click.FloatRange(0.5, 1.0),
    default=0.85,
    show_default=True,
    help="The recommended risk threshold keeps this share of the tuning set's positives.",
)
@click.option(
    "--dev-eval",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DEV_EVAL,
    show_default=True,
    help="Only the threshold is tuned here (news_2020 even lines); the corpus "
    "held-out split is used when the folder is missing.",
)
def train(corpus_dir: Path, output: Path, seed: int, target_recall: float, dev_eval: Path) -> None:
    """Train the risk classifier on the corpus and save it (reproducible, under a minute)."""
    from classifiers.train import Settings
    from classifiers.train import train as run_training

    settings = Settings(seed=seed, target_recall=target_recall)
    meta = run_training(corpus_dir, output, settings, dev_eval)
    click.echo(f"threshold {meta['recommended_threshold']} chosen on {meta['threshold_source']}")
    risk = meta["heldout_metrics"]["risk"]
    click.echo(f"wrote {output} ({output.stat().st_size / 1e6:.1f} MB) {meta['model_version']}")
    click.echo(
        f"held-out risk: AP {risk.get('average_precision')} ROC-AUC {risk.get('roc_auc')} "
        f"ECE {risk['ece']} threshold {meta['recommended_threshold']}"
    )


@click.command("evaluate")
@click.option(
    "--model",
    "model_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Artifact to evaluate [default: the shipped classifiers/warn-risk.skops].",
)
@_corpus
@click.option(
    "--dev-eval",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DEV_EVAL,
    show_default=True,
    help="Folder with labeled_dev.jsonl and news_2020.jsonl.gz (skipped when missing).",
)
@click.option(
    "--news-labels",
    type=click.Path(dir_okay=False, path_type=Path),
    default=NEWS_LABELS,
    show_default=True,
    help="Our labels of news_2020 lines (JSONL: line, link, labels).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the full report as JSON to this file.",
)
def evaluate(
    model_path: Path | None,
    corpus_dir: Path,
    dev_eval: Path,
    news_labels: Path,
    output: Path | None,
) -> None:
    """Measure the classifier: corpus held-out split, labeled_dev, our news_2020 sample."""
    from classifiers.evaluate import evaluate as run_evaluation
    from classifiers.report import summarise

    if not (dev_eval / "labeled_dev.jsonl").is_file():
        click.echo(f"note: no dev-eval data in {dev_eval}; reporting the held-out split only")
    report = run_evaluation(model_path, corpus_dir, dev_eval, news_labels)
    if output is not None:
        output.write_text(json.dumps(report, indent=2) + "\n")
    click.echo(summarise(report))
