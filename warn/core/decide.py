"""Alert decisions: which subscribers hear about an assessed item.  Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from warn.config import SubscriberConfig, ThresholdsConfig
from warn.types import AlertDecision, Assessment


@dataclass(frozen=True, slots=True)
class ItemContext:
    """What routing rules look at besides the scores."""

    feed: str
    feed_tags: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()


def thresholds_for(
    sub: SubscriberConfig, defaults: ThresholdsConfig
) -> tuple[float, dict[str, float]]:
    """The subscriber's overall and per-category thresholds, defaults filled in."""
    min_risk = sub.min_risk if sub.min_risk is not None else defaults.min_risk
    if min_risk is None:
        raise ValueError(
            "no overall threshold: resolve [thresholds] min_risk first (App.thresholds)"
        )
    return min_risk, {**defaults.categories, **sub.categories}


def crossed(assessment: Assessment, min_risk: float, categories: dict[str, float]) -> list[str]:
    """Names of the thresholds this assessment reaches: "risk" and/or category names."""
    hits = ["risk"] if assessment.risk >= min_risk else []
    hits += [
        name
        for name, threshold in categories.items()
        if assessment.categories.get(name, 0.0) >= threshold
    ]
    return hits


def routes_to(sub: SubscriberConfig, context: ItemContext) -> bool:
    """Whether the subscriber's feed, tag and country filters admit the item."""
    if sub.feeds and context.feed not in sub.feeds:
        return False
    if sub.tags and not set(sub.tags) & set(context.feed_tags):
        return False
    return not (sub.countries and not {c.upper() for c in sub.countries} & set(context.countries))


def decide_alerts(
    assessment: Assessment,
    context: ItemContext,
    subscribers: Iterable[SubscriberConfig],
    defaults: ThresholdsConfig,
) -> list[AlertDecision]:
    """One decision per subscriber whose filters admit the item and whose thresholds it crosses."""
    decisions = []
    for sub in subscribers:
        if not sub.enabled or not routes_to(sub, context):
            continue
        hits = crossed(assessment, *thresholds_for(sub, defaults))
        if hits:
            decisions.append(
                AlertDecision(
                    subscriber=sub.name,
                    risk=assessment.risk,
                    categories=dict(assessment.categories),
                    triggered_by=tuple(hits),
                    reasons=tuple(assessment.reason_phrases()),
                )
            )
    return decisions


def count_alerts(
    assessments: Sequence[tuple[Assessment, ItemContext]],
    subscribers: Sequence[SubscriberConfig],
    defaults: ThresholdsConfig,
) -> dict[str, int]:
    """How many alerts each subscriber would get for these items (for previews and backtests)."""
    counts = {s.name: 0 for s in subscribers}
    for assessment, context in assessments:
        for decision in decide_alerts(assessment, context, subscribers, defaults):
            counts[decision.subscriber] += 1
    return counts
