"""Poll timing: property tests of the pure schedule functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from warn.config import FetchConfig
from warn.core.timing import (
    FeedState,
    failure_delay,
    schedule_failure,
    schedule_success,
    success_delay,
)

NOW = datetime(2025, 1, 7, 12, 0, tzinfo=UTC)
FETCH = FetchConfig()

intervals = st.integers(min_value=60, max_value=7 * 86400).map(lambda s: timedelta(seconds=s))
hints = st.none() | st.integers(min_value=0, max_value=30 * 86400).map(
    lambda s: timedelta(seconds=s)
)
rands = st.floats(min_value=0.0, max_value=1.0, exclude_max=True)
jitters = st.floats(min_value=0.0, max_value=0.5)
failures = st.integers(min_value=1, max_value=200)


def fetch_with(jitter: float) -> FetchConfig:
    return FetchConfig(jitter=jitter)


@given(intervals, hints, hints, rands, jitters)
def test_success_never_earlier_than_interval_minus_jitter_nor_later_than_cap(
    interval: timedelta,
    retry_after: timedelta | None,
    max_age: timedelta | None,
    rand: float,
    jitter: float,
) -> None:
    fetch = fetch_with(jitter)
    delay = success_delay(
        interval, retry_after=retry_after, max_age=max_age, fetch=fetch, rand=rand
    )
    base = max(interval, fetch.min_interval)
    assert delay >= base * (1 - jitter) - timedelta(microseconds=1)
    assert delay >= fetch.min_interval
    assert delay <= max(base, fetch.backoff_cap)


@given(intervals, failures, st.booleans(), hints, rands, jitters)
def test_failure_delay_is_bounded_by_the_cap_and_never_gives_up(
    interval: timedelta,
    n: int,
    retryable: bool,
    retry_after: timedelta | None,
    rand: float,
    jitter: float,
) -> None:
    fetch = fetch_with(jitter)
    delay = failure_delay(
        interval, n, retryable=retryable, retry_after=retry_after, fetch=fetch, rand=rand
    )
    base = max(interval, fetch.min_interval)
    assert delay <= max(fetch.backoff_cap, base)
    assert delay >= base * (1 - jitter) - timedelta(microseconds=1)


@given(intervals, failures, st.booleans(), hints, rands)
def test_failure_delay_is_monotone_in_the_failure_count(
    interval: timedelta, n: int, retryable: bool, retry_after: timedelta | None, rand: float
) -> None:
    def delay(k: int) -> timedelta:
        return failure_delay(
            interval, k, retryable=retryable, retry_after=retry_after, fetch=FETCH, rand=rand
        )

    assert delay(n) <= delay(n + 1)


@given(intervals, rands)
def test_backoff_reaches_the_cap(interval: timedelta, rand: float) -> None:
    delay = failure_delay(interval, 60, retryable=True, retry_after=None, fetch=FETCH, rand=0.0)
    assert delay == max(FETCH.backoff_cap, interval, FETCH.min_interval)


@given(intervals, rands)
def test_server_hints_can_slow_us_down_but_never_speed_us_up(
    interval: timedelta, rand: float
) -> None:
    plain = success_delay(interval, retry_after=None, max_age=None, fetch=FETCH, rand=rand)
    short = success_delay(
        interval, retry_after=timedelta(seconds=1), max_age=timedelta(0), fetch=FETCH, rand=rand
    )
    long = success_delay(
        interval, retry_after=None, max_age=timedelta(days=30), fetch=FETCH, rand=rand
    )
    assert short == plain
    assert plain <= long <= max(FETCH.backoff_cap, interval)


def test_jitter_spreads_feeds_with_the_same_interval() -> None:
    a = success_delay(timedelta(minutes=15), retry_after=None, max_age=None, fetch=FETCH, rand=0.0)
    b = success_delay(timedelta(minutes=15), retry_after=None, max_age=None, fetch=FETCH, rand=0.9)
    assert a == timedelta(minutes=15)
    assert b == timedelta(minutes=15) * (1 - 0.1 * 0.9)


def _fail(state: FeedState, when: datetime, status: int | None = 500) -> FeedState:
    return schedule_failure(
        state,
        now=when,
        interval=timedelta(minutes=15),
        error="boom",
        status_code=status,
        retryable=True,
        retry_after=None,
        fetch=FETCH,
        rand=0.5,
    )


def _ok(state: FeedState, when: datetime, **kw: object) -> FeedState:
    args: dict = {
        "new_items": 1,
        "status_code": 200,
        "etag": '"e2"',
        "last_modified": None,
        "permanent_url": None,
        "retry_after": None,
        "max_age": None,
    }
    args.update(kw)
    return schedule_success(
        state, now=when, interval=timedelta(minutes=15), fetch=FETCH, rand=0.0, **args
    )


def test_failures_count_up_keep_their_start_and_success_clears_them() -> None:
    s = FeedState(url="http://a.example/feed", status="ok")
    s1 = _fail(s, NOW)
    s2 = _fail(s1, NOW + timedelta(hours=1))
    assert (s2.status, s2.failure_count, s2.failing_since, s2.last_error) == (
        "failing",
        2,
        NOW,
        "boom",
    )
    assert s2.next_poll_at is not None and s2.next_poll_at > NOW + timedelta(hours=1)
    s3 = _ok(s2, NOW + timedelta(hours=2))
    assert (s3.status, s3.failure_count, s3.failing_since, s3.last_error) == ("ok", 0, None, None)
    assert s3.last_new_item_at == s3.last_success_at == NOW + timedelta(hours=2)


def test_410_retires_the_feed() -> None:
    s = _fail(FeedState(url="http://a.example/feed"), NOW, status=410)
    assert s.status == "retired" and s.next_poll_at is None and s.last_status_code == 410


def test_permanent_redirect_updates_the_url_temporary_does_not() -> None:
    s = FeedState(url="http://old.example/feed")
    assert _ok(s, NOW, permanent_url="https://new.example/feed").url == "https://new.example/feed"
    assert _ok(s, NOW, permanent_url=None).url == "http://old.example/feed"


def test_not_modified_keeps_the_validators_and_the_last_new_item_time() -> None:
    s = _ok(FeedState(url="http://a.example/feed"), NOW, etag='"v1"', last_modified="Tue")
    s2 = _ok(
        s, NOW + timedelta(hours=1), status_code=304, etag=None, last_modified=None, new_items=0
    )
    assert (s2.etag, s2.last_modified, s2.last_new_item_at) == ('"v1"', "Tue", NOW)
    s3 = _ok(s2, NOW + timedelta(hours=2), status_code=200, etag=None, last_modified=None)
    assert (s3.etag, s3.last_modified) == (None, None)
