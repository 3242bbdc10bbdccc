"""Helpers for the delivery tests: a Slack Block Kit limit validator, test subscribers and
alert seeding.  (Plain functions; fixtures live in the test modules.)"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from warn.config import SubscriberConfig
from warn.deliver.outbox import enqueue_alert
from warn.store.tables import Delivery

T0 = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)
SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()

# Slack's documented limits (docs.slack.dev, Block Kit reference), checked independently of
# warn.core.render's own table so a wrong constant there cannot hide a violation.
MAX_BLOCKS = 50
TEXT_BLOCKS = {"header", "section", "context", "divider", "actions", "image", "rich_text"}


def slack_problems(payload: dict[str, Any]) -> list[str]:
    """Every way ``payload`` breaks Slack's message / Block Kit limits (empty list: valid)."""
    out: list[str] = []
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        out.append("fallback `text` missing or empty")
    elif len(text) > 40_000:
        out.append(f"text has {len(text)} chars > 40000")
    blocks = payload.get("blocks", [])
    if not isinstance(blocks, list) or not blocks:
        out.append("blocks missing")
        return out
    if len(blocks) > MAX_BLOCKS:
        out.append(f"{len(blocks)} blocks > {MAX_BLOCKS}")
    for i, block in enumerate(blocks):
        out += [f"block {i} ({block.get('type')}): {p}" for p in _block_problems(block)]
    return out


def _text_problems(obj: Any, limit: int, *, plain_only: bool = False) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        return [f"not a text object: {obj!r}"[:200]]
    if plain_only and obj["type"] != "plain_text":
        return ["must be plain_text"]
    text = obj.get("text", "")
    if not isinstance(text, str) or not text:
        return ["empty text"]
    return [f"text {len(text)} chars > {limit}"] if len(text) > limit else []


def _block_problems(block: dict[str, Any]) -> list[str]:
    kind = block.get("type")
    out: list[str] = []
    if kind not in TEXT_BLOCKS:
        return [f"unknown block type {kind!r}"]
    if len(str(block.get("block_id", ""))) > 255:
        out.append("block_id > 255")
    if kind == "header":
        out += _text_problems(block.get("text"), 150, plain_only=True)
    elif kind == "section":
        if "text" not in block and "fields" not in block:
            out.append("section needs text or fields")
        if "text" in block:
            out += _text_problems(block["text"], 2999)  # "less than 3000"
        fields = block.get("fields", [])
        if len(fields) > 10:
            out.append(f"{len(fields)} fields > 10")
        for f in fields:
            out += _text_problems(f, 2000)
    elif kind == "context":
        elements = block.get("elements", [])
        if not 1 <= len(elements) <= 10:
            out.append(f"context has {len(elements)} elements (1..10)")
        for e in elements:
            out += _text_problems(e, 3000)
    return out


def subscriber(name: str, channel: str = "webhook", **kw: Any) -> SubscriberConfig:
    if channel in ("webhook", "slack"):
        kw.setdefault("url", "http://127.0.0.1:9/none")
    if channel == "email":
        kw.setdefault("to", ["ops@example.org"])
    return SubscriberConfig(name=name, channel=channel, **kw)  # type: ignore[arg-type]


def seed(
    engine: Engine,
    sub: SubscriberConfig,
    n: int,
    *,
    now: datetime = T0,
    start: int = 0,
    kind: str = "item",
    **kw: Any,
) -> list[str]:
    """Enqueue ``n`` alerts (titles 'alert <i>') in one transaction; return their ids."""
    ids = []
    with Session(engine) as session:
        for i in range(start, start + n):
            alert = enqueue_alert(
                session,
                subscriber=sub,
                kind=kind,
                now=now,
                risk=kw.get("risk", round(0.5 + (i % 50) / 100, 2)),
                categories=kw.get("categories", {"mass_violence": 0.8, "displacement": 0.3}),
                reasons=kw.get("reasons", ["were killed", "mass grave"]),
                triggered_by=("risk",),
                title=f"alert {i}",
                link=f"https://news.example.org/{i}",
            )
            assert alert is not None
            ids.append(alert.id)
        session.commit()
    return ids


def statuses(engine: Engine, subscriber_name: str | None = None) -> dict[str, int]:
    with Session(engine) as session:
        query = select(Delivery)
        if subscriber_name:
            query = query.where(Delivery.subscriber == subscriber_name)
        out: dict[str, int] = {}
        for d in session.exec(query):
            out[d.status] = out.get(d.status, 0) + 1
        return out


def max_in_window(times: Sequence[float], window: float) -> int:
    """Largest number of events inside any window of ``window`` seconds."""
    best, j = 0, 0
    ordered = sorted(times)
    for i, t in enumerate(ordered):
        while ordered[j] < t - window + 1e-9:
            j += 1
        best = max(best, i - j + 1)
    return best


def flatten(items: Iterable[Iterable[str]]) -> list[str]:
    return [x for group in items for x in group]
