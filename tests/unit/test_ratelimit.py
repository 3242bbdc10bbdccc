from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from warn.core.ratelimit import (
    FOLD_GATHER,
    FOLD_INTERVAL,
    Bucket,
    Rate,
    next_digest_at,
    plan_fold,
    summary_due,
    take,
)

T0 = datetime(2030, 1, 1, tzinfo=UTC)
SLACK = Rate(per_second=1.0, burst=5.0)


def test_bucket_allows_a_burst_then_one_per_second():
    bucket: Bucket | None = None
    granted = 0
    for _ in range(10):
        new, wait = take(bucket, SLACK, T0)
        if wait:
            assert 0 < wait <= 1.0
            break
        bucket, granted = new, granted + 1
    assert granted == 5
    _, wait = take(bucket, SLACK, T0 + timedelta(seconds=1))
    assert wait == 0


@given(st.lists(st.floats(0, 600), min_size=1, max_size=300))
def test_bucket_never_exceeds_rate_times_time_plus_burst(offsets):
    rate = Rate(per_second=2.0, burst=3.0)
    bucket: Bucket | None = None
    sent: list[float] = []
    for off in sorted(offsets):
        new, wait = take(bucket, rate, T0 + timedelta(seconds=off))
        if wait == 0:
            bucket = new
            sent.append(off)
    for i, start in enumerate(sent):
        for j in range(i, len(sent)):
            assert j - i + 1 <= rate.burst + rate.per_second * (sent[j] - start) + 1e-6


def test_bucket_ignores_a_clock_going_back():
    bucket, _ = take(None, SLACK, T0)
    again, _ = take(bucket, SLACK, T0 - timedelta(hours=1))
    assert again.at >= bucket.at
    assert again.tokens <= SLACK.burst


def test_fold_admits_oldest_within_budget_and_is_deterministic():
    queue = list(range(1, 31))
    plan = plan_fold(queue, sent_last_hour=12, max_per_hour=20)
    assert plan.admit == tuple(range(1, 9))
    assert plan.fold == tuple(range(9, 31))
    assert plan_fold(queue, sent_last_hour=12, max_per_hour=20) == plan
    assert plan_fold(queue, sent_last_hour=25, max_per_hour=20).admit == ()


@given(st.integers(0, 100), st.integers(0, 60), st.integers(1, 50))
def test_fold_loses_nothing(n, sent, limit):
    plan = plan_fold(list(range(n)), sent_last_hour=sent, max_per_hour=limit)
    assert plan.admit + plan.fold == tuple(range(n))
    assert len(plan.admit) + sent <= max(limit, sent)


def test_summary_waits_to_gather_and_is_not_sent_too_often():
    assert not summary_due(oldest_folded_at=None, last_summary_at=None, now=T0)
    assert not summary_due(oldest_folded_at=T0, last_summary_at=None, now=T0 + FOLD_GATHER / 2)
    assert summary_due(oldest_folded_at=T0, last_summary_at=None, now=T0 + FOLD_GATHER)
    last = T0 + FOLD_GATHER
    assert not summary_due(oldest_folded_at=T0, last_summary_at=last, now=last + FOLD_INTERVAL / 2)
    assert summary_due(oldest_folded_at=T0, last_summary_at=last, now=last + FOLD_INTERVAL)


def test_hourly_digest_at_top_of_next_hour():
    now = datetime(2030, 1, 1, 9, 59, 59, tzinfo=UTC)
    assert next_digest_at(now, period="hourly", at="08:00", timezone="UTC") == now.replace(
        hour=10, minute=0, second=0
    )


def test_daily_digest_in_local_time_across_dst():
    # Zurich: 08:00 local is 07:00 UTC in winter, 06:00 UTC in summer (DST from 2030-03-31)
    winter = datetime(2030, 3, 30, 7, 30, tzinfo=UTC)
    got = next_digest_at(winter, period="daily", at="08:00", timezone="Europe/Zurich")
    assert got == datetime(2030, 3, 31, 6, 0, tzinfo=UTC)
    before = datetime(2030, 1, 10, 6, 59, tzinfo=UTC)
    assert next_digest_at(before, period="daily", at="08:00", timezone="Europe/Zurich") == (
        datetime(2030, 1, 10, 7, 0, tzinfo=UTC)
    )


@given(
    st.integers(0, 10**8),
    st.sampled_from(["00:00", "08:00", "23:59"]),
    st.sampled_from(["UTC", "Europe/Zurich", "America/New_York", "Asia/Kolkata"]),
)
def test_next_digest_is_strictly_later_and_within_a_day(seconds, at, tz):
    now = T0 + timedelta(seconds=seconds)
    got = next_digest_at(now, period="daily", at=at, timezone=tz)
    assert now < got <= now + timedelta(hours=25)
