"""A full ``warn poll --once --all`` cycle over the hostile corpus: good feeds are stored, bad
ones carry a clear recorded error, and the command finishes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from tests.integration.hostile_server import HostileServer, case_path, expectations
from tests.integration.test_hostile import MISBEHAVING
from warn.store.db import make_engine
from warn.store.tables import Feed, Item


@pytest.mark.slow
def test_full_cycle_over_the_hostile_corpus(hostile_server: HostileServer, tmp_path: Path) -> None:
    cases = expectations()
    feeds = {name: case_path(name, case) for name, case in cases.items()}
    feeds.update({"misbehaving" + p.replace("/", "_"): p for p in MISBEHAVING})
    blocks = "".join(
        f'\n[[feeds]]\nname = "{name}"\nurl = "{hostile_server.url(path)}"\n'
        for name, path in feeds.items()
    )
    db = tmp_path / "warn.db"
    config = tmp_path / "feeds.toml"
    config.write_text(
        f'[service]\ndatabase_url = "sqlite:///{db}"\nallow_networks = ["127.0.0.0/8"]\n'
        "max_concurrency = 16\nper_host_concurrency = 16\n"
        '[fetch]\nconnect_timeout = "2s"\nread_timeout = "1.5s"\ndeadline = "3s"\n' + blocks
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "warn", "poll", "--once", "--all", "--config", str(config)],
        check=False, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert elapsed < 200

    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as s:
        rows = {f.name: f for f in s.exec(select(Feed)).all()}
        counts = dict(s.exec(select(Item.feed_id, func.count()).group_by(Item.feed_id)).all())  # type: ignore[arg-type]
    engine.dispose()
    assert set(rows) == set(feeds)
    for name, case in cases.items():
        row = rows[name]
        outcome = case["outcome"]
        if "error" in outcome:
            assert row.status == "failing" and row.last_error, name
            assert outcome["message"].split(";")[0] in row.last_error, (name, row.last_error)
        else:
            assert row.status == "ok" and row.last_error is None, (name, row.last_error)
            assert counts.get(row.id, 0) >= 1, name
    for name in feeds:
        if name.startswith("misbehaving"):
            row = rows[name]
            assert row.last_error and row.status in ("failing", "retired"), (name, row.status)
    assert rows["misbehaving_gone"].status == "retired"
