"""A feed failing past [health] failing_after sends exactly one health alert, then one
recovery notice, to the subscribers that asked for them (real SQLite file, real outbox)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from warn.config import parse_config
from warn.core.timing import FEED_STATE_FIELDS, FeedState, schedule_failure, schedule_success
from warn.health_alerts import check_feed_health
from warn.store.tables import Alert, Delivery, Feed

T0 = datetime(2025, 1, 7, 0, 0, tzinfo=UTC)
CONFIG = parse_config(
    {
        "health": {"failing_after": "12h"},
        "feeds": [{"name": "field", "url": "https://field.example.org/feed.xml"}],
        "subscribers": [
            {"name": "ops", "channel": "webhook", "url": "https://hooks.example.org/a",
             "health_alerts": True},
            {"name": "analysts", "channel": "webhook", "url": "https://hooks.example.org/b"},
        ],
    }
)  # fmt: skip


def save(session: Session, row: Feed, state: FeedState) -> None:
    for name in FEED_STATE_FIELDS:
        setattr(row, name, getattr(state, name))
    session.add(row)


def state_of(row: Feed) -> FeedState:
    return FeedState(**{name: getattr(row, name) for name in FEED_STATE_FIELDS})


def step(engine: Engine, now: datetime, *, ok: bool) -> list[tuple[str, str]]:
    """One poll outcome for the feed, then the health check, in one transaction."""
    with Session(engine) as s:
        row = s.exec(select(Feed)).one()
        kw = {"now": now, "interval": timedelta(minutes=15), "fetch": CONFIG.fetch, "rand": 0.0}
        if ok:
            new = schedule_success(
                state_of(row),
                new_items=1,
                status_code=200,
                etag=None,
                last_modified=None,
                permanent_url=None,
                retry_after=None,
                max_age=None,
                **kw,
            )  # type: ignore[arg-type]
        else:
            new = schedule_failure(
                state_of(row),
                error="the server answered 503; will retry",
                status_code=503,
                retryable=True,
                retry_after=None,
                **kw,
            )  # type: ignore[arg-type]
        save(s, row, new)
        sent = check_feed_health(s, config=CONFIG, subscribers=CONFIG.subscribers, now=now)
        s.commit()
        return sent


def test_failing_feed_alerts_once_then_recovers_once(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as s:
        s.add(
            Feed(
                name="field",
                url="https://field.example.org/feed.xml",
                config_url="https://field.example.org/feed.xml",
                status="ok",
            )
        )
        s.commit()
    sent = []
    for hours in (0, 1, 6, 11):  # failing, but not yet for 12 hours
        sent += step(sqlite_engine, T0 + timedelta(hours=hours), ok=False)
    assert sent == []
    for hours in (12, 13, 20, 30):  # past the threshold: one alert, however many polls fail
        sent += step(sqlite_engine, T0 + timedelta(hours=hours), ok=False)
    assert sent == [("field", "health")]
    for hours in (31, 32):  # back to normal: one recovery notice
        sent += step(sqlite_engine, T0 + timedelta(hours=hours), ok=True)
    assert sent == [("field", "health"), ("field", "recovery")]

    with Session(sqlite_engine) as s:
        alerts = s.exec(select(Alert).order_by(Alert.created_at)).all()
        assert [(a.kind, a.subscriber) for a in alerts] == [("health", "ops"), ("recovery", "ops")]
        health = alerts[0]
        assert health.title == "Feed field is failing"
        assert health.body["since"] == T0.isoformat()
        assert "503" in health.body["description"]
        assert alerts[1].title == "Feed field has recovered"
        assert len(s.exec(select(Delivery)).all()) == 2
        assert s.exec(select(Feed)).one().health_alert_open is False


def test_a_short_outage_sends_nothing(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as s:
        s.add(
            Feed(
                name="field",
                url="https://field.example.org/feed.xml",
                config_url="https://field.example.org/feed.xml",
                status="ok",
            )
        )
        s.commit()
    sent = step(sqlite_engine, T0, ok=False) + step(sqlite_engine, T0 + timedelta(hours=2), ok=True)
    assert sent == []
