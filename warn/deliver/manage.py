"""Operator actions on the outbox (behind ``warn deliveries`` and ``warn test-alert``):
list deliveries, retry dead ones, replay an alert, re-enable a subscriber, send a test."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from warn.config import SubscriberConfig
from warn.core.render import iso
from warn.deliver.base import Channel
from warn.deliver.outbox import deliver_due, enqueue_alert, new_key
from warn.store.tables import Alert, Delivery, SubscriberState

RETRYABLE_STATUSES = ("dead", "failed")


def delivery_rows(
    engine: Engine, *, status: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Newest deliveries first, with their alert's title."""
    query = select(Delivery, Alert.title).join(Alert, col(Alert.id) == col(Delivery.alert_id))
    if status:
        query = query.where(Delivery.status == status)
    query = query.order_by(col(Delivery.id).desc()).limit(limit)
    with Session(engine) as session:
        return [
            {
                "id": d.id,
                "status": d.status,
                "subscriber": d.subscriber,
                "channel": d.channel,
                "kind": d.kind,
                "attempts": d.attempts,
                "next_attempt_at": iso(d.next_attempt_at),
                "last_error": d.last_error,
                "alert_id": d.alert_id,
                "idempotency_key": d.idempotency_key,
                "title": title,
                "created_at": iso(d.created_at),
                "delivered_at": iso(d.delivered_at),
            }
            for d, title in session.exec(query).all()
        ]


def retry_deliveries(engine: Engine, ids: Sequence[int], *, all_dead: bool, now: datetime) -> int:
    """Put dead (or failed) deliveries back in the queue, same idempotency key, fresh schedule."""
    with Session(engine) as session:
        query = select(Delivery).where(col(Delivery.status).in_(RETRYABLE_STATUSES))
        query = (
            query.where(Delivery.status == "dead")
            if all_dead
            else query.where(col(Delivery.id).in_(ids))
        )
        rows = session.exec(query).all()
        for d in rows:
            d.status, d.attempts, d.next_attempt_at, d.queued_at = "pending", 0, now, now
            session.add(d)
        session.commit()
        return len(rows)


def replay_alert(engine: Engine, alert_id: str, *, now: datetime) -> Delivery:
    """Send an alert again as a new delivery with a new idempotency key (a deliberate resend)."""
    with Session(engine, expire_on_commit=False) as session:
        alert = session.get(Alert, alert_id)
        if alert is None:
            raise LookupError(f"no alert {alert_id!r}; see `warn alerts`")
        first = session.exec(select(Delivery).where(Delivery.alert_id == alert_id)).first()
        delivery = Delivery(
            alert_id=alert.id,
            subscriber=alert.subscriber,
            channel=first.channel if first else "",
            kind="replay" if alert.kind == "item" else alert.kind,
            idempotency_key=new_key(),
            next_attempt_at=now,
            created_at=now,
            queued_at=now,
        )
        session.add(delivery)
        session.commit()
        return delivery


def enable_subscriber(engine: Engine, name: str, *, now: datetime) -> bool:
    """Clear a subscriber's disabled state; False if it was not disabled."""
    with Session(engine) as session:
        state = session.get(SubscriberState, name)
        if state is None or state.disabled_at is None:
            return False
        state.disabled_at, state.disabled_reason, state.updated_at = None, None, now
        session.add(state)
        session.commit()
        return True


def subscriber_rows(engine: Engine, names: Sequence[str]) -> list[dict[str, Any]]:
    """Per subscriber: enabled or disabled (and why), and deliveries per status."""
    with Session(engine) as session:
        counts: dict[str, dict[str, int]] = {}
        query = select(Delivery.subscriber, Delivery.status, func.count()).group_by(
            col(Delivery.subscriber), col(Delivery.status)
        )
        for sub, status, n in session.exec(query).all():
            counts.setdefault(sub, {})[status] = n
        states = {s.name: s for s in session.exec(select(SubscriberState)).all()}
    rows = []
    for name in sorted(set(names) | set(counts) | set(states)):
        state = states.get(name)
        disabled = state is not None and state.disabled_at is not None
        rows.append(
            {
                "subscriber": name,
                "state": "DISABLED"
                if disabled
                else ("active" if name in names else "not configured"),
                "reason": state.disabled_reason if state and disabled else None,
                "deliveries": " ".join(f"{k}={v}" for k, v in sorted(counts.get(name, {}).items())),
            }
        )
    return rows


@dataclass(frozen=True)
class TestOutcome:
    ok: bool
    message: str


def send_test_alert(
    engine: Engine,
    channel: Channel,
    sub: SubscriberConfig,
    *,
    clock: Callable[[], datetime],
    timeout: float = 30.0,
) -> TestOutcome:
    """Queue a marked test alert and drive the real worker until it is sent or fails."""
    now = clock()
    with Session(engine, expire_on_commit=False) as session:
        alert = enqueue_alert(
            session,
            subscriber=sub,
            kind="test",
            now=now,
            title=f"warn test alert for {sub.name}: delivery works",
            reasons=["test alert: no action needed"],
        )
        session.commit()
    assert alert is not None
    deadline = time.monotonic() + timeout
    while True:
        deliver_due(engine, {sub.name: channel}, [sub], now=clock())
        with Session(engine) as session:
            d = session.exec(select(Delivery).where(Delivery.alert_id == alert.id)).one()
        if d.status == "delivered":
            return TestOutcome(
                True, f"test alert {alert.id} delivered to {sub.name} ({sub.channel})"
            )
        if d.status != "pending" or d.attempts > 0:
            retry = (
                f"; it stays queued, next try at {iso(d.next_attempt_at)}"
                if d.status == "pending"
                else ""
            )
            return TestOutcome(False, f"test alert to {sub.name} failed: {d.last_error}{retry}")
        if time.monotonic() > deadline:
            return TestOutcome(
                False, f"test alert to {sub.name} still queued behind other deliveries"
            )
        time.sleep(0.2)
