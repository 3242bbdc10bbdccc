"""Read the labeled corpus and split it into train and test, keeping near-duplicates together.

Each line of ``corpus/*.jsonl`` is ``{"id", "title", "summary", "labels", "group"}``
(see ``DATASHEET.md``).  The split is deterministic: near-duplicate texts (word 3-shingle
Jaccard similarity >= ``NEAR_DUPLICATE``, or identical after ``dedupe_key``) are joined
into one cluster, and a cluster goes to the test split when the hash of its smallest id
falls in the test fraction.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import CountVectorizer

from warn.model import LABELS, normalise_text
from warn.types import CATEGORIES

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
REQUIRED_FIELDS = {"id": str, "title": str, "summary": str, "labels": list, "group": str}
TEST_FRACTION = 0.2
NEAR_DUPLICATE = 0.6


class CorpusError(ValueError):
    """A corpus line breaks the schema; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Example:
    id: str
    title: str
    summary: str
    labels: tuple[str, ...]
    group: str
    source: str  # file name

    @property
    def text(self) -> str:
        """The same join as ``warn.types.Item.text``."""
        return f"{self.title}. {self.summary}".strip(". ") if self.summary else self.title

    @property
    def targets(self) -> list[int]:
        """0/1 per label in ``warn.model.LABELS`` order (risk first)."""
        return [int(bool(self.labels))] + [int(c in self.labels) for c in CATEGORIES]


def parse_line(line: str, where: str) -> Example:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as e:
        raise CorpusError(f"{where}: not JSON ({e})") from e
    if not isinstance(row, dict):
        raise CorpusError(f"{where}: expected an object")
    for key, kind in REQUIRED_FIELDS.items():
        if not isinstance(row.get(key), kind):
            raise CorpusError(f"{where}: field {key!r} missing or not {kind.__name__}")
    unknown = [x for x in row["labels"] if x not in CATEGORIES]
    if unknown:
        raise CorpusError(f"{where}: unknown labels {unknown}")
    if not row["id"].strip() or not row["title"].strip():
        raise CorpusError(f"{where}: empty id or title")
    source = where.split(":", maxsplit=1)[0]
    labels = tuple(sorted(set(row["labels"]), key=CATEGORIES.index))
    return Example(row["id"], row["title"], row["summary"], labels, row["group"], source)


def read_corpus(directory: Path = CORPUS_DIR) -> list[Example]:
    """Every example of every ``*.jsonl`` file in ``directory``, sorted by id."""
    examples: list[Example] = []
    files = sorted(directory.glob("*.jsonl"))
    if not files:
        raise CorpusError(f"{directory}: no *.jsonl corpus files")
    for path in files:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    examples.append(parse_line(line, f"{path.name}:{n}"))
    return sorted(examples, key=lambda e: e.id)


def corpus_hash(examples: Iterable[Example]) -> str:
    """SHA-256 over ids, texts and labels: names the data a model was trained on."""
    digest = hashlib.sha256()
    for e in sorted(examples, key=lambda e: e.id):
        digest.update(json.dumps([e.id, e.text, list(e.labels)]).encode())
    return digest.hexdigest()


_NON_WORD = re.compile(r"[^a-z0 ]+")


def dedupe_key(text: str) -> str:
    """Identical under case, digits, punctuation and spacing."""
    return " ".join(_NON_WORD.sub(" ", normalise_text(text)).split())


def shingles(texts: Sequence[str]) -> sp.csr_matrix:
    """Binary word 3-shingle matrix of the dedupe keys."""
    vec = CountVectorizer(ngram_range=(3, 3), binary=True, token_pattern=r"\S+")  # noqa: S106
    return vec.fit_transform([dedupe_key(t) for t in texts]).tocsr()


def jaccard_pairs(
    a: sp.csr_matrix, b: sp.csr_matrix, threshold: float = NEAR_DUPLICATE
) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i in a, j in b) whose shingle Jaccard similarity is >= ``threshold``."""
    a, b = a.astype(np.float32), b.astype(np.float32)
    inter = (a @ b.T).tocoo()
    size_a = np.asarray(a.sum(axis=1)).ravel()
    size_b = np.asarray(b.sum(axis=1)).ravel()
    union = size_a[inter.row] + size_b[inter.col] - inter.data
    keep = inter.data >= threshold * np.maximum(union, 1)
    return inter.row[keep], inter.col[keep]


def clusters(examples: Sequence[Example]) -> list[str]:
    """For each example, the smallest id of its near-duplicate cluster (its cluster name)."""
    texts = [e.text for e in examples]
    m = shingles(texts)
    r, c = jaccard_pairs(m, m)
    rows, cols = list(r), list(c)
    first: dict[str, int] = {}
    for i, key in enumerate(dedupe_key(t) for t in texts):  # exact duplicates, however short
        j = first.setdefault(key, i)
        rows.append(j)
        cols.append(i)
    n = len(texts)
    graph = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    _, cluster = connected_components(graph, directed=False)
    leader: dict[int, str] = {}
    for e, k in zip(examples, cluster, strict=True):
        leader[k] = min(leader.get(k, e.id), e.id)
    return [leader[k] for k in cluster]


def bucket(key: str, n: int = 1000) -> int:
    """A stable pseudo-random bucket in ``range(n)`` for a string."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") % n


def split(
    examples: Sequence[Example], fraction: float = TEST_FRACTION
) -> tuple[list[Example], list[Example]]:
    """(train, test): clusters of near-duplicates stay on one side, chosen by id hash."""
    names = clusters(examples)
    is_test = [bucket(name) < fraction * 1000 for name in names]
    train_set = [e for e, t in zip(examples, is_test, strict=True) if not t]
    test_set = [e for e, t in zip(examples, is_test, strict=True) if t]
    return train_set, test_set


def targets(examples: Sequence[Example]) -> np.ndarray:
    """0/1 matrix (n x len(LABELS))."""
    return np.array([e.targets for e in examples], dtype=np.int8).reshape(-1, len(LABELS))


def counts(examples: Sequence[Example]) -> dict[str, dict[str, int]]:
    """Examples per category and per group (for the datasheet and the metadata)."""
    per_label = dict.fromkeys(CATEGORIES, 0)
    per_group: dict[str, int] = {}
    for e in examples:
        for name in e.labels:
            per_label[name] += 1
        per_group[e.group] = per_group.get(e.group, 0) + 1
    per_label["risk"] = sum(1 for e in examples if e.labels)
    per_label["not_risk"] = sum(1 for e in examples if not e.labels)
    return {"labels": per_label, "groups": dict(sorted(per_group.items()))}
