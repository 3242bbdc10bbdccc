"""When to try a failed delivery again: a pure function of attempts, age, the server's
Retry-After and a random number (so tests can pin the jitter).

The schedule follows the Standard Webhooks example, cut to about a day: immediately, then
5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.  A delivery is given up (dead-lettered) only when
it has used every step *and* is older than the whole schedule, so a receiver that keeps
answering 429 with a short Retry-After cannot burn through the steps in minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

#: Wait before attempt n+1 after n failed attempts (index n-1).  Attempt 1 is immediate.
SCHEDULE: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(SCHEDULE) + 1
SPAN: timedelta = sum(SCHEDULE, timedelta())
JITTER = 0.1  # each wait is spread by up to +-10 %
MAX_RETRY_AFTER = timedelta(hours=24)
MIN_RETRY_AFTER = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class RetryPlan:
    """``at`` is the next attempt time, or None: give up (dead-letter)."""

    at: datetime | None

    @property
    def dead(self) -> bool:
        return self.at is None


def backoff(attempts: int, rand: float) -> timedelta:
    """The jittered wait after ``attempts`` failed attempts (``rand`` in [0, 1))."""
    step = SCHEDULE[min(max(attempts, 1), len(SCHEDULE)) - 1]
    return step * (1.0 + JITTER * (2.0 * rand - 1.0))


def plan_retry(
    *,
    attempts: int,
    created_at: datetime,
    now: datetime,
    rand: float,
    retry_after: float | None = None,
) -> RetryPlan:
    """Next attempt after ``attempts`` failed tries of a delivery created at ``created_at``."""
    if attempts >= MAX_ATTEMPTS and now - created_at >= SPAN:
        return RetryPlan(None)
    if retry_after is not None:
        wait = min(max(timedelta(seconds=retry_after), MIN_RETRY_AFTER), MAX_RETRY_AFTER)
    else:
        wait = backoff(attempts, rand)
    return RetryPlan(now + wait)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), else None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max((when - now).total_seconds(), 0.0)


def is_retryable_status(status: int) -> bool:
    """5xx, 408 and 429 may pass; other 4xx (and 3xx: we never follow redirects) will not."""
    return status >= 500 or status in (408, 429)
