"""The queries the service runs.  Sessions are short; callers own transactions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, or_
from sqlmodel import Session, col, select

from warn.config import Config, FeedConfig
from warn.store.tables import Alert, Delivery, Feed, Item


def sync_feeds(session: Session, feeds: Sequence[FeedConfig], now: datetime) -> None:
    """Make the feeds table match the config: add new feeds (due now), update changed ones,
    disable removed ones (their history stays)."""
    rows = {f.name: f for f in session.exec(select(Feed)).all()}
    for cfg in feeds:
        row = rows.pop(cfg.name, None)
        if row is None:
            row = Feed(
                name=cfg.name, url=cfg.url, config_url=cfg.url, next_poll_at=now, created_at=now
            )
        elif row.config_url != cfg.url:  # the analyst changed the URL: start afresh
            row.url = row.config_url = cfg.url
            row.etag = row.last_modified = None
            row.status, row.failure_count, row.next_poll_at = "new", 0, now
        row.tags = list(cfg.tags)
        row.interval_seconds = int(cfg.interval.total_seconds())
        row.enabled = cfg.enabled
        session.add(row)
    for row in rows.values():
        row.enabled = False
        session.add(row)


def due_feeds(session: Session, now: datetime, *, all_feeds: bool = False) -> list[Feed]:
    """Enabled, not retired feeds whose next poll time has come (or all of them)."""
    query = select(Feed).where(col(Feed.enabled).is_(True), Feed.status != "retired")
    if not all_feeds:
        query = query.where(or_(col(Feed.next_poll_at).is_(None), col(Feed.next_poll_at) <= now))
    return list(session.exec(query.order_by(col(Feed.next_poll_at))).all())


def next_due_at(session: Session) -> datetime | None:
    query = select(func.min(Feed.next_poll_at)).where(
        col(Feed.enabled).is_(True),
        Feed.status != "retired",
    )
    return session.exec(query).one()


def last_poll_at(engine: Engine) -> datetime | None:
    with Session(engine) as s:
        return s.exec(select(func.max(Feed.last_polled_at))).one()


def known_keys(session: Session, feed_id: int, keys: Iterable[str]) -> set[str]:
    keys = list(keys)
    if not keys:
        return set()
    query = select(Item.dedupe_key).where(Item.feed_id == feed_id, col(Item.dedupe_key).in_(keys))
    return set(session.exec(query).all())


def already_alerted(session: Session, subscriber: str, link: str | None, content_hash: str) -> bool:
    """Whether the subscriber already had an alert for this story from another feed
    (same canonical link or same title+summary)."""
    match = col(Item.content_hash) == content_hash
    if link:
        match = or_(match, col(Item.link) == link)
    query = (
        select(Alert.id)
        .join(Item, col(Alert.item_id) == Item.id)
        .where(Alert.subscriber == subscriber, Alert.kind == "item", match)
        .limit(1)
    )
    return session.exec(query).first() is not None


def copy_fields(target: Any, source: Any) -> None:
    """Copy a frozen dataclass's fields onto a table row with the same column names."""
    for f in fields(source):
        setattr(target, f.name, getattr(source, f.name))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def feed_rows(engine: Engine, config: Config, *, now: datetime) -> list[dict[str, Any]]:
    """One row per configured feed for ``warn feeds``: status, health and item counts."""
    from warn.core.health import describe_feed

    with Session(engine) as s:
        counts = dict(s.exec(select(Item.feed_id, func.count()).group_by(col(Item.feed_id))).all())
        rows = {f.name: f for f in s.exec(select(Feed)).all()}
    out = []
    for cfg in config.feeds:
        row = rows.get(cfg.name)
        if row is None:
            out.append(
                {
                    "name": cfg.name,
                    "url": cfg.url,
                    "status": "new",
                    "last_polled": None,
                    "last_error": None,
                    "items": 0,
                    "health": "not polled yet",
                    "failure_count": 0,
                    "next_poll": None,
                    "tags": list(cfg.tags),
                }
            )
            continue
        status, health = describe_feed(row, cfg, now=now, health=config.health)
        out.append(
            {
                "name": row.name,
                "url": row.url,
                "status": status,
                "last_polled": _iso(row.last_polled_at),
                "last_error": row.last_error,
                "items": counts.get(row.id or 0, 0),
                "health": health,
                "failure_count": row.failure_count,
                "next_poll": _iso(row.next_poll_at),
                "tags": list(row.tags),
            }
        )
    return out


_STATUS_ORDER = [
    "dead",
    "failed",
    "retrying",
    "pending",
    "sending",
    "folded",
    "skipped",
    "delivered",
]


def _overall(statuses: list[str]) -> str:
    if not statuses:
        return "none"
    return min(statuses, key=lambda s: _STATUS_ORDER.index(s) if s in _STATUS_ORDER else 0)


def alert_rows(
    engine: Engine, *, limit: int = 50, subscriber: str | None = None
) -> list[dict[str, Any]]:
    """Recent alerts, newest first, with their delivery status, for ``warn alerts``."""
    with Session(engine) as s:
        query = select(Alert).order_by(col(Alert.created_at).desc()).limit(limit)
        if subscriber:
            query = query.where(Alert.subscriber == subscriber)
        alerts = list(s.exec(query).all())
        ids = [a.id for a in alerts]
        statuses: dict[str, list[str]] = {i: [] for i in ids}
        if ids:
            for alert_id, status in s.exec(
                select(Delivery.alert_id, Delivery.status).where(col(Delivery.alert_id).in_(ids))
            ).all():
                statuses[alert_id].append(status)
    return [
        {
            "alert_id": a.id,
            "subscriber": a.subscriber,
            "kind": a.kind,
            "link": a.link,
            "title": a.title,
            "risk": round(a.risk, 4),
            "categories": a.categories,
            "delivery_status": _overall(statuses[a.id]),
            "created_at": _iso(a.created_at),
        }
        for a in alerts
    ]
