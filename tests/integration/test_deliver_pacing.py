"""Outage and flood, on a simulated clock (the worker takes ``now``; nothing sleeps)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import httpx
import pytest
from sqlmodel import Session, select

from tests.conftest import LocalServer, Request, Route
from tests.delivery_support import (
    SECRET,
    T0,
    max_in_window,
    seed,
    slack_problems,
    statuses,
    subscriber,
)
from warn.core.ratelimit import Rate
from warn.deliver.outbox import deliver_due
from warn.deliver.slack import SLACK_RATE, SlackChannel
from warn.deliver.webhook import WebhookChannel
from warn.store.tables import Alert, Delivery


class SimReceiver:
    """Answers by the simulated time; records (sim time, body) of each request it accepts."""

    def __init__(self, server: LocalServer, path: str, answer) -> None:
        self.now = T0
        self.accepted: list[tuple[datetime, dict]] = []
        self.refused = 0
        self.answer = answer
        server.routes[path] = self.handle

    def handle(self, req: Request) -> Route:
        route = self.answer(self.now - T0)
        if route.status == 200:
            self.accepted.append((self.now, json.loads(req.body)))
        else:
            self.refused += 1
        return route


@pytest.fixture
def client():
    with httpx.Client(timeout=5) as c:
        yield c


def outage(elapsed: timedelta) -> Route:
    if elapsed < timedelta(minutes=30):
        return Route(503, b"maintenance")
    if elapsed < timedelta(hours=1):
        return Route(429, b"slow down", {"Retry-After": "120"})
    return Route(200, b"ok")


def test_outage_then_everything_in_order_within_rate(sqlite_engine, local_server, client):
    rate = Rate(per_second=1.0, burst=5.0)
    sub = subscriber("ngo", url=local_server.url("/hook"), secret=SECRET, max_per_hour=10_000)
    channels = {"ngo": WebhookChannel(local_server.url("/hook"), client, secret=SECRET, rate=rate)}
    receiver = SimReceiver(local_server, "/hook", outage)
    ids: list[str] = []
    step = timedelta(seconds=15)
    for tick in range(int(timedelta(hours=2) / step)):
        now = T0 + tick * step
        receiver.now = now
        if tick % 4 == 0 and now < T0 + timedelta(minutes=50):  # 2 alerts a minute for 50 min
            ids += seed(sqlite_engine, sub, 2, now=now, start=len(ids))
        deliver_due(sqlite_engine, channels, [sub], now=now)
    assert len(ids) == 100
    assert statuses(sqlite_engine) == {"delivered": 100}
    got = [body["alert_id"] for _, body in receiver.accepted]
    assert got == ids  # all, once each, in decision order
    times = [(t - T0).total_seconds() for t, _ in receiver.accepted]
    assert min(times) >= 3600  # nothing slipped through during the outage
    for window in (1, 10, 60, 600):
        assert max_in_window(times, window) <= rate.burst + rate.per_second * window
    # the down endpoint was probed one alert at a time, not hammered with all 100
    assert receiver.refused <= 25


def test_flood_to_slack_is_folded_into_summaries(sqlite_engine, local_server, client):
    sub = subscriber("newsroom", "slack", url=local_server.url("/slack"), max_per_hour=20)
    channels = {"newsroom": SlackChannel(local_server.url("/slack"), client)}
    receiver = SimReceiver(local_server, "/slack", lambda elapsed: Route(200, b"ok"))
    seeded = 0
    # every 3 s for the first 3 minutes, then every minute for 2 hours
    clock = [T0 + timedelta(seconds=3 * i) for i in range(60)]
    clock += [T0 + timedelta(minutes=3 + i) for i in range(120)]
    for now in clock:
        receiver.now = now
        if seeded < 200:  # 10 alerts every 3 s: 200 within the first minute
            seed(sqlite_engine, sub, 10, now=now, start=seeded)
            seeded += 10
        deliver_due(sqlite_engine, channels, [sub], now=now)
    messages = [body for _, body in receiver.accepted]
    for body in messages:
        assert slack_problems(body) == [], body["text"]
    singles = [m for m in messages if m["text"].startswith("Risk ")]
    summaries = [m for m in messages if re.match(r"^\d+ more alerts?, top", m["text"])]
    assert len(singles) + len(summaries) == len(messages)
    assert len(singles) <= 20
    assert 1 <= len(summaries) <= 4
    folded = sum(int(m["text"].split()[0]) for m in summaries)
    assert len(singles) + folded == 200
    times = [(t - T0).total_seconds() for t, _ in receiver.accepted]
    assert max_in_window(times, 1) <= SLACK_RATE.burst + SLACK_RATE.per_second
    # every alert is accounted for: sent alone, or carried by exactly one summary
    with Session(sqlite_engine) as session:
        items = session.exec(select(Delivery).where(Delivery.kind == "item")).all()
        carried: list[str] = []
        for alert in session.exec(select(Alert).where(Alert.kind == "summary")):
            carried += [entry["alert_id"] for entry in alert.body["alerts"]]
    assert sorted(carried) == sorted(d.alert_id for d in items if d.status == "folded")
    assert len(carried) == len(set(carried)) == folded
    assert {d.status for d in items} == {"delivered", "folded"}
