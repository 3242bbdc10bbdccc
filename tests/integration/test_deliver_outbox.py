"""The outbox on a real database (SQLite file and PostgreSQL) with a real local receiver."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from tests.conftest import LocalServer, Route
from tests.delivery_support import SECRET, T0, seed, statuses, subscriber
from warn.cli import cli
from warn.core.retry import SPAN
from warn.deliver.manage import enable_subscriber, replay_alert, retry_deliveries, subscriber_rows
from warn.deliver.outbox import deliver_due, enqueue_alert
from warn.deliver.webhook import WebhookChannel
from warn.store.tables import Alert, Delivery, DeliveryAttempt, SubscriberState


@pytest.fixture
def client():
    with httpx.Client(timeout=5) as c:
        yield c


def hook(server: LocalServer, client: httpx.Client, name: str = "hook", **kw):
    sub = subscriber(name, url=server.url(f"/{name}"), secret=SECRET, max_per_hour=1000, **kw)
    return sub, {name: WebhookChannel(server.url(f"/{name}"), client, secret=SECRET)}


def test_enqueue_is_part_of_the_callers_transaction_and_never_repeats(any_engine):
    sub = subscriber("ops")
    with Session(any_engine) as session:
        assert enqueue_alert(session, subscriber=sub, kind="item", now=T0, title="x") is not None
        session.rollback()  # the pipeline's transaction failed: no alert, no delivery
    assert statuses(any_engine) == {}
    # an item alert is unique per (subscriber, item, kind); a re-poll returns None
    from warn.store.tables import Feed, Item

    with Session(any_engine) as session:
        feed = Feed(name="f", url="http://f", config_url="http://f")
        session.add(feed)
        session.flush()
        item = Item(
            feed_id=feed.id,
            dedupe_key="k",
            title="Shelling",
            content_hash="h",
            fetched_at=T0,
            published_at=T0,
            countries=["UA"],
        )
        session.add(item)
        session.flush()
        first = enqueue_alert(
            session, subscriber=sub, kind="item", now=T0, item_id=item.id, risk=0.9
        )
        again = enqueue_alert(
            session, subscriber=sub, kind="item", now=T0, item_id=item.id, risk=0.9
        )
        assert first is not None and again is None
        session.commit()
        alert = session.get(Alert, first.id)
        assert alert.feed == "f" and alert.countries == ["UA"] and alert.title == "Shelling"
        assert alert.published_at == T0
    assert statuses(any_engine) == {"pending": 1}


def test_delivers_in_order_once_and_records_attempts(any_engine, local_server, client):
    sub, channels = hook(local_server, client)
    local_server.routes["/hook"] = Route(204)
    ids = seed(any_engine, sub, 30)
    report = deliver_due(any_engine, channels, [sub], now=T0)
    assert report.delivered == 30 and str(report).startswith("delivered 30")
    got = [json.loads(r.body)["alert_id"] for r in local_server.requests]
    assert got == ids
    keys = [r.headers["webhook-id"] for r in local_server.requests]
    assert len(set(keys)) == 30
    assert deliver_due(any_engine, channels, [sub], now=T0 + timedelta(hours=1)).delivered == 0
    with Session(any_engine) as session:
        assert len(session.exec(select(DeliveryAttempt)).all()) == 30


def test_permanent_4xx_fails_one_and_the_queue_moves_on(any_engine, local_server, client):
    sub, channels = hook(local_server, client)
    answers = iter([Route(422, b"bad")] + [Route(200)] * 5)
    local_server.routes["/hook"] = lambda req: next(answers)
    seed(any_engine, sub, 3)
    report = deliver_due(any_engine, channels, [sub], now=T0)
    assert (report.delivered, report.failed, report.retrying) == (2, 1, 0)
    with Session(any_engine) as session:
        failed = session.exec(select(Delivery).where(Delivery.status == "failed")).one()
        assert failed.last_status_code == 422 and "HTTP 422" in failed.last_error


def test_retryable_failure_blocks_queue_then_retries_same_key(any_engine, local_server, client):
    sub, channels = hook(local_server, client)
    answers = iter([Route(500), Route(200), Route(200)])
    local_server.routes["/hook"] = lambda req: next(answers)
    seed(any_engine, sub, 2)
    first = deliver_due(any_engine, channels, [sub], now=T0, rand=lambda: 0.5)
    assert (first.delivered, first.retrying) == (0, 1)
    assert first.next_due == T0 + timedelta(seconds=5)
    assert len(local_server.requests) == 1  # the second alert waits behind the first
    assert deliver_due(any_engine, channels, [sub], now=T0 + timedelta(seconds=4)).delivered == 0
    assert deliver_due(any_engine, channels, [sub], now=T0 + timedelta(seconds=5)).delivered == 2
    keys = [r.headers["webhook-id"] for r in local_server.requests]
    assert keys[0] == keys[1] != keys[2]


def test_410_disables_the_subscriber_and_enable_resumes(any_engine, local_server, client, caplog):
    sub, channels = hook(local_server, client)
    local_server.routes["/hook"] = Route(410, b"gone")
    seed(any_engine, sub, 3)
    report = deliver_due(any_engine, channels, [sub], now=T0)
    assert report.disabled == ["hook"] and report.failed == 1
    assert "DISABLED" in caplog.text and "warn deliveries enable hook" in caplog.text
    assert deliver_due(any_engine, channels, [sub], now=T0 + timedelta(hours=1)).delivered == 0
    (row,) = subscriber_rows(any_engine, ["hook"])
    assert row["state"] == "DISABLED" and "410" in row["reason"]
    local_server.routes["/hook"] = Route(200)
    assert enable_subscriber(any_engine, "hook", now=T0)
    assert deliver_due(any_engine, channels, [sub], now=T0 + timedelta(hours=1)).delivered == 2


def test_exhausted_schedule_dead_letters_queue_then_retry_and_replay(
    any_engine, local_server, client
):
    sub, channels = hook(local_server, client)
    local_server.routes["/hook"] = Route(503)
    ids = seed(any_engine, sub, 4)
    now, passes = T0, 0
    while statuses(any_engine).get("pending") and passes < 50:
        report = deliver_due(any_engine, channels, [sub], now=now, rand=lambda: 0.5)
        now, passes = report.next_due or now + timedelta(hours=1), passes + 1
    assert statuses(any_engine) == {"dead": 4}
    assert len(local_server.requests) == 8  # only the head was tried, once per step
    assert now - T0 >= SPAN
    local_server.routes["/hook"] = Route(200)
    assert retry_deliveries(any_engine, [], all_dead=True, now=now) == 4
    assert deliver_due(any_engine, channels, [sub], now=now).delivered == 4
    got = [json.loads(r.body)["alert_id"] for r in local_server.requests[8:]]
    assert got == ids
    replayed = replay_alert(any_engine, ids[0], now=now)
    assert deliver_due(any_engine, channels, [sub], now=now).delivered == 1
    assert local_server.requests[-1].headers["webhook-id"] == replayed.idempotency_key
    assert replayed.idempotency_key != local_server.requests[8].headers["webhook-id"]


def test_retry_after_on_429_is_honoured(sqlite_engine, local_server, client):
    sub, channels = hook(local_server, client)
    answers = iter([Route(429, headers={"Retry-After": "42"}), Route(200)])
    local_server.routes["/hook"] = lambda req: next(answers)
    seed(sqlite_engine, sub, 1)
    report = deliver_due(sqlite_engine, channels, [sub], now=T0)
    assert report.next_due == T0 + timedelta(seconds=42)
    assert (
        deliver_due(sqlite_engine, channels, [sub], now=T0 + timedelta(seconds=41)).delivered == 0
    )
    assert (
        deliver_due(sqlite_engine, channels, [sub], now=T0 + timedelta(seconds=42)).delivered == 1
    )


def test_unreachable_endpoint_is_retryable(sqlite_engine, client):
    sub = subscriber("down", url="http://127.0.0.1:9/x", max_per_hour=100)
    channels = {"down": WebhookChannel("http://127.0.0.1:9/x", client, secret=SECRET)}
    seed(sqlite_engine, sub, 1)
    report = deliver_due(sqlite_engine, channels, [sub], now=T0)
    assert report.retrying == 1
    with Session(sqlite_engine) as session:
        assert "request failed" in session.exec(select(Delivery)).one().last_error


def test_cli_test_alert_and_deliveries_commands(tmp_path: Path, local_server, monkeypatch):
    local_server.routes["/hook"] = Route(200)
    config = tmp_path / "feeds.toml"
    config.write_text(
        f'[service]\ndatabase_url = "sqlite:///{tmp_path / "w.db"}"\n'
        f'[[subscribers]]\nname = "ops"\nchannel = "webhook"\nurl = "{local_server.url("/hook")}"\n'
        'secret = "${HOOK_SECRET}"\n'
    )
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    runner = CliRunner()
    result = runner.invoke(cli, ["--config", str(config), "test-alert", "ops"])
    assert result.exit_code == 0, result.output
    assert "delivered to ops" in result.output
    (req,) = local_server.requests
    body = json.loads(req.body)
    assert body["test"] is True and body["kind"] == "test"
    listed = runner.invoke(cli, ["--config", str(config), "deliveries", "list", "--json"])
    assert json.loads(listed.output.splitlines()[0])["status"] == "delivered"
    local_server.routes["/hook"] = Route(500)
    failed = runner.invoke(cli, ["--config", str(config), "test-alert", "ops"])
    assert failed.exit_code == 1 and "HTTP 500" in failed.output
    status = runner.invoke(cli, ["--config", str(config), "deliveries", "status"])
    assert (
        "ops" in status.output and "delivered=1" in status.output and "pending=1" in status.output
    )
    missing = runner.invoke(cli, ["--config", str(config), "test-alert", "nobody"])
    assert missing.exit_code != 0 and "no active subscriber" in missing.output


def test_state_row_survives(sqlite_engine, local_server, client):
    sub, channels = hook(local_server, client)
    local_server.routes["/hook"] = Route(200)
    seed(sqlite_engine, sub, 2)
    deliver_due(sqlite_engine, channels, [sub], now=T0)
    with Session(sqlite_engine) as session:
        state = session.get(SubscriberState, "hook")
        assert state.bucket_tokens is not None and state.bucket_at == T0
