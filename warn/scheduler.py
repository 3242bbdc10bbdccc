"""APScheduler wiring, and nothing else: the only module that knows the scheduler exists.

``warn run`` starts a BackgroundScheduler with one interval job that polls the due feeds
(feed schedule state lives in the database, so the job just asks "what is due now?"), plus a
delivery thread that drains the outbox every ``delivery_tick`` and at once when a poll has
queued alerts.  With ``service.public_url`` set, a WebSub callback server (warn/push.py) runs
beside them and wakes the delivery thread after a push that queued alerts.  SIGINT/SIGTERM set
a stop flag: the running step finishes, nothing new starts.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, datetime
from types import FrameType
from typing import TYPE_CHECKING

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from warn.errors import WarnError

if TYPE_CHECKING:
    import httpx

    from warn.app import App
    from warn.push import CallbackServer

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


class Service:
    """The long-running service: a poll job on the scheduler and a delivery thread."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.stop = threading.Event()
        self.wake_delivery = threading.Event()
        self._client: httpx.Client | None = None

    def poll_job(self) -> None:
        from warn.pipeline import poll_feeds

        if self.stop.is_set() or self._client is None:
            return
        try:
            results = poll_feeds(self.app, self._client, now=_now(), stop=self.stop)
        except WarnError as e:  # the database went away, say: log it, try again next tick
            log.error("poll cycle failed: %s", e)
            return
        if any(r.alerts for r in results):
            self.wake_delivery.set()

    def delivery_loop(self) -> None:
        """Drain the outbox until stopped: at once after a busy pass or a wake-up, else when the
        next delivery falls due (retry, rate limit) or after ``delivery_tick`` at the latest."""
        from warn.deliver.worker import run_worker
        from warn.pipeline import deliver, make_channels_for

        assert self._client is not None
        client = self._client
        channels = make_channels_for(self.app, client)
        run_worker(
            lambda now: deliver(self.app, client, now=now, channels=channels),
            stop=self.stop,
            tick=self.app.config.service.delivery_tick.total_seconds(),
            wake=self.wake_delivery,
        )

    def start_push(self) -> CallbackServer | None:
        """Start the WebSub callback server when public_url is set; failing to bind only
        disables push (polling carries on)."""
        from warn.push import CallbackServer

        service = self.app.config.service
        if not service.public_url:
            return None
        try:
            return CallbackServer(self.app, self.wake_delivery.set).start()
        except OSError as e:
            log.error(
                "WebSub callback server cannot listen on %s (%s): push off, polling continues",
                service.websub_listen,
                e,
            )
            return None

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping after the current step", signal.Signals(signum).name)
        self.stop.set()
        self.wake_delivery.set()

    def run(self) -> None:
        """Run until SIGINT or SIGTERM."""
        from warn.pipeline import prepare

        signal.signal(signal.SIGINT, self._on_signal)  # before the slow start-up steps
        signal.signal(signal.SIGTERM, self._on_signal)
        prepare(self.app, now=_now())
        _ = self.app.classifier, self.app.subscribers  # load and report problems up front
        if self.stop.is_set():
            log.info("warn stopped before it started")
            return
        scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        tick = self.app.config.service.tick.total_seconds()
        with self.app.http_client() as client:
            self._client = client
            scheduler.add_job(
                self.poll_job, "interval", seconds=tick, id="poll", next_run_time=_now()
            )
            deliverer = threading.Thread(target=self.delivery_loop, name="deliver", daemon=True)
            scheduler.start()
            deliverer.start()
            push = self.start_push()
            log.info(
                "warn running: %d feeds, %d subscribers, polling every %gs",
                len(self.app.config.feeds),
                len(self.app.subscribers.active),
                tick,
            )
            self.stop.wait()
            if push is not None:
                push.stop()
            scheduler.shutdown(wait=True)
            deliverer.join(timeout=60)
        log.info("warn stopped")


def run_service(app: App) -> None:
    Service(app).run()
