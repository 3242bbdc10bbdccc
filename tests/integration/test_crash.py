"""Crash safety: real warn processes delivering to a local receiver are killed with SIGKILL
at random points; after restarts every alert arrived, none under two idempotency keys.

Most kills hit ``warn deliveries run`` (the delivery worker alone, quick to start); the
last ones hit the full ``warn run`` service, which finishes the stream.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import LocalServer, Request, Route
from tests.delivery_support import SECRET, seed, subscriber
from warn.store.db import make_engine, upgrade

ALERTS = int(os.environ.get("WARN_CRASH_ALERTS", "500"))
WORKER_KILLS = int(os.environ.get("WARN_CRASH_KILLS", "40"))
SERVICE_KILLS = 1
BUDGET = 25.0  # seconds of killing the worker; then the service takes over
WARN = str(Path(sys.executable).with_name("warn"))


class Receiver:
    """Records every request before answering (so an ack can be lost in a crash)."""

    def __init__(self, server: LocalServer) -> None:
        self.lock = threading.Lock()
        self.got: list[tuple[str, str]] = []  # (webhook-id, alert_id)
        server.routes["/hook"] = self.handle

    def handle(self, req: Request) -> Route:
        import json

        body = json.loads(req.body)
        with self.lock:
            self.got.append((req.headers["webhook-id"], body["alert_id"]))
        time.sleep(0.004)  # a receiver that takes a moment: kills land mid-request too
        return Route(200, b"ok")

    def count(self) -> int:
        with self.lock:
            return len(self.got)

    def distinct(self) -> int:
        with self.lock:
            return len({a for _, a in self.got})


def start(args: list[str], config: Path, log) -> subprocess.Popen:
    env = {**os.environ, "HOOK_SECRET": SECRET}
    cmd = [WARN, "-v", "--config", str(config), *args]
    return subprocess.Popen(cmd, env=env, stdout=log, stderr=log)


def kill_mid_stream(proc: subprocess.Popen, receiver: Receiver, rng: random.Random) -> None:
    """SIGKILL once the process has delivered something (or after a while), at a random point."""
    before = receiver.count()
    deadline = time.monotonic() + 20
    while receiver.count() == before and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.005)
    time.sleep(rng.uniform(0.0, 0.25))
    proc.send_signal(signal.SIGKILL)
    proc.wait()


@pytest.mark.slow
def test_sigkill_loses_and_repeats_nothing(tmp_path: Path, local_server: LocalServer):
    db = tmp_path / "w.db"
    config = tmp_path / "feeds.toml"
    config.write_text(
        f'[service]\ndatabase_url = "sqlite:///{db}"\ndelivery_tick = "0.05s"\n'
        f'[[subscribers]]\nname = "ops"\nchannel = "webhook"\nurl = "{local_server.url("/hook")}"\n'
        'secret = "${HOOK_SECRET}"\nmax_per_hour = 100000\n'
    )
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    sub = subscriber("ops", url=local_server.url("/hook"), max_per_hour=100000)
    now = datetime.now(UTC)
    for start_at in range(0, ALERTS, 100):
        seed(engine, sub, min(100, ALERTS - start_at), now=now, start=start_at)
    engine.dispose()
    receiver = Receiver(local_server)
    rng = random.Random(20300301)
    kills = 0
    started = time.monotonic()
    with (tmp_path / "warn.log").open("w") as log:
        while kills < WORKER_KILLS and time.monotonic() - started < BUDGET:
            if receiver.distinct() >= ALERTS * 0.9:
                break
            kill_mid_stream(
                start(["deliveries", "run", "--tick", "0.05"], config, log), receiver, rng
            )
            kills += 1
        for _ in range(SERVICE_KILLS):
            if receiver.distinct() < ALERTS:
                kill_mid_stream(start(["run"], config, log), receiver, rng)
                kills += 1
        final = start(["run"], config, log)
        deadline = time.monotonic() + 60
        while receiver.distinct() < ALERTS and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # anything late would show up as a duplicate now
        final.send_signal(signal.SIGTERM)
        assert final.wait(timeout=30) == 0
    keys_per_alert: dict[str, set[str]] = {}
    for key, alert in receiver.got:
        keys_per_alert.setdefault(alert, set()).add(key)
    same_key_repeats = len(receiver.got) - len(keys_per_alert)
    print(f"\n{kills} kills, {len(receiver.got)} requests, {same_key_repeats} same-key repeats")
    assert kills >= 10
    assert len(keys_per_alert) == ALERTS  # every alert arrived
    assert all(len(keys) == 1 for keys in keys_per_alert.values())  # never under a new key
    # a repeat happens only when the receiver got a request whose outcome the killed
    # process had not yet committed: at most one per kill (one subscriber, sent in order)
    assert same_key_repeats <= kills
