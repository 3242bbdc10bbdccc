"""Frozen values passed between the stages of a cycle.

Each stage takes and returns these; none of them knows about HTTP, SQL or channels.
All datetimes are UTC-aware.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

#: The seven risk categories (a contract used by outside evaluation), in display order.
CATEGORIES: tuple[str, ...] = (
    "mass_violence",
    "identity_targeting",
    "displacement",
    "detention",
    "defenders_press",
    "impunity",
    "flashpoint",
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry as the feed gave it, before cleaning."""

    guid: str | None
    link: str | None
    title: str
    summary: str  # may still hold HTML
    published: datetime | None
    language: str | None = None  # from the feed, if it says


@dataclass(frozen=True, slots=True)
class Item:
    """A cleaned entry, ready to store and score."""

    feed: str
    dedupe_key: str
    guid: str | None
    link: str | None  # canonical: tracking parameters removed
    title: str
    summary: str  # clean text
    published: datetime | None
    fetched: datetime
    content_hash: str
    language: str | None = None
    countries: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """What the classifier reads: title and summary."""
        return f"{self.title}. {self.summary}".strip(". ") if self.summary else self.title


@dataclass(frozen=True, slots=True)
class Reason:
    """One phrase of the item that pushed a score up."""

    phrase: str
    category: str  # "risk" or one of CATEGORIES
    weight: float


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the classifier said about one text."""

    model_version: str
    risk: float
    categories: dict[str, float]
    reasons: tuple[Reason, ...] = ()

    def top_categories(self, n: int = 3) -> list[tuple[str, float]]:
        return sorted(self.categories.items(), key=lambda kv: kv[1], reverse=True)[:n]

    def reason_phrases(self, n: int = 8) -> list[str]:
        """Distinct phrases, strongest first: the public ``reasons`` list."""
        seen: list[str] = []
        for r in sorted(self.reasons, key=lambda r: r.weight, reverse=True):
            if r.phrase not in seen:
                seen.append(r.phrase)
        return seen[:n]


AlertKind = Literal["item", "summary", "health", "recovery", "test"]


@dataclass(frozen=True, slots=True)
class AlertDecision:
    """The decision to alert one subscriber about one item (pure output of core.decide)."""

    subscriber: str
    risk: float
    categories: dict[str, float]
    triggered_by: tuple[str, ...]  # "risk" and/or category names whose threshold was crossed
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FeedResult:
    """The outcome of polling one feed: counts, or the error that stopped it."""

    feed: str
    url: str
    new_items: int = 0
    seen_items: int = 0
    not_modified: bool = False
    error: str | None = None
    alerts: int = 0
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.error is None
