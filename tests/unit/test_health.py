"""Feed health (pure): ok, failing since T, silent since T, retired; and when to alert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from warn.config import FeedConfig, HealthConfig
from warn.core.health import (
    describe_feed,
    feed_health,
    format_duration,
    health_alert_due,
    recovery_due,
)
from warn.core.timing import FeedState

NOW = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)
HEALTH = HealthConfig(failing_after="12h", silent_factor=3.0)
DAY = timedelta(days=1)


def state(**kw: object) -> FeedState:
    return FeedState(url="https://a.example/feed", **kw)  # type: ignore[arg-type]


def test_new_feed() -> None:
    h = feed_health(state(), NOW, expected_cadence=None, health=HEALTH)
    assert (h.status, h.since, h.description) == ("new", None, "not polled yet")


def test_ok_feed_describes_its_last_poll() -> None:
    s = state(
        status="ok",
        last_success_at=NOW - timedelta(minutes=5),
        last_new_item_at=NOW - timedelta(hours=3),
    )
    h = feed_health(s, NOW, expected_cadence=DAY, health=HEALTH)
    assert h.status == "ok"
    assert h.description == "ok: polled 5m ago, last new item 3h ago"
    assert not health_alert_due(h, NOW, health=HEALTH) and recovery_due(h)


def test_failing_feed_says_since_when_and_why() -> None:
    since = NOW - timedelta(hours=13)
    s = state(
        status="failing",
        failing_since=since,
        failure_count=4,
        last_error="the server answered 503; will retry",
    )
    h = feed_health(s, NOW, expected_cadence=None, health=HEALTH)
    assert (h.status, h.since) == ("failing", since)
    assert h.description == (
        "failing since 2025-01-09 23:00 UTC (13h, 4 attempts): the server answered 503; will retry"
    )
    assert health_alert_due(h, NOW, health=HEALTH)
    assert not health_alert_due(h, since + timedelta(hours=11), health=HEALTH)


def test_silent_after_silent_factor_times_the_cadence() -> None:
    last_new = NOW - timedelta(days=3, hours=1)
    s = state(status="ok", last_success_at=NOW - timedelta(minutes=1), last_new_item_at=last_new)
    h = feed_health(s, NOW, expected_cadence=DAY, health=HEALTH)
    assert (h.status, h.since) == ("silent", last_new)
    assert "nothing new for 3d 1h (expected every 1d)" in h.description
    assert health_alert_due(h, NOW, health=HEALTH)
    assert feed_health(s, NOW, expected_cadence=2 * DAY, health=HEALTH).status == "ok"
    assert feed_health(s, NOW, expected_cadence=None, health=HEALTH).status == "ok"


def test_retired_feed() -> None:
    s = state(
        status="retired",
        failing_since=NOW,
        failure_count=1,
        last_error="410 Gone: the publisher removed this feed; delete it from feeds.toml",
    )
    h = feed_health(s, NOW, expected_cadence=None, health=HEALTH)
    assert h.status == "retired" and h.description.startswith("retired: 410 Gone")


def test_describe_feed_reads_any_row_with_the_state_fields() -> None:
    class Row:
        def __init__(self) -> None:
            for name, value in vars(state(status="ok", last_success_at=NOW)).items():
                setattr(self, name, value)
            self.name = "extra columns are ignored"

    feed = FeedConfig(name="a", url="https://a.example/feed")
    assert describe_feed(Row(), feed, now=NOW, health=HEALTH) == (
        "ok",
        "ok: polled 0s ago, no new item yet",
    )


def test_format_duration() -> None:
    assert [format_duration(timedelta(seconds=s)) for s in (5, 600, 7200, 7260, 90000, 86400)] == [
        "5s",
        "10m",
        "2h",
        "2h 1m",
        "1d 1h",
        "1d",
    ]
