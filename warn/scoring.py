"""``warn score``: JSON lines in, scores out (a contract used by outside evaluation).

Input lines are ``{"id", "title", "summary"}`` or ``{"id", "text"}``; output lines are
``{"id", "risk", "categories": {name: probability}, "reasons": [phrase, ...]}``, in input order.
A line that cannot be read gives ``{"id", "error"}`` in its place, so outputs stay aligned.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from warn.model import Classifier


def text_of(record: dict[str, Any]) -> str:
    """The text to score: ``text``, else title and summary joined as the service joins them."""
    if isinstance(record.get("text"), str):
        return str(record["text"])
    title = str(record.get("title") or "").strip()
    summary = str(record.get("summary") or record.get("description") or "").strip()
    if not (title or summary):
        raise ValueError("needs 'text', or 'title' and/or 'summary'")
    return f"{title}. {summary}".strip(". ") if summary else title


def _read(lineno: int, line: str) -> tuple[Any, str | None, str | None]:
    """(id, text, error) for one input line."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        return None, None, f"line {lineno}: not JSON ({e.msg})"
    if not isinstance(record, dict):
        return None, None, f"line {lineno}: expected a JSON object"
    try:
        return record.get("id"), text_of(record), None
    except ValueError as e:
        return record.get("id"), None, f"line {lineno}: {e}"


def _round(value: float) -> float:
    return round(float(value), 6)


def score_lines(classifier: Classifier, lines: Iterable[str], *, batch: int = 512) -> Iterator[str]:
    """Score JSON lines in batches; yield one JSON line per non-blank input line."""
    pending: list[tuple[Any, str | None, str | None]] = []
    for lineno, line in enumerate(lines, start=1):
        if line.strip():
            pending.append(_read(lineno, line))
        if len(pending) >= batch:
            yield from _score_batch(classifier, pending)
            pending = []
    yield from _score_batch(classifier, pending)


def _score_batch(
    classifier: Classifier, batch: list[tuple[Any, str | None, str | None]]
) -> Iterator[str]:
    texts = [text for _, text, _ in batch if text is not None]
    assessments = iter(classifier.assess(texts) if texts else [])
    for ident, text, error in batch:
        if text is None:
            yield json.dumps({"id": ident, "error": error}, ensure_ascii=False)
            continue
        a = next(assessments)
        out = {
            "id": ident,
            "risk": _round(a.risk),
            "categories": {k: _round(v) for k, v in a.categories.items()},
            "reasons": a.reason_phrases(),
        }
        yield json.dumps(out, ensure_ascii=False)
