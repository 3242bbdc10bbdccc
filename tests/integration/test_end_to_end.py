"""The whole service with real parts: a local feed server, a real database file (and the real
PostgreSQL), the shipped model, a local webhook receiver, and the real ``warn`` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from tests.conftest import DATA, LocalServer, Route
from warn.store.db import make_engine
from warn.store.tables import Alert, Delivery, DeliveryAttempt, Feed, Item

E2E = DATA / "e2e"
RISK_LINKS = {
    "http://127.0.0.1/world/hazara-attack",
    "http://127.0.0.1/world/border-flight",
    "http://127.0.0.1/world/camps",
    "http://127.0.0.1/asia/defenders",
}


def write_config(tmp_path: Path, server: LocalServer, database_url: str) -> Path:
    server.serve_file("/risk.xml", E2E / "risk_news.xml")
    server.serve_file("/asia.atom", E2E / "world_news.atom", "application/atom+xml")
    server.serve_file("/broken", E2E / "not_a_feed.html", "text/html")
    server.routes["/hook"] = Route(200, b"ok")
    server.routes["/hook-500"] = Route(500, b"internal error")
    config = tmp_path / "feeds.toml"
    config.write_text(
        f"""
[service]
database_url = "{database_url}"
allow_networks = ["127.0.0.0/8"]

[thresholds]
min_risk = 0.5

[[feeds]]
name = "Test Wire"
url = "{server.url("/risk.xml")}"
tags = ["news"]

[[feeds]]
name = "Test Asia"
url = "{server.url("/asia.atom")}"

[[feeds]]
name = "Maintenance page"
url = "{server.url("/broken")}"

[[feeds]]
name = "Nobody home"
url = "http://127.0.0.1:9/feed.xml"

[[subscribers]]
name = "desk"
channel = "webhook"
url = "{server.url("/hook")}"

[[subscribers]]
name = "broken-desk"
channel = "webhook"
url = "{server.url("/hook-500")}"

[[subscribers]]
name = "unset-secret"
channel = "webhook"
url = "${{WARN_TEST_UNSET_HOOK}}"
""",
        encoding="utf-8",
    )
    return config


def warn(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("WARN_")}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "warn", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=180,
        check=False,
    )


def hook_posts(server: LocalServer, path: str) -> list[dict]:
    return [json.loads(r.body) for r in server.requests if r.method == "POST" and r.path == path]


def run_flow(tmp_path: Path, server: LocalServer, database_url: str) -> None:
    config = write_config(tmp_path, server, database_url)

    first = warn("poll", "--once", "--all", "--config", str(config))
    assert first.returncode == 0, first.stderr
    summary = first.stdout.strip().splitlines()[-1]
    assert summary.startswith("feeds: 2 ok, 2 failed; new items: 8; alerts: 8;"), summary
    # each problem is reported plainly, naming the feed or subscriber
    assert "'Maintenance page'" in first.stderr and "HTML" in first.stderr
    assert "'Nobody home'" in first.stderr
    assert "unset-secret" in first.stderr and "WARN_TEST_UNSET_HOOK" in first.stderr

    engine = make_engine(database_url)
    with Session(engine) as s:
        items = s.exec(select(Item)).all()
        assert len(items) == 8
        assert all("<" not in i.summary for i in items)  # HTML stripped
        assert {i.link for i in items} >= RISK_LINKS  # tracking parameters removed
        alerts = s.exec(select(Alert).where(Alert.subscriber == "desk")).all()
        assert {a.link for a in alerts} == RISK_LINKS
        feeds = {f.name: f for f in s.exec(select(Feed)).all()}
        assert feeds["Maintenance page"].last_error and feeds["Maintenance page"].failure_count == 1
        assert feeds["Nobody home"].last_error and feeds["Test Wire"].last_error is None
        broken = s.exec(select(Delivery).where(Delivery.subscriber == "broken-desk")).all()
        assert len(broken) == 4 and any(d.last_status_code == 500 for d in broken)
        assert all(d.status not in ("delivered", "dead") for d in broken)  # kept for retry
        assert all(d.next_attempt_at is not None for d in broken)
        attempts = s.exec(select(func.count()).select_from(DeliveryAttempt)).one()
        assert attempts >= 5  # 4 delivered to desk, at least one 500 from broken-desk

    posts = hook_posts(server, "/hook")
    assert len(posts) == 4
    for post in posts:
        assert {"alert_id", "subscriber", "risk", "categories", "reasons", "item"} <= post.keys()
        assert {"title", "link", "published", "feed"} <= post["item"].keys()
        assert post["subscriber"] == "desk" and post["risk"] >= 0.5 and post["reasons"]

    second = warn("poll", "--once", "--all", "--config", str(config))
    assert second.returncode == 0, second.stderr
    assert "new items: 0; alerts: 0;" in second.stdout
    assert len(hook_posts(server, "/hook")) == 4  # nothing sent twice
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Item)).one() == 8
        assert s.exec(select(func.count()).select_from(Alert)).one() == 8

    listing = warn("alerts", "--json", "--config", str(config))
    rows = [json.loads(line) for line in listing.stdout.splitlines()]
    assert len(rows) == 8
    assert {"alert_id", "subscriber", "link", "risk", "delivery_status"} <= rows[0].keys()
    assert {r["delivery_status"] for r in rows if r["subscriber"] == "desk"} == {"delivered"}
    feeds_out = warn("feeds", "--json", "--config", str(config))
    by_name = {r["name"]: r for r in map(json.loads, feeds_out.stdout.splitlines())}
    assert by_name["Test Wire"]["items"] == 5 and by_name["Test Wire"]["status"] == "ok"
    assert by_name["Maintenance page"]["status"] == "failing"
    assert {"name", "url", "status", "last_polled", "last_error", "items"} <= by_name[
        "Nobody home"
    ].keys()
    engine.dispose()


def test_poll_once_end_to_end_sqlite(tmp_path: Path, local_server: LocalServer) -> None:
    run_flow(tmp_path, local_server, f"sqlite:///{tmp_path / 'warn.db'}")


@pytest.mark.postgres
def test_poll_once_end_to_end_postgres(
    tmp_path: Path, local_server: LocalServer, pg_url: str
) -> None:
    run_flow(tmp_path, local_server, pg_url)
