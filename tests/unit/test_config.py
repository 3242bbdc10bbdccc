"""The config model: defaults, strictness, clear messages with key paths, env references."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import DATA, REPO
from warn.config import load_config, parse_config, parse_duration, resolve_subscribers
from warn.errors import ConfigError

CONFIGS = DATA / "configs"


def test_repo_feeds_toml_is_valid_and_large_enough() -> None:
    config = load_config(REPO / "feeds.toml", {})
    assert len(config.feeds) >= 20
    assert all(f.url.startswith(("http://", "https://")) for f in config.feeds)


def test_database_url_env_overrides(tmp_path: Path) -> None:
    config = load_config(REPO / "feeds.toml", {"WARN_DATABASE_URL": "sqlite:///other.db"})
    assert config.service.database_url == "sqlite:///other.db"


@pytest.mark.parametrize(
    "text,expected", [("30s", 30), ("15m", 900), ("2h", 7200), ("1d", 86400), (45, 45)]
)
def test_durations(text: str | int, expected: int) -> None:
    assert parse_duration(text) == timedelta(seconds=expected)


@pytest.mark.parametrize("bad", ["15", "fast", "-5m", "0s"])
def test_bad_durations_explain_the_format(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(bad)


def _invalid_cases() -> list[Path]:
    return sorted(CONFIGS.glob("invalid_*.toml"))


@pytest.mark.parametrize("path", _invalid_cases(), ids=lambda p: p.stem)
def test_invalid_configs_name_the_key(path: Path) -> None:
    """Each invalid file sits beside the messages it must produce (golden pairs)."""
    expected = [line for line in path.with_suffix(".expected").read_text().splitlines() if line]
    with pytest.raises(ConfigError) as info:
        load_config(path, {})
    assert len(info.value.problems) == len(expected), info.value.problems
    for want, got in zip(expected, info.value.problems, strict=True):
        assert want in got, f"{want!r} not in {got!r}"


def test_all_problems_reported_at_once() -> None:
    data = tomllib.loads(
        """
        [service]
        databse_url = "x"
        [[feeds]]
        name = "a"
        url = "ftp://x"
        interval = "soon"
        """
    )
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    text = "\n".join(info.value.problems)
    assert "service.databse_url: unknown key" in text
    assert "feeds[0].interval" in text and "feeds[0]" in text


def test_unset_secret_skips_only_that_subscriber() -> None:
    data = tomllib.loads(
        """
        [[subscribers]]
        name = "slack"
        channel = "slack"
        url = "${SLACK_WEBHOOK_URL}"
        [[subscribers]]
        name = "hook"
        channel = "webhook"
        url = "http://127.0.0.1:9000/${HOOK_PATH}"
        """
    )
    resolved = resolve_subscribers(parse_config(data), {"HOOK_PATH": "in"})
    assert [s.name for s in resolved.active] == ["hook"]
    assert resolved.active[0].url == "http://127.0.0.1:9000/in"
    assert len(resolved.skipped) == 1 and "SLACK_WEBHOOK_URL" in resolved.skipped[0]
