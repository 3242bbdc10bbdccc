"""``warn backtest``: what a config's thresholds and routing would have sent, replayed over the
assessments already in the database, beside what was actually sent.  Reads only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from warn.config import SubscriberConfig, ThresholdsConfig
from warn.core.decide import ItemContext, count_alerts
from warn.store.tables import Alert, Assessment, Feed, Item
from warn.types import Assessment as AssessmentValue


@dataclass(frozen=True)
class BacktestRow:
    subscriber: str
    would_send: int
    did_send: int
    items: int


def _history(engine: Engine, since: datetime) -> Iterator[tuple[AssessmentValue, ItemContext]]:
    query = (
        select(Assessment, Item, Feed)
        .join(Item, col(Assessment.item_id) == Item.id)
        .join(Feed, col(Item.feed_id) == Feed.id)
        .where(col(Item.fetched_at) >= since)
    )
    with Session(engine) as s:
        for row, item, feed in s.exec(query):
            yield (
                AssessmentValue(row.model_version, row.risk, dict(row.categories)),
                ItemContext(feed.name, tuple(feed.tags), tuple(item.countries)),
            )


def backtest(
    engine: Engine,
    thresholds: ThresholdsConfig,
    subscribers: tuple[SubscriberConfig, ...],
    since: datetime,
) -> list[BacktestRow]:
    """Per subscriber: alerts the config would have sent since ``since``, and those sent."""
    history = list(_history(engine, since))
    would = count_alerts(history, subscribers, thresholds)
    with Session(engine) as s:
        sent = dict(
            s.exec(
                select(Alert.subscriber, func.count())
                .where(Alert.kind == "item", col(Alert.created_at) >= since)
                .group_by(col(Alert.subscriber))
            ).all()
        )
    return [
        BacktestRow(s.name, would[s.name], sent.get(s.name, 0), len(history)) for s in subscribers
    ]
