"""Mirror of the Dockerfile without Docker: build the wheel, install it apart from the source
tree, and run `warn` from it (shipped model and migrations must come from the wheel)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import DATA, REPO, LocalServer


@pytest.mark.slow
def test_wheel_installs_and_runs(tmp_path: Path, local_server: LocalServer) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("warn-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "classifiers/warn-risk.skops" in names
    assert "warn/_alembic/env.py" in names and any(
        n.startswith("warn/_alembic/versions/") for n in names
    )

    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    run_dir = tmp_path / "data"  # like the image: not the source tree
    run_dir.mkdir()
    config = run_dir / "feeds.toml"
    local_server.serve_file("/risk.xml", DATA / "e2e" / "risk_news.xml")
    config.write_text(
        f'[service]\nallow_networks = ["127.0.0.0/8"]\n'
        f'[[feeds]]\nname = "Test Wire"\nurl = "{local_server.url("/risk.xml")}"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARN_")}
    env |= {
        "PYTHONPATH": str(site),
        "WARN_CONFIG": str(config),
        "WARN_DATABASE_URL": f"sqlite:///{run_dir / 'warn.db'}",
    }
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import warn, classifiers; print(warn.__file__, classifiers.__file__)",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=run_dir,
        check=True,
    )
    assert str(site) in where.stdout and str(REPO) not in where.stdout
    outputs = {}
    for args in (["db", "upgrade"], ["poll", "--once"], ["health"]):
        result = subprocess.run(
            [sys.executable, "-m", "warn", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=run_dir,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, (args, result.stderr)
        outputs[args[0]] = result.stdout
    assert "new items: 5;" in outputs["poll"], outputs["poll"]
    assert outputs["health"].strip() == "ok"
