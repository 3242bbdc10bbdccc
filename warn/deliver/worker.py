"""A delivery loop: drain the outbox, then sleep until the next due time or the tick,
whichever is sooner (so rate-limited and retried deliveries go out on time)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from warn.deliver.base import Clock, utcnow
from warn.deliver.outbox import DeliveryReport
from warn.errors import WarnError

log = logging.getLogger(__name__)


def pause_after(report: DeliveryReport, *, tick: float, now: datetime) -> float:
    """Seconds to wait before the next pass: none if the pass was busy, else until due."""
    if report.delivered or report.summaries:
        return 0.0
    if report.next_due is None:
        return tick
    return min(tick, max((report.next_due - now).total_seconds(), 0.0))


def run_worker(
    deliver_once: Callable[[datetime], DeliveryReport],
    *,
    stop: threading.Event,
    tick: float,
    wake: threading.Event | None = None,
    clock: Clock = utcnow,
) -> None:
    """Call ``deliver_once(now)`` until ``stop`` is set; ``wake`` cuts a wait short."""
    wake = wake or threading.Event()
    while not stop.is_set():
        wake.clear()
        try:
            report = deliver_once(clock())
        except WarnError as e:
            log.error("delivery pass failed: %s", e)
            report = DeliveryReport()
        if report.delivered or report.retrying or report.failed or report.folded:
            log.info("delivery pass: %s", report)
        wait = pause_after(report, tick=tick, now=clock())
        if wait > 0:
            wake.wait(timeout=wait)
