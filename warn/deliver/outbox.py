"""The durable outbox: alerts and their deliveries are rows written in the same transaction
as the assessment that decided them; ``deliver_due`` drains them.

Per subscriber the queue is strictly first-in first-out: only the oldest pending delivery
may be tried, and a retryable failure blocks the rest until its next attempt, so a down
endpoint costs one request per retry step (not one per alert) and order is kept.  Each
outcome is committed right after the send, so a crash re-sends at most the delivery in
flight, with the same idempotency key.  One worker per database is assumed.

Pacing, per subscriber, before sending: item deliveries beyond ``max_per_hour`` are folded
and later carried by one ``summary`` alert; email digest subscribers' alerts are held and
carried by one ``digest`` alert at the digest time.  Then a token bucket paces the sends.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from time import perf_counter
from typing import Any

import sqlmodel
from sqlalchemy import Engine, func, update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from warn.config import SubscriberConfig
from warn.core.ratelimit import HOUR, Bucket, next_digest_at, plan_fold, summary_due, take
from warn.core.render import AlertView, webhook_payload
from warn.core.retry import plan_retry
from warn.deliver.base import Channel
from warn.errors import DeliveryError, StorageError
from warn.store.tables import Alert, Delivery, DeliveryAttempt, Feed, SubscriberState
from warn.store.tables import Item as ItemRow

log = logging.getLogger(__name__)

GROUPED_KINDS = ("summary", "digest")


def new_key() -> str:
    """An idempotency key (``webhook-id``): no dots, stable for the life of the delivery."""
    return "msg_" + uuid.uuid4().hex


# --- enqueue (called inside the pipeline's transaction) ------------------------------------


def enqueue_alert(
    session: sqlmodel.Session,
    *,
    subscriber: SubscriberConfig,
    kind: str,
    now: datetime,
    item_id: int | None = None,
    feed_id: int | None = None,
    risk: float = 0.0,
    categories: dict[str, float] | None = None,
    reasons: Sequence[str] = (),
    triggered_by: Sequence[str] = (),
    title: str = "",
    link: str | None = None,
    body: dict[str, Any] | None = None,
) -> Alert | None:
    """Add an Alert and its Delivery to ``session`` without committing.

    Returns None when this (subscriber, item_id, kind) alert exists already, so a re-poll
    never alerts twice.  The item's feed, publication time and countries are copied into
    the alert, so what was decided is what is rendered.
    """
    if item_id is not None:
        found = session.exec(
            select(Alert.id).where(
                Alert.subscriber == subscriber.name, Alert.item_id == item_id, Alert.kind == kind
            )
        ).first()
        if found is not None:
            return None
    item = session.get(ItemRow, item_id) if item_id is not None else None
    feed_id = feed_id if feed_id is not None else (item.feed_id if item else None)
    feed = session.get(Feed, feed_id) if feed_id is not None else None
    alert = Alert(
        id=str(uuid.uuid4()),
        kind=kind,
        subscriber=subscriber.name,
        item_id=item_id,
        feed_id=feed_id,
        risk=float(risk),
        categories={k: float(v) for k, v in (categories or {}).items()},
        reasons=list(reasons),
        triggered_by=list(triggered_by),
        title=title or (item.title if item else ""),
        link=link if link is not None else (item.link if item else None),
        feed=feed.name if feed else None,
        published_at=item.published_at if item else None,
        countries=list(item.countries) if item else [],
        body=dict(body or {}),
        created_at=now,
    )
    session.add(alert)
    session.add(_delivery_for(alert, subscriber, now))
    return alert


def _delivery_for(alert: Alert, sub: SubscriberConfig, now: datetime) -> Delivery:
    status, due = "pending", now
    if sub.channel == "email" and sub.mode == "digest" and alert.kind == "item":
        status = "held"
        due = next_digest_at(now, period=sub.digest, at=sub.digest_at, timezone=sub.timezone)
    return Delivery(
        alert_id=alert.id,
        subscriber=sub.name,
        channel=sub.channel,
        kind=alert.kind,
        idempotency_key=new_key(),
        status=status,
        next_attempt_at=due,
        created_at=now,
        queued_at=now,
    )


def view_of(alert: Alert) -> AlertView:
    assert alert.created_at is not None
    return AlertView(
        alert_id=alert.id,
        kind=alert.kind,
        subscriber=alert.subscriber,
        created_at=alert.created_at,
        risk=alert.risk,
        categories=dict(alert.categories),
        reasons=tuple(alert.reasons),
        triggered_by=tuple(alert.triggered_by),
        title=alert.title,
        link=alert.link,
        feed=alert.feed,
        published=alert.published_at,
        countries=tuple(alert.countries),
        body=dict(alert.body),
    )


# --- the report ----------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    """What one pass did.  ``next_due``: the earliest time more work may be ready."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0  # permanently failed or dead-lettered
    folded: int = 0
    summaries: int = 0
    deferred: int = 0  # waiting for the rate limit
    disabled: list[str] = field(default_factory=list)
    next_due: datetime | None = None

    def due(self, when: datetime | None) -> None:
        if when is not None and (self.next_due is None or when < self.next_due):
            self.next_due = when

    def merge(self, other: DeliveryReport) -> None:
        for name in ("delivered", "retrying", "failed", "folded", "summaries", "deferred"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.disabled += other.disabled
        self.due(other.next_due)

    def __str__(self) -> str:
        text = (
            f"delivered {self.delivered}, retrying {self.retrying}, failed {self.failed}, "
            f"folded {self.folded} ({self.summaries} summaries/digests), deferred {self.deferred}"
        )
        if self.disabled:
            text += f"; disabled: {', '.join(self.disabled)}"
        return text


# --- the worker pass -----------------------------------------------------------------------


def deliver_due(
    engine: Engine,
    channels: Mapping[str, Channel],
    subscribers: Sequence[SubscriberConfig],
    *,
    now: datetime,
    limit: int = 500,
    rand: Callable[[], float] = random.random,
    workers: int = 4,
) -> DeliveryReport:
    """One pass over due deliveries of every subscriber that has a channel.

    Subscribers are served in parallel (a slow endpoint does not hold up the others), each
    one's queue in order.  Raises StorageError only if the database cannot be used.
    """
    todo = [s for s in subscribers if s.name in channels]
    report = DeliveryReport()
    if not todo:
        return report

    def serve(s: SubscriberConfig) -> DeliveryReport:
        return _serve(engine, channels[s.name], s, now=now, limit=limit, rand=rand)

    try:
        if len(todo) == 1 or workers <= 1:
            parts = [serve(s) for s in todo]
        else:
            with ThreadPoolExecutor(min(workers, len(todo)), thread_name_prefix="deliver") as pool:
                parts = list(pool.map(serve, todo))
    except SQLAlchemyError as e:
        raise StorageError(f"delivery pass failed on the database: {e}") from e
    for part in parts:
        report.merge(part)
    return report


@dataclass
class _Pass:
    """What one subscriber's part of a pass works with."""

    session: Session
    channel: Channel
    sub: SubscriberConfig
    state: SubscriberState
    now: datetime
    rand: Callable[[], float]
    report: DeliveryReport


def _serve(
    engine: Engine,
    channel: Channel,
    sub: SubscriberConfig,
    *,
    now: datetime,
    limit: int,
    rand: Callable[[], float],
) -> DeliveryReport:
    report = DeliveryReport()
    with Session(engine, expire_on_commit=False) as session:
        state = _state(session, sub.name)
        if state.disabled_at is not None:
            return report
        if _pace(session, sub, state, now, report):
            session.commit()
        pending = (
            select(Delivery)
            .where(Delivery.subscriber == sub.name, Delivery.status == "pending")
            .order_by(col(Delivery.created_at), col(Delivery.id))
        )
        head = session.exec(pending.limit(1)).first()
        if head is None or (head.next_attempt_at and head.next_attempt_at > now):
            report.due(head.next_attempt_at if head else None)
            return report
        queue = session.exec(pending.limit(limit)).all()
        alerts = _alerts(session, [d.alert_id for d in queue])
        bucket = (
            Bucket(state.bucket_tokens, state.bucket_at)
            if state.bucket_tokens is not None and state.bucket_at is not None
            else None
        )
        for delivery in queue:
            assert delivery.next_attempt_at is not None
            if delivery.next_attempt_at > now:
                report.due(delivery.next_attempt_at)
                break
            granted, wait = take(bucket, channel.rate, now)
            if wait > 0:
                report.deferred += 1
                report.due(now + timedelta(seconds=wait))
                break
            bucket = granted
            state.bucket_tokens, state.bucket_at = bucket.tokens, bucket.at
            go_on = _attempt(
                _Pass(session, channel, sub, state, now, rand, report),
                delivery,
                alerts[delivery.alert_id],
            )
            session.commit()
            if not go_on:
                break
    return report


def _state(session: Session, name: str) -> SubscriberState:
    state = session.get(SubscriberState, name)
    if state is None:
        state = SubscriberState(name=name)
        session.add(state)
    return state


def _alerts(session: Session, ids: Sequence[str]) -> dict[str, Alert]:
    out: dict[str, Alert] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        out.update({a.id: a for a in session.exec(select(Alert).where(col(Alert.id).in_(chunk)))})
    return out


def _attempt(p: _Pass, delivery: Delivery, alert: Alert) -> bool:
    """Send one delivery and record the outcome; False stops this subscriber's queue."""
    session, channel, sub, state, now, report = (
        p.session,
        p.channel,
        p.sub,
        p.state,
        p.now,
        p.report,
    )
    started = perf_counter()
    error: DeliveryError | None = None
    try:
        channel.send(view_of(alert), idempotency_key=delivery.idempotency_key)
    except DeliveryError as e:
        error = e
    except Exception as e:  # a bug in a channel must not stop the worker; keep the alert
        log.exception("subscriber=%s alert=%s channel crashed", sub.name, alert.id)
        error = DeliveryError(channel.kind, f"channel error: {type(e).__name__}: {e}")
    delivery.attempts += 1
    attempt = DeliveryAttempt(
        delivery_id=delivery.id or 0,
        started_at=now,
        duration_ms=(perf_counter() - started) * 1000.0,
        outcome="delivered",
    )
    session.add(attempt)
    session.add(delivery)
    if error is None:
        delivery.status, delivery.delivered_at = "delivered", now
        delivery.last_error = None
        report.delivered += 1
        return True
    delivery.last_error, delivery.last_status_code = str(error)[:1000], error.status
    attempt.error, attempt.status_code = delivery.last_error, error.status
    if error.status == 410:
        attempt.outcome, delivery.status = "gone", "failed"
        _disable(session, state, now, f"{channel.kind} endpoint answered 410 Gone")
        report.failed += 1
        report.disabled.append(sub.name)
        return False
    if not error.retryable:
        attempt.outcome, delivery.status = "failed", "failed"
        log.error("subscriber=%s alert=%s delivery failed for good: %s", sub.name, alert.id, error)
        report.failed += 1
        return True
    plan = plan_retry(
        attempts=delivery.attempts,
        created_at=delivery.queued_at or delivery.created_at or now,
        now=now,
        rand=p.rand(),
        retry_after=error.retry_after,
    )
    if plan.at is None:
        attempt.outcome = "dead"
        report.failed += _dead_letter(session, sub.name, delivery, now)
        return False
    attempt.outcome, delivery.next_attempt_at = "retry", plan.at
    log.warning(
        "subscriber=%s alert=%s attempt %d failed (%s); next try at %s",
        sub.name,
        alert.id,
        delivery.attempts,
        error,
        plan.at.isoformat(),
    )
    report.retrying += 1
    report.due(plan.at)
    return False


def _disable(session: Session, state: SubscriberState, now: datetime, reason: str) -> None:
    state.disabled_at, state.disabled_reason, state.updated_at = now, reason, now
    session.add(state)
    log.error(
        "subscriber=%s DISABLED: %s; its alerts wait in the outbox. "
        "Fix the endpoint, then run `warn deliveries enable %s`",
        state.name,
        reason,
        state.name,
    )


def _dead_letter(session: Session, subscriber: str, head: Delivery, now: datetime) -> int:
    """The head failed for a whole retry schedule: dead-letter it and everything queued
    behind it (the destination is down; `warn deliveries retry --all-dead` re-sends)."""
    head.status = "dead"
    rest = session.exec(
        select(Delivery).where(
            Delivery.subscriber == subscriber, Delivery.status == "pending", Delivery.id != head.id
        )
    ).all()
    for d in rest:
        d.status, d.last_error = "dead", f"not tried: destination failing since {head.queued_at}"
        session.add(d)
    log.error(
        "subscriber=%s destination failed for a whole retry schedule: %d deliveries "
        "dead-lettered; see `warn deliveries list --status dead`",
        subscriber,
        len(rest) + 1,
    )
    return len(rest) + 1


# --- pacing: folding overflow into summaries, email digests --------------------------------


def _pace(
    session: Session,
    sub: SubscriberConfig,
    state: SubscriberState,
    now: datetime,
    report: DeliveryReport,
) -> bool:
    """Fold the overflow, group due summaries and digests; True if anything changed."""
    sent = session.exec(
        select(func.count())
        .select_from(Delivery)
        .where(
            Delivery.subscriber == sub.name,
            Delivery.kind == "item",
            Delivery.status == "delivered",
            col(Delivery.delivered_at) > now - HOUR,
        )
    ).one()
    queued = session.exec(
        select(Delivery.id)
        .where(
            Delivery.subscriber == sub.name, Delivery.kind == "item", Delivery.status == "pending"
        )
        .order_by(col(Delivery.created_at), col(Delivery.id))
    ).all()
    plan = plan_fold(
        [i for i in queued if i is not None], sent_last_hour=sent, max_per_hour=sub.max_per_hour
    )
    for start in range(0, len(plan.fold), 500):
        chunk = plan.fold[start : start + 500]
        session.exec(update(Delivery).where(col(Delivery.id).in_(chunk)).values(status="folded"))
    report.folded += len(plan.fold)
    waiting = session.exec(
        select(Delivery)
        .where(
            Delivery.subscriber == sub.name,
            Delivery.status == "folded",
            col(Delivery.summary_id).is_(None),
        )
        .order_by(col(Delivery.created_at), col(Delivery.id))
    ).all()
    oldest = waiting[0].created_at if waiting else None
    if summary_due(oldest_folded_at=oldest, last_summary_at=state.last_summary_at, now=now):
        _group(session, sub, waiting, "summary", now)
        state.last_summary_at = now
        report.summaries += 1
    held = session.exec(
        select(Delivery).where(
            Delivery.subscriber == sub.name,
            Delivery.status == "held",
            col(Delivery.next_attempt_at) <= now,
        )
    ).all()
    if held:
        _group(session, sub, held, "digest", now)
        state.last_digest_at = now
        report.summaries += 1
    if plan.fold or session.dirty or session.new:
        state.updated_at = now
        session.add(state)
        return True
    return False


def _group(
    session: Session, sub: SubscriberConfig, members: Sequence[Delivery], kind: str, now: datetime
) -> Alert:
    """One summary/digest alert carrying ``members``; they become ``folded`` into it."""
    alerts = list(_alerts(session, [d.alert_id for d in members]).values())
    alerts.sort(key=lambda a: (a.published_at or a.created_at or now, a.id), reverse=True)
    categories: dict[str, float] = {}
    for a in alerts:
        for name, p in a.categories.items():
            categories[name] = max(categories.get(name, 0.0), p)
    group = Alert(
        id=str(uuid.uuid4()),
        kind=kind,
        subscriber=sub.name,
        risk=max((a.risk for a in alerts), default=0.0),
        categories=categories,
        title=f"{len(alerts)} alerts",
        body={"alerts": [webhook_payload(view_of(a)) for a in alerts], "count": len(alerts)},
        created_at=now,
    )
    session.add(group)
    session.add(_delivery_for(group, sub, now))
    for d in members:
        d.status, d.summary_id = "folded", group.id
        session.add(d)
    return group
