"""A feed's health, computed from its schedule state: pure.

    new       not polled yet
    ok        the last poll worked and the feed publishes as often as expected
    failing   polls have failed since T, last with error E
    silent    polls work, but nothing new since T, for longer than
              ``silent_factor`` x the feed's expected cadence
    retired   the publisher removed the feed (410 Gone); no longer polled

``health_alert_due`` and ``recovery_due`` say when a source-health alert, and later its
recovery notice, should go out; the caller keeps the "alert open" flag so each goes once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from warn.config import FeedConfig, HealthConfig
from warn.core.timing import FeedState

HealthStatus = Literal["new", "ok", "failing", "silent", "retired"]


@dataclass(frozen=True)
class Health:
    status: HealthStatus
    since: datetime | None
    description: str  # one line, for `warn feeds` and alert bodies


def format_duration(delta: timedelta) -> str:
    """A short human duration: 45s, 12m, 3h, 2d 4h."""
    seconds = max(int(delta.total_seconds()), 0)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        hours, rest = divmod(seconds, 3600)
        return f"{hours}h {rest // 60}m" if rest >= 60 else f"{hours}h"
    days, rest = divmod(seconds, 86400)
    return f"{days}d {rest // 3600}h" if rest >= 3600 else f"{days}d"


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M UTC")


def feed_health(
    state: FeedState,
    now: datetime,
    *,
    expected_cadence: timedelta | None,
    health: HealthConfig,
) -> Health:
    """The feed's health status, since when, and a one-line description."""
    if state.status == "retired":
        since = state.failing_since or state.last_polled_at
        return Health("retired", since, f"retired: {state.last_error or 'the feed is gone'}")
    if state.failure_count > 0:
        since = state.failing_since or state.last_polled_at or now
        return Health(
            "failing",
            since,
            f"failing since {_stamp(since)} ({format_duration(now - since)}, "
            f"{state.failure_count} attempts): {state.last_error or 'unknown error'}",
        )
    if state.last_success_at is None:
        return Health("new", None, "not polled yet")
    quiet_since = state.last_new_item_at or state.last_success_at
    if expected_cadence is not None and now - quiet_since > expected_cadence * health.silent_factor:
        return Health(
            "silent",
            quiet_since,
            f"silent since {_stamp(quiet_since)}: nothing new for "
            f"{format_duration(now - quiet_since)} "
            f"(expected every {format_duration(expected_cadence)})",
        )
    last_new = (
        f"last new item {format_duration(now - state.last_new_item_at)} ago"
        if state.last_new_item_at
        else "no new item yet"
    )
    return Health(
        "ok",
        state.last_success_at,
        f"ok: polled {format_duration(now - state.last_success_at)} ago, {last_new}",
    )


def health_alert_due(h: Health, now: datetime, *, health: HealthConfig) -> bool:
    """True when this health deserves a source-health alert (failing long enough, or silent)."""
    if h.status == "failing":
        return h.since is not None and now - h.since >= health.failing_after
    return h.status in ("silent", "retired")


def recovery_due(h: Health) -> bool:
    """True when a feed whose health alert is open is healthy again."""
    return h.status == "ok"


def describe_feed(
    row: object, feed: FeedConfig, *, now: datetime, health: HealthConfig
) -> tuple[str, str]:
    """(status, one-line description) of a feed row (anything with FeedState's fields)."""
    state = FeedState.from_row(row)
    h = feed_health(state, now, expected_cadence=feed.expected_cadence, health=health)
    return h.status, h.description
