"""The ``warn`` command line.  Settings are built here, once, and passed down (see warn/app.py).

Exit codes: 0 ok, 1 the run broke (database, model, ...), 2 bad usage or configuration.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import click

from warn import __version__
from warn.app import App, pass_app
from warn.errors import ConfigError, WarnError

log = logging.getLogger("warn")


def _default_config() -> str:
    return os.environ.get("WARN_CONFIG", "feeds.toml")


def _setup_logging(verbose: int) -> None:
    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose == 1 else logging.WARNING
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


_lazy_groups: dict[click.Group, dict[str, str]] = {}


def _load(spec: str) -> click.Command:
    module, _, attr = spec.partition(":")
    command = getattr(importlib.import_module(module), attr)
    assert isinstance(command, click.Command)
    return command


class _LazyGroup(click.Group):
    """A group whose extra subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_lazy_groups.get(self, {})})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = _lazy_groups.get(self, {}).get(cmd_name)
        return _load(spec) if spec else super().get_command(ctx, cmd_name)


class _Group(_LazyGroup):
    """Turns warn's own errors into one clear line and an exit code instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(2)
        except WarnError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=_default_config,
    show_default="./feeds.toml or $WARN_CONFIG",
    help="The configuration file.",
)
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.version_option(__version__, prog_name="warn")
@click.pass_context
def cli(ctx: click.Context, config_path: Path, verbose: int) -> None:
    """warn: atrocity early-warning alerts from news and NGO feeds."""
    _setup_logging(verbose)
    ctx.obj = App(config_path=config_path, environ=dict(os.environ))


def config_option(f: Any) -> Any:
    """``--config FILE`` on every subcommand too (``warn poll --config x.toml``)."""

    def set_config(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
        if value is not None:
            app = ctx.find_object(App)
            if app is not None:
                app.config_path = value

    return click.option(
        "--config",
        "config_override",
        type=click.Path(dir_okay=False, path_type=Path),
        expose_value=False,
        callback=set_config,
        is_eager=True,
        help="The configuration file (default ./feeds.toml or $WARN_CONFIG).",
    )(f)


def _now() -> datetime:
    return datetime.now(UTC)


# --- service ------------------------------------------------------------------------------


@cli.command()
@config_option
@pass_app
def run(app: App) -> None:
    """Run the service: poll due feeds, score, alert, deliver; until SIGINT/SIGTERM."""
    from warn.scheduler import run_service

    if log.getEffectiveLevel() > logging.INFO:
        logging.getLogger("warn").setLevel(logging.INFO)
    run_service(app)


@cli.command()
@config_option
@click.option("--once", is_flag=True, required=True, help="Run exactly one cycle and exit.")
@click.option("--all", "all_feeds", is_flag=True, help="Poll every enabled feed, due or not.")
@pass_app
def poll(app: App, once: bool, all_feeds: bool) -> None:
    """Run one cycle over the due feeds (or --all), deliver, print a one-line summary."""
    from warn.pipeline import prepare, run_cycle

    prepare(app, now=_now())
    report = run_cycle(app, now=_now(), all_feeds=all_feeds)
    for result in report.feeds:
        if result.error:
            click.echo(f"feed {result.feed!r} failed: {result.error}", err=True)
    click.echo(str(report))


@cli.command("check-config")
@config_option
@pass_app
def check_config(app: App) -> None:
    """Validate the configuration; print every problem and exit non-zero if there is one."""
    config = app.config  # raises ConfigError (exit 2) listing every problem
    skipped = app.subscribers.skipped
    for line in skipped:
        click.echo(f"warning: {line}")
    click.echo(
        f"{app.config_path}: ok ({len(config.feeds)} feeds, "
        f"{len(config.subscribers) - len(skipped)} of {len(config.subscribers)} subscribers active)"
    )


@cli.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@config_option
@pass_app
def db_upgrade(app: App) -> None:
    """Apply all schema migrations (warn run does this on start too)."""
    from warn.store.db import current_revision, redact

    app.migrate()
    click.echo(f"{redact(str(app.engine.url))}: at revision {current_revision(app.engine)}")


@cli.command()
@config_option
@pass_app
def health(app: App) -> None:
    """Exit 0 when the service looks alive: database migrated and feeds polled lately."""
    from warn.store.db import check_schema
    from warn.store.queries import last_poll_at

    check_schema(app.engine)
    config = app.config
    enabled = [f for f in config.feeds if f.enabled]
    if enabled:
        slack = max(f.interval for f in enabled) + 2 * config.service.tick + config.fetch.deadline
        last = last_poll_at(app.engine)
        if last is None or _now() - last > slack:
            click.echo(f"unhealthy: no feed polled since {last or 'start'}", err=True)
            sys.exit(1)
    click.echo("ok")


# --- reading ------------------------------------------------------------------------------


@cli.command()
@config_option
@click.option(
    "--input",
    "input_file",
    type=click.File("r", encoding="utf-8"),
    default="-",
    help="JSON lines {id, title, summary} or {id, text}; default stdin.",
)
@click.option(
    "--output",
    "output_file",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="JSON lines {id, risk, categories, reasons}; default stdout.",
)
@click.option("--model", "model_path", type=click.Path(dir_okay=False), help="Another artifact.")
@click.option("--batch", default=512, show_default=True, help="Items scored per batch.")
def score(input_file: IO[str], output_file: IO[str], model_path: str | None, batch: int) -> None:
    """Score JSON lines offline with the shipped model (no config or database needed)."""
    from warn.model import load_classifier
    from warn.scoring import score_lines

    classifier = load_classifier(model_path)
    for line in score_lines(classifier, input_file, batch=batch):
        output_file.write(line + "\n")


def _emit(rows: list[dict[str, Any]], as_json: bool, columns: list[str]) -> None:
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False, default=str))
        return
    from warn.table import format_table

    click.echo(format_table(rows, columns))


@cli.group(cls=_LazyGroup, invoke_without_command=True)
@config_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@pass_app
@click.pass_context
def feeds(ctx: click.Context, app: App, as_json: bool) -> None:
    """List feeds with their health (ok, failing, silent, retired)."""
    if ctx.invoked_subcommand is not None:
        return
    from warn.store.queries import feed_rows

    app.migrate()
    rows = feed_rows(app.engine, app.config, now=_now())
    _emit(rows, as_json, ["name", "status", "items", "last_polled", "health", "url"])


@cli.command()
@config_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--limit", default=50, show_default=True, help="How many, newest first.")
@click.option("--subscriber", help="Only this subscriber's alerts.")
@pass_app
def alerts(app: App, as_json: bool, limit: int, subscriber: str | None) -> None:
    """List recent alerts and how their delivery went."""
    from warn.store.queries import alert_rows

    app.migrate()
    rows = alert_rows(app.engine, limit=limit, subscriber=subscriber)
    _emit(rows, as_json, ["created_at", "subscriber", "risk", "delivery_status", "title"])


@cli.command()
@config_option
@click.option(
    "--since", default="7d", show_default=True, help="How far back to replay, e.g. '24h', '30d'."
)
@pass_app
def backtest(app: App, since: str) -> None:
    """Replay stored scores through this config: alerts it would send vs. alerts sent."""
    from warn.backtest import backtest as run_backtest
    from warn.config import parse_duration

    try:
        window = parse_duration(since)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--since") from e
    config = app.config
    subscribers = tuple(s for s in config.subscribers if s.enabled)  # secrets are not needed here
    rows = run_backtest(app.engine, app.thresholds, subscribers, _now() - window)
    items = rows[0].items if rows else 0
    click.echo(f"{items} scored items in the last {since}")
    _emit(
        [
            {"subscriber": r.subscriber, "would_send": r.would_send, "sent": r.did_send}
            for r in rows
        ],
        False,
        ["subscriber", "would_send", "sent"],
    )


# --- commands from other modules ---
# Registered by name and imported only when used, so `warn poll` does not pay for the imports
# of `warn train` (scikit-learn) or of the delivery tooling (click's lazy-group pattern).
_LAZY: dict[str, str] = {
    "train": "classifiers.commands:train",
    "evaluate": "classifiers.commands:evaluate",
    "deliveries": "warn.deliver.commands:deliveries",
    "test-alert": "warn.deliver.commands:test_alert",
}
_LAZY_FEEDS: dict[str, str] = {"add": "warn.discover:add"}
_lazy_groups[cli] = _LAZY
_lazy_groups[feeds] = _LAZY_FEEDS


def main() -> None:
    cli(prog_name="warn")
