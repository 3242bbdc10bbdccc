"""Pure pacing decisions for deliveries: a token bucket per destination, folding of the
overflow above a subscriber's ``max_per_hour`` into summaries, and email digest times.

Everything takes ``now``; the state (bucket level, last summary time) is stored by the
caller, so a restart picks up where it left off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

#: A summary gathers folded alerts for this long after the first one before it is sent ...
FOLD_GATHER = timedelta(minutes=1)
#: ... and at most one summary per subscriber goes out in this period.
FOLD_INTERVAL = timedelta(minutes=15)
HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Rate:
    """``per_second`` messages on average, ``burst`` at once."""

    per_second: float
    burst: float


@dataclass(frozen=True, slots=True)
class Bucket:
    tokens: float
    at: datetime


def refill(bucket: Bucket | None, rate: Rate, now: datetime) -> Bucket:
    """The bucket at ``now``: full when new; never goes back in time."""
    if bucket is None:
        return Bucket(rate.burst, now)
    elapsed = max((now - bucket.at).total_seconds(), 0.0)
    tokens = min(rate.burst, bucket.tokens + elapsed * rate.per_second)
    return Bucket(tokens, max(now, bucket.at))


def take(bucket: Bucket | None, rate: Rate, now: datetime) -> tuple[Bucket, float]:
    """Try to take one token: (new bucket, 0.0) when granted, else (bucket, seconds to wait)."""
    full = refill(bucket, rate, now)
    if full.tokens >= 1.0:
        return Bucket(full.tokens - 1.0, full.at), 0.0
    return full, (1.0 - full.tokens) / rate.per_second


@dataclass(frozen=True, slots=True)
class FoldPlan:
    """Which queued alerts go out one by one and which are folded into a summary."""

    admit: tuple[int, ...]
    fold: tuple[int, ...]


def plan_fold(queued: Sequence[int], *, sent_last_hour: int, max_per_hour: int) -> FoldPlan:
    """Admit queued deliveries (oldest first) while the hourly budget lasts; fold the rest.

    Folding is deterministic: running it again on the same queue and count admits the same
    deliveries, so a crash between planning and sending changes nothing.
    """
    room = max(max_per_hour - sent_last_hour, 0)
    return FoldPlan(tuple(queued[:room]), tuple(queued[room:]))


def summary_due(
    *, oldest_folded_at: datetime | None, last_summary_at: datetime | None, now: datetime
) -> bool:
    """A summary is due once folded alerts have gathered a while, and not too often."""
    if oldest_folded_at is None or now - oldest_folded_at < FOLD_GATHER:
        return False
    return last_summary_at is None or now - last_summary_at >= FOLD_INTERVAL


def next_digest_at(
    now: datetime, *, period: Literal["hourly", "daily"], at: str, timezone: str
) -> datetime:
    """The next digest time strictly after ``now`` (UTC-aware), for an email subscriber.

    Hourly digests go out at the top of each hour; daily ones at ``at`` (HH:MM) local time
    in ``timezone``, daylight-saving changes included.
    """
    if period == "hourly":
        return now.replace(minute=0, second=0, microsecond=0) + HOUR
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    hour, minute = (int(part) for part in at.split(":"))
    day = local.date()
    for offset in range(3):
        candidate = datetime.combine(day + timedelta(days=offset), time(hour, minute), zone)
        if candidate > local:
            return candidate.astimezone(now.tzinfo)
    raise ValueError(f"no digest time after {now.isoformat()}")  # pragma: no cover
