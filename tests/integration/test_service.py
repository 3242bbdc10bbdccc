"""`warn run` as a real process: it migrates, polls the configured feeds, delivers, and stops
cleanly on SIGTERM and SIGINT.  Plus the CLI's handling of bad configuration."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from tests.conftest import DATA, REPO, LocalServer, Route
from warn.store.db import make_engine
from warn.store.tables import Feed, Item


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("WARN_", "SLACK_", "SMTP_"))}


def _config(tmp_path: Path, server: LocalServer) -> Path:
    server.serve_file("/risk.xml", DATA / "e2e" / "risk_news.xml")
    server.routes["/hook"] = Route(200, b"ok")
    path = tmp_path / "feeds.toml"
    path.write_text(
        f"""
[service]
database_url = "sqlite:///{tmp_path / "warn.db"}"
allow_networks = ["127.0.0.0/8"]
tick = "1s"
delivery_tick = "1s"

[[feeds]]
name = "Test Wire"
url = "{server.url("/risk.xml")}"

[[subscribers]]
name = "desk"
channel = "webhook"
url = "{server.url("/hook")}"
min_risk = 0.5
""",
        encoding="utf-8",
    )
    return path


def _wait_for(predicate, timeout: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_run_polls_delivers_and_stops_cleanly(
    tmp_path: Path, local_server: LocalServer, sig: signal.Signals
) -> None:
    config = _config(tmp_path, local_server)
    proc = subprocess.Popen(
        [sys.executable, "-m", "warn", "run", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        posted = lambda: sum(r.path == "/hook" for r in local_server.requests) >= 3  # noqa: E731
        assert _wait_for(posted), "no alert reached the webhook"
        proc.send_signal(sig)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopping after the current step" in err and "warn stopped" in err
    engine = make_engine(f"sqlite:///{tmp_path / 'warn.db'}")
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Item)).one() == 5
        feed = s.exec(select(Feed)).one()
        assert feed.status == "ok" and feed.next_poll_at is not None
    engine.dispose()


def test_check_config_reports_every_problem_and_exits_2(tmp_path: Path) -> None:
    bad = DATA / "configs" / "invalid_values.toml"
    result = subprocess.run(
        [sys.executable, "-m", "warn", "check-config", "--config", str(bad)],
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
    )
    assert result.returncode == 2
    for key in (
        "thresholds.min_risk",
        "feeds[0].url",
        "feeds[0].interval",
        "subscribers[0].channel",
    ):
        assert key in result.stderr


def test_check_config_on_repo_default_warns_about_unset_secrets() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "warn", "check-config", "--config", str(REPO / "feeds.toml")],
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "SLACK_WEBHOOK_URL" in result.stdout and "ok (26 feeds" in result.stdout


def test_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "warn", "poll", "--once", "--config", str(tmp_path / "nope.toml")],
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
    )
    assert result.returncode == 2
    assert "cannot read the config file" in result.stderr and "Traceback" not in result.stderr


def test_score_contract_offline(tmp_path: Path) -> None:
    lines = [
        {
            "id": "a",
            "title": "Militia burns village, killing 30 civilians",
            "summary": "Survivors fled.",
        },
        {"id": "b", "text": "Tech company unveils a new phone with a larger screen"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "warn", "score", "--input", str(source), "--output", str(out)],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    for r in rows:
        assert set(r) == {"id", "risk", "categories", "reasons"}
        assert len(r["categories"]) == 7 and 0.0 <= r["risk"] <= 1.0
    assert rows[0]["risk"] > rows[1]["risk"]
