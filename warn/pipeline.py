"""One cycle: due feeds -> fetch -> parse -> clean/dedupe -> score -> decide -> store -> deliver.

Fetching runs in a thread pool (bounded globally and per host); everything after the fetch
runs in the calling thread, one database transaction per feed, so a feed's new items, their
assessments, the alerts they cause and the outbox rows for those alerts are stored together
or not at all (then the next poll simply sees them as new again).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import insert
from sqlmodel import Session, col, select

from warn.core.decide import ItemContext, decide_alerts
from warn.core.dedupe import dedupe_entries, make_item
from warn.core.parse import ParsedFeed, parse_feed
from warn.core.timing import FeedState, schedule_failure, schedule_success
from warn.errors import FeedError, FetchError
from warn.fetch import FetchRequest, FetchResponse, HostLimiter, fetch_feed
from warn.push import keep_subscribed
from warn.store import queries
from warn.store.tables import Assessment as AssessmentRow
from warn.store.tables import Feed
from warn.store.tables import Item as ItemRow
from warn.types import Assessment, FeedResult, Item

if TYPE_CHECKING:
    import httpx

    from warn.app import App
    from warn.deliver.base import Channel
    from warn.deliver.outbox import DeliveryReport

log = logging.getLogger(__name__)


@dataclass
class CycleReport:
    """What one cycle did; ``str()`` is the one-line summary ``warn poll --once`` prints."""

    feeds: list[FeedResult] = field(default_factory=list)
    delivered: int = 0
    retrying: int = 0
    dead: int = 0
    folded: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> list[FeedResult]:
        return [f for f in self.feeds if not f.ok]

    def __str__(self) -> str:
        new = sum(f.new_items for f in self.feeds)
        alerts = sum(f.alerts for f in self.feeds)
        ok = len(self.feeds) - len(self.failed)
        return (
            f"feeds: {ok} ok, {len(self.failed)} failed; new items: {new}; alerts: {alerts}; "
            f"deliveries: {self.delivered} delivered, {self.retrying} retrying, "
            f"{self.dead} failed, {self.folded} folded; {self.seconds:.1f}s"
        )


def prepare(app: App, *, now: datetime) -> None:
    """Migrate the database and make its feeds table match the config."""
    app.migrate()
    with Session(app.engine) as session:
        queries.sync_feeds(session, app.config.feeds, now)
        session.commit()


# --- fetching (threads) -------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    feed_id: int
    name: str
    request: FetchRequest
    state: FeedState
    interval: timedelta
    tags: tuple[str, ...]


def _fetch_all(
    app: App, client: httpx.Client, jobs: Sequence[_Job], stop: threading.Event | None = None
) -> Iterator[tuple[_Job, FetchResponse | FeedError]]:
    """Fetch every job in a bounded pool; yield (job, response or error) as each finishes."""
    service = app.config.service
    limiter = HostLimiter(service.max_concurrency, service.per_host_concurrency)

    def one(job: _Job) -> FetchResponse | FeedError:
        try:
            with limiter.slot(job.request.url):  # so one slow site cannot take every worker
                return fetch_feed(
                    client, job.request, app.config.fetch, allow_networks=service.allow_networks
                )
        except FeedError as e:
            return e

    workers = min(app.config.service.max_concurrency, max(1, len(jobs)))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch")
    try:
        futures: dict[Future[FetchResponse | FeedError], _Job] = {
            pool.submit(one, job): job for job in jobs
        }
        for future in as_completed(futures):
            if stop is not None and stop.is_set():
                break  # feeds not processed stay due; the next run polls them
            yield futures[future], future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# --- processing (calling thread) ----------------------------------------------------------


def _items_of(
    app: App, job: _Job, response: FetchResponse, now: datetime
) -> tuple[list[Item], ParsedFeed]:
    fetch = app.config.fetch
    parsed = parse_feed(
        response.body,
        url=response.url,
        headers=response.headers,
        max_entries=fetch.max_entries,
        max_entry_chars=fetch.max_entry_chars,
    )
    items = [
        make_item(e, feed=job.name, fetched=now, max_chars=fetch.max_entry_chars)
        for e in parsed.entries
    ]
    return dedupe_entries(items), parsed


def _store_items(
    session: Session,
    feed_id: int,
    items: Sequence[Item],
    assessments: Sequence[Assessment],
    now: datetime,
) -> list[int]:
    """Insert items and their assessments in two bulk statements; return the item ids in order.
    (Core inserts: building ORM objects cost more than the scoring, see docs/benchmarks.md.)"""
    if not items:
        return []
    item_rows = [
        {
            "feed_id": feed_id,
            "dedupe_key": item.dedupe_key,
            "guid": item.guid,
            "link": item.link,
            "title": item.title,
            "summary": item.summary,
            "published_at": item.published,
            "fetched_at": item.fetched,
            "content_hash": item.content_hash,
            "language": item.language,
            "countries": list(item.countries),
        }
        for item in items
    ]
    inserted = session.execute(
        insert(ItemRow).returning(col(ItemRow.id), sort_by_parameter_order=True), item_rows
    )
    ids = [int(row_id) for row_id in inserted.scalars()]
    session.execute(
        insert(AssessmentRow),
        [
            {
                "item_id": item_id,
                "model_version": a.model_version,
                "risk": a.risk,
                "categories": dict(a.categories),
                "reasons": [
                    {"phrase": r.phrase, "category": r.category, "weight": round(r.weight, 4)}
                    for r in a.reasons
                ],
                "created_at": now,
            }
            for item_id, a in zip(ids, assessments, strict=True)
        ],
    )
    return ids


def _alert(
    app: App,
    session: Session,
    job: _Job,
    items: Sequence[Item],
    item_ids: Sequence[int],
    assessments: Sequence[Assessment],
    now: datetime,
) -> int:
    """Decide and enqueue alerts for new items, inside the caller's transaction."""
    from warn.deliver.outbox import enqueue_alert

    subscribers = {s.name: s for s in app.subscribers.active}
    count = 0
    for item, item_id, assessment in zip(items, item_ids, assessments, strict=True):
        context = ItemContext(feed=job.name, feed_tags=job.tags, countries=item.countries)
        for decision in decide_alerts(assessment, context, subscribers.values(), app.thresholds):
            if queries.already_alerted(session, decision.subscriber, item.link, item.content_hash):
                continue  # the same story reached this subscriber from another feed
            alert = enqueue_alert(
                session,
                subscriber=subscribers[decision.subscriber],
                kind="item",
                now=now,
                item_id=item_id,
                feed_id=job.feed_id,
                risk=decision.risk,
                categories=decision.categories,
                reasons=decision.reasons,
                triggered_by=decision.triggered_by,
                title=item.title,
                link=item.link,
                body={
                    "published": item.published.isoformat() if item.published else None,
                    "feed": job.name,
                    "countries": list(item.countries),
                    "summary": item.summary[:500],
                },
            )
            count += alert is not None
    return count


# A WebSub push (callback server thread) and a poll may store the same feed at once.
_store_lock = threading.Lock()


def _process(
    app: App,
    job: _Job,
    outcome: FetchResponse | FeedError,
    now: datetime,
    client: httpx.Client | None = None,
) -> FeedResult:
    """Store one feed's outcome: new items, scores, alerts and its next poll time, atomically.

    With a ``client``, a feed that advertises a WebSub hub is then subscribed (warn/push.py)."""
    rand = random.random()
    fetch = app.config.fetch
    if isinstance(outcome, FeedError):
        return _record_failure(app, job, outcome, now, rand)
    try:
        items, parsed = (
            _items_of(app, job, outcome, now) if not outcome.not_modified else ([], None)
        )
    except FeedError as e:
        return _record_failure(app, job, e, now, rand, status=outcome.status)
    with _store_lock, Session(app.engine) as session:
        known = queries.known_keys(session, job.feed_id, (i.dedupe_key for i in items))
        new = [i for i in items if i.dedupe_key not in known]
        assessments = app.classifier.assess([i.text for i in new]) if new else []
        item_ids = _store_items(session, job.feed_id, new, assessments, now)
        alerts = _alert(app, session, job, new, item_ids, assessments, now)
        state = schedule_success(
            job.state,
            now=now,
            interval=job.interval,
            new_items=len(new),
            status_code=outcome.status,
            etag=outcome.etag,
            last_modified=outcome.last_modified,
            permanent_url=outcome.permanent_url,
            retry_after=outcome.retry_after,
            max_age=outcome.max_age,
            fetch=fetch,
            rand=rand,
        )
        _save_state(session, job.feed_id, state)
        session.commit()
    problems = parsed.problems if parsed else ()
    for p in problems:
        log.info("feed=%r: %s", job.name, p)
    if client is not None and parsed is not None and parsed.hub:
        keep_subscribed(app, client, job.feed_id, parsed.hub, parsed.self_url or outcome.url, now)
    return FeedResult(
        feed=job.name,
        url=job.request.url,
        new_items=len(new),
        seen_items=len(items) - len(new),
        not_modified=outcome.not_modified,
        alerts=alerts,
        problems=tuple(problems),
    )


def _record_failure(
    app: App, job: _Job, error: FeedError, now: datetime, rand: float, status: int | None = None
) -> FeedResult:
    status = getattr(error, "status", None) or status
    state = schedule_failure(
        job.state,
        now=now,
        interval=job.interval,
        error=str(error),
        status_code=status,
        retryable=getattr(error, "retryable", True),
        retry_after=getattr(error, "retry_after", None),
        fetch=app.config.fetch,
        rand=rand,
    )
    with Session(app.engine) as session:
        _save_state(session, job.feed_id, state)
        session.commit()
    log.warning("feed=%r url=%s failed: %s", job.name, job.request.url, error)
    return FeedResult(feed=job.name, url=job.request.url, error=str(error))


def _save_state(session: Session, feed_id: int, state: FeedState) -> None:
    row = session.get(Feed, feed_id)
    if row is not None:
        queries.copy_fields(row, state)
        session.add(row)


def _jobs(app: App, now: datetime, all_feeds: bool) -> list[_Job]:
    with Session(app.engine) as session:
        return [_job_of(app, f) for f in queries.due_feeds(session, now, all_feeds=all_feeds)]


def _job_of(app: App, f: Feed) -> _Job:
    return _Job(
        feed_id=f.id or 0,
        name=f.name,
        request=FetchRequest(f.url, etag=f.etag, last_modified=f.last_modified),
        state=FeedState.from_row(f),
        interval=max(timedelta(seconds=f.interval_seconds), app.config.fetch.min_interval),
        tags=tuple(f.tags),
    )


def poll_feeds(
    app: App,
    client: httpx.Client,
    *,
    now: datetime,
    all_feeds: bool = False,
    stop: threading.Event | None = None,
) -> list[FeedResult]:
    """Poll the due feeds; one feed's failure is recorded on that feed and never stops the rest."""
    results = []
    for job, outcome in _fetch_all(app, client, _jobs(app, now, all_feeds), stop):
        try:
            results.append(_process(app, job, outcome, now, client))
        except FetchError as e:  # defensive: a limit hit while processing
            results.append(_record_failure(app, job, e, now, random.random()))
    if not (stop is not None and stop.is_set()):
        _check_health(app, now)
    failed = sum(not r.ok for r in results)
    log.info("polled %d feeds: %d ok, %d failed", len(results), len(results) - failed, failed)
    return results


def ingest_push(
    app: App, feed_name: str, body: bytes, headers: Mapping[str, str], *, now: datetime
) -> FeedResult:
    """Store a verified WebSub push of ``feed_name`` exactly as a poll returning ``body`` would be.

    It reuses ``_process`` whole (one transaction: items, scores, alerts, outbox), so a push
    also counts as a successful poll: the next poll moves one interval on (the content is
    fresh) and the stored ETag/Last-Modified are kept. A body that does not parse is recorded
    on the feed like a failed poll; the next poll clears it.
    """
    with Session(app.engine) as session:
        feed = session.exec(select(Feed).where(Feed.name == feed_name)).first()
        if feed is None:
            return FeedResult(feed=feed_name, url="", error="no such feed")
        job = _job_of(app, feed)
    pushed = FetchResponse(
        url=job.request.url,
        status=200,
        body=body,
        headers=headers,
        etag=job.request.etag,
        last_modified=job.request.last_modified,
        permanent_url=None,
        retry_after=None,
        max_age=None,
        elapsed=0.0,
    )
    return _process(app, job, pushed, now)


def _check_health(app: App, now: datetime) -> None:
    """Source-health alerts: a feed failing or silent too long, then its recovery (once each)."""
    from warn.health_alerts import check_feed_health

    with Session(app.engine) as session:
        sent = check_feed_health(
            session, config=app.config, subscribers=app.subscribers.active, now=now
        )
        session.commit()
    for feed, kind in sent:
        log.warning("feed=%r: %s notice queued", feed, kind)


def make_channels_for(app: App, client: httpx.Client) -> dict[str, Channel]:
    """The delivery channels of the active subscribers, sharing one HTTP client."""
    from warn.deliver import make_channels

    return make_channels(list(app.subscribers.active), app.config, client, app.environ)


def deliver(
    app: App,
    client: httpx.Client,
    *,
    now: datetime,
    channels: Mapping[str, Channel] | None = None,
) -> DeliveryReport:
    """Drain due deliveries once (retries, rate limits and folding happen inside)."""
    from warn.deliver.outbox import deliver_due

    if channels is None:
        channels = make_channels_for(app, client)
    return deliver_due(app.engine, channels, list(app.subscribers.active), now=now)


def run_cycle(app: App, *, now: datetime, all_feeds: bool = False) -> CycleReport:
    """Poll, then deliver: what ``warn poll --once`` does and what ``warn run`` repeats."""
    started = time.monotonic()
    report = CycleReport()
    with app.http_client() as client:
        report.feeds = poll_feeds(app, client, now=now, all_feeds=all_feeds)
        sent = deliver(app, client, now=now)
        report.delivered, report.retrying = sent.delivered, sent.retrying
        report.dead, report.folded = sent.failed, sent.folded
    report.seconds = time.monotonic() - started
    return report
