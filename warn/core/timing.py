"""When to poll a feed next: pure functions on its schedule state.

The rules (docs/fetching.md):

* after a success the next poll is ``interval`` later, shortened by up to ``jitter`` (so feeds
  configured alike spread out), and never sooner than ``min_interval``;
* a server may slow us down (Retry-After, Cache-Control max-age) up to ``backoff_cap``, never
  speed us up;
* after a failure the wait doubles with each consecutive failure, from the interval up to
  ``backoff_cap`` (or the interval, if that is longer); non-retryable errors start four
  times higher. A failing feed is never given up on, except:
* 410 Gone retires the feed (no next poll) with a clear status;
* a permanent redirect (every hop 301/308) replaces the stored URL; temporary ones do not.

``rand`` in [0, 1) is supplied by the caller so that tests are deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from warn.config import FetchConfig

_MAX_DOUBLINGS = 40  # 2**40 intervals is past any cap; keeps the arithmetic finite


@dataclass(frozen=True)
class FeedState:
    """A feed's schedule state; the names match the Feed table's columns."""

    url: str
    status: str = "new"  # new | ok | failing | retired
    etag: str | None = None
    last_modified: str | None = None
    next_poll_at: datetime | None = None
    last_polled_at: datetime | None = None
    last_success_at: datetime | None = None
    last_new_item_at: datetime | None = None
    failing_since: datetime | None = None
    failure_count: int = 0
    last_error: str | None = None
    last_status_code: int | None = None

    @classmethod
    def from_row(cls, row: object) -> FeedState:
        """The state held by anything with these attributes (a Feed row, or a FeedState)."""
        if isinstance(row, FeedState):
            return row
        return cls(**{name: getattr(row, name) for name in FEED_STATE_FIELDS})


FEED_STATE_FIELDS: tuple[str, ...] = tuple(FeedState.__dataclass_fields__)


def _base(interval: timedelta, fetch: FetchConfig) -> timedelta:
    return max(interval, fetch.min_interval)


def _jittered(delay: timedelta, fetch: FetchConfig, rand: float) -> timedelta:
    """Shorten by up to ``jitter`` of the delay, but never below ``min_interval``."""
    rand = min(max(rand, 0.0), 1.0)
    return max(delay * (1.0 - fetch.jitter * rand), fetch.min_interval)


def success_delay(
    interval: timedelta,
    *,
    retry_after: timedelta | None,
    max_age: timedelta | None,
    fetch: FetchConfig,
    rand: float,
) -> timedelta:
    """The wait after a successful poll."""
    base = _base(interval, fetch)
    hint = max(retry_after or timedelta(0), max_age or timedelta(0))
    if hint > base:
        base = min(hint, max(fetch.backoff_cap, base))
    return _jittered(base, fetch, rand)


def failure_delay(
    interval: timedelta,
    failures: int,
    *,
    retryable: bool,
    retry_after: timedelta | None,
    fetch: FetchConfig,
    rand: float,
) -> timedelta:
    """The wait after the ``failures``-th consecutive failure (1 for the first)."""
    base = _base(interval, fetch)
    cap = max(fetch.backoff_cap, base)
    doublings = min(max(failures - 1, 0) + (0 if retryable else 2), _MAX_DOUBLINGS)
    delay = timedelta(seconds=min(base.total_seconds() * 2.0**doublings, cap.total_seconds()))
    if retry_after is not None and retry_after > delay:
        delay = min(retry_after, cap)
    return _jittered(delay, fetch, rand)


def schedule_success(
    state: FeedState,
    *,
    now: datetime,
    interval: timedelta,
    new_items: int,
    status_code: int,
    etag: str | None,
    last_modified: str | None,
    permanent_url: str | None,
    retry_after: timedelta | None,
    max_age: timedelta | None,
    fetch: FetchConfig,
    rand: float,
) -> FeedState:
    """The state after a poll that got a feed (or 304 Not Modified)."""
    delay = success_delay(
        interval, retry_after=retry_after, max_age=max_age, fetch=fetch, rand=rand
    )
    not_modified = status_code == 304
    return replace(
        state,
        url=permanent_url or state.url,
        status="ok",
        etag=(etag or state.etag) if not_modified else etag,
        last_modified=(last_modified or state.last_modified) if not_modified else last_modified,
        next_poll_at=now + delay,
        last_polled_at=now,
        last_success_at=now,
        last_new_item_at=now if new_items > 0 else state.last_new_item_at,
        failing_since=None,
        failure_count=0,
        last_error=None,
        last_status_code=status_code,
    )


def schedule_failure(
    state: FeedState,
    *,
    now: datetime,
    interval: timedelta,
    error: str,
    status_code: int | None,
    retryable: bool,
    retry_after: timedelta | None,
    fetch: FetchConfig,
    rand: float,
) -> FeedState:
    """The state after a failed poll: back off, or retire the feed on 410 Gone."""
    failures = state.failure_count + 1
    if status_code == 410:
        status, next_poll_at = "retired", None
    else:
        status = "failing"
        next_poll_at = now + failure_delay(
            interval, failures, retryable=retryable, retry_after=retry_after, fetch=fetch, rand=rand
        )
    return replace(
        state,
        status=status,
        next_poll_at=next_poll_at,
        last_polled_at=now,
        failing_since=state.failing_since or now,
        failure_count=failures,
        last_error=error,
        last_status_code=status_code,
    )
