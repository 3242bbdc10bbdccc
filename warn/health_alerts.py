"""Source-health alerts: tell subscribers who asked (``health_alerts = true``) when a feed has
been failing longer than ``[health] failing_after``, has gone silent, or was retired; and tell
them once more when it recovers.

``Feed.health_alert_open`` makes each alert once-only: it is set when the health alert is
enqueued and cleared when the recovery notice is.  Call ``check_feed_health`` inside the
cycle's transaction (after the feeds' states were saved); the caller commits.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, select

from warn.config import Config, FeedConfig, SubscriberConfig
from warn.core.health import Health, feed_health, health_alert_due, recovery_due
from warn.core.timing import FeedState
from warn.deliver.outbox import enqueue_alert
from warn.store.tables import Feed

log = logging.getLogger(__name__)

_TITLES = {
    "failing": "Feed {name} is failing",
    "silent": "Feed {name} has gone silent",
    "retired": "Feed {name} was retired by its publisher",
    "ok": "Feed {name} has recovered",
}


def _wants(sub: SubscriberConfig, feed: FeedConfig) -> bool:
    if not (sub.enabled and sub.health_alerts):
        return False
    if sub.feeds and feed.name not in sub.feeds:
        return False
    return not sub.tags or bool(set(sub.tags) & set(feed.tags))


def check_feed_health(
    session: Session,
    *,
    config: Config,
    subscribers: Sequence[SubscriberConfig],
    now: datetime,
) -> list[tuple[str, str]]:
    """Enqueue due health alerts and recovery notices; return (feed name, kind) for each sent."""
    configured = {f.name: f for f in config.feeds if f.enabled}
    sent: list[tuple[str, str]] = []
    for row in session.exec(select(Feed)).all():
        feed = configured.get(row.name)
        if feed is None:
            continue
        state = FeedState.from_row(row)
        health = feed_health(
            state, now, expected_cadence=feed.expected_cadence, health=config.health
        )
        if not row.health_alert_open and health_alert_due(health, now, health=config.health):
            kind = "health"
        elif row.health_alert_open and recovery_due(health):
            kind = "recovery"
        else:
            continue
        for sub in subscribers:
            if _wants(sub, feed):
                _enqueue(session, sub, row, health, kind, now)
        row.health_alert_open = kind == "health"
        session.add(row)
        sent.append((row.name, kind))
        log.info("feed=%s health=%s %s notice queued", row.name, health.status, kind)
    return sent


def _enqueue(
    session: Session, sub: SubscriberConfig, row: Feed, health: Health, kind: str, now: datetime
) -> None:
    enqueue_alert(
        session,
        subscriber=sub,
        kind=kind,
        now=now,
        feed_id=row.id,
        title=_TITLES[health.status].format(name=row.name),
        link=row.url,
        body={
            "feed": row.name,
            "url": row.url,
            "status": health.status,
            "since": health.since.isoformat() if health.since else None,
            "description": health.description,
        },
    )
