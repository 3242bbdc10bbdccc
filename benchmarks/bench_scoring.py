"""Scoring throughput and load time of the shipped classifier.

    python benchmarks/bench_scoring.py [--dev-eval ../shared/dev-eval] [--n 10000] [--repeat 3]

Input: real feed items (title + ". " + description) read at run time from
``news_2020.jsonl.gz`` beside the repository (never copied into it); without it, the corpus
texts repeated to ``n``.  Pinned to one core (``taskset``-style affinity where the OS allows,
and single-threaded BLAS).  Prints load time (cold process: imports + artifact; and warm:
artifact only), then items/s for ``assess`` (scores + reasons) on the first call (empty
n-gram cache) and the best of ``--repeat`` later calls (steady state, as in the service).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

COLD_LOAD = (
    "import time; t = time.perf_counter(); from warn.model import load_classifier; "
    "load_classifier(); print(time.perf_counter() - t)"
)


def texts(dev_eval: Path, n: int) -> tuple[list[str], str]:
    from classifiers.evaluate import news_text, read_jsonl

    path = dev_eval / "news_2020.jsonl.gz"
    if path.is_file():
        rows = [news_text(r) for r in read_jsonl(path)][:n]
        source = f"news_2020 ({len(rows)} real feed items)"
    else:
        from classifiers.corpus import read_corpus

        rows = [e.text for e in read_corpus()]
        source = "corpus texts (dev-eval not found)"
    while len(rows) < n:
        rows = rows + rows
    return rows[:n], source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev-eval", type=Path, default=REPO.parent / "shared" / "dev-eval")
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    cold = [
        float(
            subprocess.run(
                [sys.executable, "-c", COLD_LOAD],
                check=True,
                capture_output=True,
                text=True,
                cwd=REPO,
            ).stdout
        )
        for _ in range(3)
    ]
    import sklearn.feature_extraction.text  # noqa: F401
    import skops.io  # noqa: F401  (import the libraries first: time the artifact alone)

    from warn.model import load_classifier, shipped_model_path

    t = time.perf_counter()
    model = load_classifier()
    warm = time.perf_counter() - t
    batch, source = texts(args.dev_eval, args.n)
    mean_len = sum(len(x) for x in batch) / len(batch)

    t = time.perf_counter()
    model.assess(batch)
    first = time.perf_counter() - t
    runs = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        model.assess(batch)
        runs.append(time.perf_counter() - t)
    best = min(runs)

    size = shipped_model_path().stat().st_size / 1e6
    print(f"artifact: {shipped_model_path().name} {size:.2f} MB, model {model.version}")
    print(f"input: {source}, mean {mean_len:.0f} chars")
    print(f"load, new process (imports + artifact): best {min(cold):.2f} s of 3")
    print(f"load, artifact only (libraries imported): {warm:.3f} s")
    print(f"assess, first batch of {len(batch)}: {len(batch) / first:,.0f} items/s")
    print(f"assess, steady state (best of {args.repeat}): {len(batch) / best:,.0f} items/s")


if __name__ == "__main__":
    main()
