from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warn.core.retry import (
    JITTER,
    MAX_ATTEMPTS,
    SCHEDULE,
    SPAN,
    backoff,
    is_retryable_status,
    parse_retry_after,
    plan_retry,
)

T0 = datetime(2030, 1, 1, tzinfo=UTC)


def test_schedule_spans_about_a_day_like_standard_webhooks():
    assert SCHEDULE[:4] == (
        timedelta(seconds=5),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
    )
    assert timedelta(hours=20) < SPAN < timedelta(hours=30)
    assert MAX_ATTEMPTS == 8


@pytest.mark.parametrize("attempts", range(1, 12))
def test_backoff_follows_schedule_within_jitter(attempts: int):
    step = SCHEDULE[min(attempts, len(SCHEDULE)) - 1]
    assert backoff(attempts, 0.5) == step
    assert backoff(attempts, 0.0) == step * (1 - JITTER)
    assert step * (1 - JITTER) <= backoff(attempts, 0.999) <= step * (1 + JITTER)


def test_retry_after_is_honoured_and_clamped():
    plan = plan_retry(attempts=1, created_at=T0, now=T0, rand=0.5, retry_after=120)
    assert plan.at == T0 + timedelta(seconds=120)
    huge = plan_retry(attempts=1, created_at=T0, now=T0, rand=0.5, retry_after=10**9)
    assert huge.at == T0 + timedelta(hours=24)
    zero = plan_retry(attempts=1, created_at=T0, now=T0, rand=0.5, retry_after=0)
    assert zero.at == T0 + timedelta(seconds=1)


def test_dead_only_after_all_steps_and_the_whole_span():
    late = T0 + SPAN
    assert plan_retry(attempts=MAX_ATTEMPTS, created_at=T0, now=late, rand=0.5).dead
    # many quick 429s burn attempts but not time: keep trying
    early = T0 + timedelta(hours=1)
    assert not plan_retry(attempts=40, created_at=T0, now=early, rand=0.5, retry_after=60).dead
    # old but few attempts (e.g. after `deliveries retry`): keep trying
    assert not plan_retry(attempts=2, created_at=T0, now=T0 + 3 * SPAN, rand=0.5).dead


def test_following_the_schedule_dies_after_about_a_day():
    now, attempts = T0, 0
    while True:
        attempts += 1
        plan = plan_retry(attempts=attempts, created_at=T0, now=now, rand=0.5)
        if plan.at is None:
            break
        now = plan.at
    assert attempts == MAX_ATTEMPTS
    assert now - T0 == SPAN


@given(
    attempts=st.integers(0, 50),
    age=st.floats(0, 200_000),
    rand=st.floats(0, 0.999999),
    retry_after=st.none() | st.floats(0, 10**7),
)
def test_next_attempt_never_goes_back_in_time(attempts, age, rand, retry_after):
    now = T0 + timedelta(seconds=age)
    plan = plan_retry(attempts=attempts, created_at=T0, now=now, rand=rand, retry_after=retry_after)
    assert plan.at is None or plan.at > now


def test_parse_retry_after_seconds_and_http_date():
    assert parse_retry_after("120", T0) == 120.0
    assert parse_retry_after("Tue, 01 Jan 2030 00:02:00 GMT", T0) == 120.0
    assert parse_retry_after("Mon, 31 Dec 2029 00:00:00 GMT", T0) == 0.0
    assert parse_retry_after("soon", T0) is None
    assert parse_retry_after(None, T0) is None


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        (500, True),
        (502, True),
        (503, True),
        (408, True),
        (429, True),
        (400, False),
        (401, False),
        (404, False),
        (410, False),
        (422, False),
        (301, False),
    ],
)
def test_retryable_statuses(status: int, retryable: bool):
    assert is_retryable_status(status) is retryable
