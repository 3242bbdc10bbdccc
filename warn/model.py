"""Load the shipped risk classifier and score texts with it.

The artifact (``classifiers/warn-risk.skops``, written by ``warn train``) is a skops file
holding a plain dict of strings and numpy arrays only: for each of the two tf-idf
vectorizers (word 1-2 grams; char 3-5 grams inside word boundaries) its settings as JSON,
its terms and its idf weights; one linear weight row per label (``risk`` first, then the
seven categories); a Platt calibration pair per label; and the metadata as JSON.  Keeping
vocabularies as one string each (not as a pickled-style dict of 10^5 nodes) is what makes
loading take a fraction of a second.

Scoring is a sparse matrix product; the reasons for a score are the word n-grams of the
text whose contribution (tf-idf value x weight) pushed that label up the most.  Loading
refuses any artifact holding a type outside ``TRUSTED_TYPES`` or built by another
scikit-learn, with a :class:`~warn.errors.ClassifierError` that says what to do.
"""

from __future__ import annotations

import json
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

from warn.errors import ClassifierError
from warn.types import CATEGORIES, Assessment, Reason

#: Bumped when the layout of the artifact dict changes.
ARTIFACT_FORMAT = 1
ARTIFACT_NAME = "warn-risk.skops"
#: The labels of the artifact, in row order.
LABELS: tuple[str, ...] = ("risk", *CATEGORIES)
#: Every type a warn artifact may name (its skops schema is checked against this list) ...
ALLOWED_TYPES = frozenset({"builtins.dict", "builtins.list", "builtins.str", "numpy.ndarray"})
#: ... and the types beyond skops's own defaults we pass to ``skops.io.load``: none.
TRUSTED_TYPES: tuple[str, ...] = ()
#: Categories at or above this probability get their own reasons.
REASON_MIN_PROBABILITY = 0.25
REASONS_PER_LABEL = 3
VECTORIZERS = ("word", "char")
_REQUIRED_KEYS = (
    *(f"{v}_{part}" for v in VECTORIZERS for part in ("settings", "terms", "idf")),
    "coef",
    "intercept",
    "platt",
    "labels",
    "metadata_json",
)
#: The vectorizer settings that matter when transforming (the rest only matter in fit).
VECTORIZER_SETTINGS = (
    "analyzer",
    "ngram_range",
    "token_pattern",
    "lowercase",
    "norm",
    "use_idf",
    "smooth_idf",
    "sublinear_tf",
)


class Classifier(Protocol):
    """What the service needs from a classifier."""

    @property
    def version(self) -> str: ...

    @property
    def metadata(self) -> dict[str, Any]: ...

    def assess(self, texts: Sequence[str]) -> list[Assessment]: ...


_DIGITS = re.compile(r"\d+")


def normalise_text(text: str) -> str:
    """The form the vectorizers read: NFKC, lower case, digits folded to ``0``, one space."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(_DIGITS.sub("0", text.lower()).split())


def vectorizer_parts(name: str, vectorizer: Any) -> dict[str, Any]:
    """A fitted ``TfidfVectorizer`` as plain artifact parts (settings JSON, terms, idf)."""
    params = vectorizer.get_params()
    settings = {k: params[k] for k in VECTORIZER_SETTINGS}
    terms = vectorizer.get_feature_names_out()
    return {
        f"{name}_settings": json.dumps(settings),
        f"{name}_terms": "\n".join(terms),
        f"{name}_idf": np.asarray(vectorizer.idf_, dtype=np.float64),
    }


def rebuild_vectorizer(parts: dict[str, Any], name: str) -> Any:
    """The inverse of :func:`vectorizer_parts`: a ready-to-transform ``TfidfVectorizer``."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    settings = json.loads(parts[f"{name}_settings"])
    settings["ngram_range"] = tuple(settings["ngram_range"])
    terms = parts[f"{name}_terms"].split("\n")
    vec = TfidfVectorizer(
        **settings, vocabulary={t: i for i, t in enumerate(terms)}, dtype=np.float32
    )
    vec.idf_ = np.asarray(parts[f"{name}_idf"])
    return vec


def tfidf_weigh(m: sp.csr_matrix, idf: np.ndarray, sublinear: bool) -> sp.csr_matrix:
    """Counts to tf-idf as sklearn does: sublinear tf, times idf, then unit length per row."""
    if sublinear:
        np.log(m.data, out=m.data)
        m.data += 1.0
    m.data *= idf[m.indices]
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    norms = np.sqrt(np.bincount(rows, weights=m.data**2, minlength=m.shape[0]))
    m.data /= np.where(norms == 0, 1.0, norms)[rows]
    return m.astype(np.float32)


class WordFeatures:
    """Word 1..n-gram tf-idf as sklearn's ``TfidfVectorizer`` computes it, with less overhead.

    Tokens come from the same regular expression; n-grams are looked up in the vocabulary
    and counted in one sparse matrix per batch.  ``tests/unit/test_model.py`` checks the
    output equals sklearn's.
    """

    def __init__(self, vectorizer: Any) -> None:
        self._vocab: dict[str, int] = vectorizer.vocabulary_
        self._idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self._min_n, self._max_n = vectorizer.ngram_range
        self._sublinear = bool(vectorizer.sublinear_tf)
        self._tokens = re.compile(vectorizer.token_pattern).findall

    def _ids(self, doc: str) -> list[int]:
        tokens = self._tokens(doc)
        grams: list[str] = tokens if self._min_n == 1 else []
        for n in range(max(self._min_n, 2), self._max_n + 1):
            grams = grams + list(map(" ".join, zip(*(tokens[i:] for i in range(n)), strict=False)))
        return [i for i in map(self._vocab.get, grams) if i is not None]

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        cols: list[int] = []
        indptr = [0]
        for doc in docs:
            cols.extend(self._ids(doc))
            indptr.append(len(cols))
        shape = (len(docs), len(self._idf))
        m = sp.csr_matrix((np.ones(len(cols)), cols, indptr), shape=shape)
        m.sum_duplicates()
        return tfidf_weigh(m, self._idf, self._sublinear)


class _Numbering(dict[str, int]):
    """Numbers keys 0, 1, 2... in order of first lookup."""

    def __missing__(self, key: str) -> int:
        self[key] = number = len(self)
        return number


class CharFeatures:
    """Char n-grams inside word boundaries, as sklearn's ``char_wb`` tf-idf, but fast.

    sklearn builds every n-gram of every document in Python; here each distinct word's
    n-gram ids are computed once and cached, so a batch costs about one dict lookup per
    word.  ``tests/unit/test_model.py`` checks the output equals ``TfidfVectorizer``'s.
    """

    def __init__(self, vectorizer: Any, cache_size: int = 200_000) -> None:
        self._vocab: dict[str, int] = vectorizer.vocabulary_
        self._idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self._min_n, self._max_n = vectorizer.ngram_range
        self._sublinear = bool(vectorizer.sublinear_tf)
        self._cache: dict[str, np.ndarray] = {}
        self._cache_size = cache_size
        self._empty = np.zeros(0, dtype=np.int32)

    def _word_ids(self, word: str) -> np.ndarray:
        padded, vocab = f" {word} ", self._vocab
        ids: list[int] = []
        for n in range(self._min_n, self._max_n + 1):
            last = max(len(padded) - n, 0)
            ids.extend(vocab[g] for g in (padded[i : i + n] for i in range(last + 1)) if g in vocab)
            if last == 0:  # a word shorter than n counts once, as in sklearn
                break
        return np.asarray(ids, dtype=np.int32) if ids else self._empty

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        """Word counts per document (a Python pass) times n-gram counts per word (C)."""
        column = _Numbering()
        cols: list[int] = []
        indptr = [0]
        for doc in docs:
            cols.extend(map(column.__getitem__, doc.split()))
            indptr.append(len(cols))
        shape = (len(docs), len(column))
        words = sp.csr_matrix((np.ones(len(cols)), cols, indptr), shape=shape)
        m = words @ self._gram_counts(list(column))
        m.sum_duplicates()
        return tfidf_weigh(m.tocsr(), self._idf, self._sublinear)

    def _gram_counts(self, words: list[str]) -> sp.csr_matrix:
        cache, parts = self._cache, []
        for word in words:
            ids = cache.get(word)
            if ids is None:
                ids = self._word_ids(word)
                if len(cache) < self._cache_size:
                    cache[word] = ids
            parts.append(ids)
        indptr = np.concatenate([[0], np.cumsum([len(p) for p in parts], dtype=np.int64)])
        indices = np.concatenate(parts) if parts else self._empty
        shape = (len(words), len(self._idf))
        return sp.csr_matrix((np.ones(len(indices)), indices, indptr), shape=shape)


def shipped_model_path() -> Path:
    """Where the artifact that ships with warn lives (a checkout or an installed wheel)."""
    import classifiers

    return Path(classifiers.__file__).resolve().parent / ARTIFACT_NAME


class LinearRiskClassifier:
    """Calibrated linear scores over tf-idf features, with phrase-level reasons."""

    def __init__(self, parts: dict[str, Any]) -> None:
        self._word = WordFeatures(rebuild_vectorizer(parts, "word"))
        self._char = CharFeatures(rebuild_vectorizer(parts, "char"))
        coef = np.asarray(parts["coef"], dtype=np.float64)
        self._coef_t = np.ascontiguousarray(coef.T)
        self._n_word = len(parts["word_idf"])
        self._word_coef = np.ascontiguousarray(coef[:, : self._n_word].T)
        self._intercept = np.asarray(parts["intercept"], dtype=np.float64)
        platt = np.asarray(parts["platt"], dtype=np.float64)
        self._platt_a, self._platt_b = platt[:, 0], platt[:, 1]
        self._labels = tuple(parts["labels"])
        self._phrases = np.asarray(parts["word_terms"].split("\n"), dtype=object)
        self._explainable = np.array([_explainable(p) for p in self._phrases], dtype=bool)
        self.metadata: dict[str, Any] = json.loads(parts["metadata_json"])

    @property
    def version(self) -> str:
        return str(self.metadata["model_version"])

    @property
    def recommended_threshold(self) -> float:
        return float(self.metadata["recommended_threshold"])

    def scores(self, texts: Sequence[str]) -> tuple[np.ndarray, sp.csr_matrix]:
        """Calibrated probabilities (n x labels) and the word features (for reasons)."""
        clean = [normalise_text(t) for t in texts]
        word = self._word.transform(clean)
        features = sp.hstack([word, self._char.transform(clean)], format="csr")
        logits = features @ self._coef_t + self._intercept
        probs = 1.0 / (1.0 + np.exp(-(self._platt_a * logits + self._platt_b)))
        return probs, word.tocsr()

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, one column per label in ``LABELS`` order."""
        return self.scores(texts)[0]

    def assess(self, texts: Sequence[str]) -> list[Assessment]:
        if not texts:
            return []
        probs, word = self.scores(texts)
        reasons = self._reasons(word, probs)
        return [self._assessment(row, why) for row, why in zip(probs, reasons, strict=True)]

    def _assessment(self, row: np.ndarray, reasons: list[Reason]) -> Assessment:
        categories = {name: float(p) for name, p in zip(self._labels[1:], row[1:], strict=True)}
        return Assessment(self.version, float(row[0]), categories, tuple(reasons))

    def _reasons(self, word: sp.csr_matrix, probs: np.ndarray) -> list[list[Reason]]:
        """Top word n-gram contributions per row, for risk and each likely category."""
        out: list[list[Reason]] = [[] for _ in range(word.shape[0])]
        if word.nnz == 0:
            return out
        rows = np.repeat(np.arange(word.shape[0]), np.diff(word.indptr))
        contrib = word.data[:, None] * self._word_coef[word.indices]
        for j, label in enumerate(self._labels):
            wanted = probs[rows, j] >= REASON_MIN_PROBABILITY if j else np.ones_like(rows, bool)
            keep = wanted & (contrib[:, j] > 0) & self._explainable[word.indices]
            self._top_per_row(out, label, rows[keep], word.indices[keep], contrib[keep, j])
        return out

    def _top_per_row(
        self,
        out: list[list[Reason]],
        label: str,
        rows: np.ndarray,
        features: np.ndarray,
        weights: np.ndarray,
    ) -> None:
        order = np.lexsort((-weights, rows))
        rows, features, weights = rows[order], features[order], weights[order]
        starts = np.searchsorted(rows, rows, side="left")
        rank = np.arange(len(rows)) - starts
        for i in np.flatnonzero(rank < REASONS_PER_LABEL):
            phrase = str(self._phrases[features[i]])
            out[rows[i]].append(Reason(phrase, label, round(float(weights[i]), 4)))


_FILLER_WORDS = """a an the of in on at to for from by with and or but as is are was were be been
has have had it its this that these those he she they we you i his her their our 0 s said says
after over into about than up out new who which what when where"""
_FILLER = frozenset(_FILLER_WORDS.split())


def _explainable(phrase: str) -> bool:
    """A phrase worth showing a reader: some word in it is not filler or a number."""
    return any(w not in _FILLER for w in phrase.split())


def _schema_types(node: Any, found: set[str]) -> set[str]:
    """Every ``module.class`` named anywhere in a skops schema."""
    if isinstance(node, dict):
        if "__class__" in node:
            found.add(f"{node.get('__module__')}.{node['__class__']}")
        for value in node.values():
            _schema_types(value, found)
    elif isinstance(node, list):
        for value in node:
            _schema_types(value, found)
    return found


def _check_types(path: Path) -> list[str]:
    import skops.io as sio

    try:
        with zipfile.ZipFile(path) as archive:
            named = _schema_types(json.loads(archive.read("schema.json")), set())
        untrusted = set(sio.get_untrusted_types(file=path))
    except Exception as e:
        raise ClassifierError(f"{path}: not a readable skops artifact ({e})") from e
    unexpected = sorted((named - ALLOWED_TYPES) | (untrusted - set(TRUSTED_TYPES)))
    if unexpected:
        raise ClassifierError(
            f"{path}: refusing to load, it holds types warn does not trust: "
            f"{', '.join(unexpected)}. Rebuild it with `warn train`."
        )
    return list(TRUSTED_TYPES)


def _check_parts(path: Path, parts: Any) -> None:
    import sklearn

    if not isinstance(parts, dict) or any(k not in parts for k in _REQUIRED_KEYS):
        raise ClassifierError(f"{path}: not a warn classifier artifact (missing parts)")
    meta = json.loads(parts["metadata_json"])
    if meta.get("format") != ARTIFACT_FORMAT:
        raise ClassifierError(
            f"{path}: artifact format {meta.get('format')!r}, this warn reads format "
            f"{ARTIFACT_FORMAT}. Rebuild it with `warn train`."
        )
    if meta.get("sklearn_version") != sklearn.__version__:
        raise ClassifierError(
            f"{path}: built with scikit-learn {meta.get('sklearn_version')}, installed is "
            f"{sklearn.__version__}. Install the pinned version or rebuild with `warn train`."
        )
    if tuple(parts["labels"]) != LABELS:
        raise ClassifierError(f"{path}: labels {parts['labels']!r} differ from {LABELS!r}")


def load_classifier(path: str | Path | None = None) -> LinearRiskClassifier:
    """Load a trained artifact (default: the shipped one) after checking it can be trusted."""
    import skops.io as sio

    target = Path(path) if path is not None else shipped_model_path()
    if not target.is_file():
        raise ClassifierError(
            f"{target}: no classifier artifact there. Build one with `warn train`."
        )
    trusted = _check_types(target)
    try:
        parts = sio.load(target, trusted=trusted)
    except Exception as e:
        raise ClassifierError(f"{target}: could not load the artifact ({e})") from e
    _check_parts(target, parts)
    return LinearRiskClassifier(parts)
