"""``warn deliveries ...`` and ``warn test-alert``: look into the outbox and act on it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click

from warn.app import App, pass_app


def _now() -> datetime:
    return datetime.now(UTC)


def _emit(rows: list[dict[str, Any]], as_json: bool, columns: list[str]) -> None:
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, default=str))
        return
    if not rows:
        click.echo("(none)")
        return
    widths = {c: min(max(len(c), *(len(str(r.get(c) or "")) for r in rows)), 60) for c in columns}
    click.echo("  ".join(c.upper().ljust(widths[c]) for c in columns).rstrip())
    for row in rows:
        cells = [str(row.get(c) if row.get(c) is not None else "")[: widths[c]] for c in columns]
        click.echo(
            "  ".join(
                cell.ljust(widths[c]) for cell, c in zip(cells, columns, strict=True)
            ).rstrip()
        )


@click.group()
def deliveries() -> None:
    """Inspect the delivery outbox; retry dead deliveries, replay alerts, re-enable subscribers."""


@deliveries.command("list")
@click.option(
    "--status",
    type=click.Choice(["pending", "held", "delivered", "failed", "dead", "folded"]),
    help="Only deliveries in this state.",
)
@click.option("--limit", default=50, show_default=True, help="How many, newest first.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@pass_app
def list_deliveries(app: App, status: str | None, limit: int, as_json: bool) -> None:
    """List deliveries, newest first."""
    from warn.deliver.manage import delivery_rows

    app.migrate()
    rows = delivery_rows(app.engine, status=status, limit=limit)
    columns = ["id", "status", "subscriber", "attempts", "next_attempt_at", "last_error", "title"]
    _emit(rows, as_json, columns)


@deliveries.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all-dead", is_flag=True, help="Every dead-lettered delivery.")
@pass_app
def retry(app: App, ids: tuple[int, ...], all_dead: bool) -> None:
    """Queue dead or failed deliveries again (same idempotency key, fresh retry schedule)."""
    from warn.deliver.manage import retry_deliveries

    if not ids and not all_dead:
        raise click.UsageError("give delivery IDs or --all-dead")
    app.migrate()
    n = retry_deliveries(app.engine, ids, all_dead=all_dead, now=_now())
    click.echo(f"{n} deliveries queued again; the worker sends them on its next pass")


@deliveries.command("replay")
@click.argument("alert_id")
@pass_app
def replay(app: App, alert_id: str) -> None:
    """Send an alert again, as a new delivery with a new idempotency key."""
    from warn.deliver.manage import replay_alert

    app.migrate()
    try:
        d = replay_alert(app.engine, alert_id, now=_now())
    except LookupError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"alert {alert_id} queued again as delivery {d.id} (webhook-id {d.idempotency_key})")


@deliveries.command("status")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@pass_app
def status(app: App, as_json: bool) -> None:
    """Each subscriber: active or DISABLED (and why), and its deliveries by state."""
    from warn.deliver.manage import subscriber_rows

    app.migrate()
    names = [s.name for s in app.subscribers.active]
    _emit(
        subscriber_rows(app.engine, names), as_json, ["subscriber", "state", "reason", "deliveries"]
    )


@deliveries.command("run")
@click.option("--tick", default=5.0, show_default=True, help="Longest pause between passes (s).")
@pass_app
def run_deliveries(app: App, tick: float) -> None:
    """Only drain the outbox, continuously (a delivery worker without polling); stop with
    SIGINT or SIGTERM.  Run one worker per database."""
    import signal
    import threading

    from warn.deliver.base import make_channels
    from warn.deliver.outbox import deliver_due
    from warn.deliver.worker import run_worker

    app.migrate()
    subscribers = list(app.subscribers.active)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with app.http_client() as client:
        channels = make_channels(subscribers, app.config, client, app.environ)
        click.echo(f"delivering to {len(channels)} subscribers", err=True)
        run_worker(
            lambda now: deliver_due(app.engine, channels, subscribers, now=now),
            stop=stop,
            tick=tick,
        )


@deliveries.command("enable")
@click.argument("subscriber")
@pass_app
def enable(app: App, subscriber: str) -> None:
    """Re-enable a subscriber disabled by a 410 Gone answer; its queued alerts then flow."""
    from warn.deliver.manage import enable_subscriber

    app.migrate()
    if enable_subscriber(app.engine, subscriber, now=_now()):
        click.echo(f"subscriber {subscriber!r} enabled")
    else:
        click.echo(f"subscriber {subscriber!r} was not disabled")


@click.command("test-alert")
@click.argument("subscriber")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for the outcome.")
@pass_app
def test_alert(app: App, subscriber: str, timeout: float) -> None:
    """Send a clearly marked test alert to SUBSCRIBER through the outbox and report the outcome."""
    from warn.deliver.base import make_channels
    from warn.deliver.manage import send_test_alert, subscriber_rows

    app.migrate()
    sub = next((s for s in app.subscribers.active if s.name == subscriber), None)
    if sub is None:
        known = ", ".join(s.name for s in app.subscribers.active) or "none"
        raise click.ClickException(f"no active subscriber {subscriber!r} (active: {known})")
    row = next(r for r in subscriber_rows(app.engine, [sub.name]) if r["subscriber"] == sub.name)
    if row["state"] == "DISABLED":
        raise click.ClickException(
            f"subscriber {subscriber!r} is disabled ({row['reason']}); "
            f"run `warn deliveries enable {subscriber}` first"
        )
    with app.http_client() as client:
        channel = make_channels([sub], app.config, client, app.environ).get(sub.name)
        if channel is None:
            raise click.ClickException(
                f"subscriber {subscriber!r} has no usable channel; see the log"
            )
        outcome = send_test_alert(app.engine, channel, sub, clock=_now, timeout=timeout)
    click.echo(outcome.message)
    if not outcome.ok:
        raise SystemExit(1)
