"""Pure rendering of alerts into channel payloads: an ``AlertView`` in, a payload out.

Shared by every channel (webhook JSON, Slack Block Kit, email text + HTML); no I/O here.
Slack payloads stay inside Slack's documented Block Kit limits (see ``SLACK_LIMITS``);
every text that could grow is cut with an ellipsis rather than rejected by Slack.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

#: Slack's documented Block Kit limits that our messages could reach.
SLACK_LIMITS: Mapping[str, int] = {
    "blocks": 50,
    "header_text": 150,
    "section_text": 3000,
    "section_fields": 10,
    "field_text": 2000,
    "context_elements": 10,
    "context_text": 3000,
    "fallback_text": 3000,  # Slack truncates at 40,000; we keep notifications short
    "block_id": 255,
}
SUMMARY_TOP = 5
DIGEST_MAX_LINES = 200
BAR_WIDTH = 10
ELLIPSIS = "…"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class AlertView:
    """Everything a channel shows about one alert; built from the stored Alert row."""

    alert_id: str
    kind: str  # item | summary | digest | health | recovery | test
    subscriber: str
    created_at: datetime
    risk: float = 0.0
    categories: Mapping[str, float] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    triggered_by: tuple[str, ...] = ()
    title: str = ""
    link: str | None = None
    feed: str | None = None
    published: datetime | None = None
    countries: tuple[str, ...] = ()
    body: Mapping[str, Any] = field(default_factory=dict)

    @property
    def test(self) -> bool:
        return self.kind == "test"

    @property
    def grouped(self) -> bool:
        """A summary or digest: it carries other alerts in ``body['alerts']``."""
        return self.kind in ("summary", "digest")

    def top_categories(self, n: int = 3) -> list[tuple[str, float]]:
        ranked = sorted(self.categories.items(), key=lambda kv: (-kv[1], kv[0]))
        return ranked[:n]


# --- helpers -----------------------------------------------------------------------------


def cut(text: str, limit: int) -> str:
    """``text`` no longer than ``limit`` characters, ending in an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def one_line(text: str, empty: str = "(untitled)") -> str:
    """Whitespace (newlines included) collapsed to single spaces; ``empty`` if nothing is left."""
    return " ".join(text.split()) or empty


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, or None."""
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")


def parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def risk_bar(risk: float, width: int = BAR_WIDTH) -> str:
    filled = round(min(max(risk, 0.0), 1.0) * width)
    return "█" * filled + "░" * (width - filled)


def category_label(name: str) -> str:
    return name.replace("_", " ")


def categories_text(view: AlertView, n: int = 3) -> str:
    return ", ".join(f"{category_label(k)} {v:.2f}" for k, v in view.top_categories(n)) or "none"


def headline(view: AlertView) -> str:
    """One line naming the alert, used as Slack fallback text and email subject."""
    prefix = "[TEST] " if view.test else ""
    if view.grouped:
        return prefix + summary_headline(view)
    if view.kind in ("health", "recovery"):
        return prefix + one_line(view.title, f"Source {view.kind}")
    return f"{prefix}Risk {view.risk:.2f}: {one_line(view.title)}"


def summary_headline(view: AlertView) -> str:
    entries = summary_entries(view)
    top = sorted(entries, key=lambda e: -e.risk)[:SUMMARY_TOP]
    noun = "alert" if len(entries) == 1 else "alerts"
    if view.kind == "digest":
        return f"Digest: {len(entries)} {noun}"
    titles = "; ".join(cut(one_line(e.title), 80) for e in top)
    return f"{len(entries)} more {noun}, top {len(top)}: {titles}"


def summary_entries(view: AlertView) -> list[AlertView]:
    """The alerts a summary or digest carries, as views (newest first as stored)."""
    return [view_from_payload(entry) for entry in view.body.get("alerts", [])]


# --- webhook JSON --------------------------------------------------------------------------


def webhook_payload(view: AlertView) -> dict[str, Any]:
    """The public JSON contract of signed webhooks (docs/delivery.md)."""
    payload: dict[str, Any] = {
        "type": f"alert.{view.kind}",
        "alert_id": view.alert_id,
        "kind": view.kind,
        "subscriber": view.subscriber,
        "test": view.test,
        "risk": round(view.risk, 4),
        "categories": {k: round(v, 4) for k, v in view.categories.items()},
        "reasons": list(view.reasons),
        "triggered_by": list(view.triggered_by),
        "countries": list(view.countries),
        "created_at": iso(view.created_at),
        "item": {
            "title": view.title if not view.grouped else headline(view),
            "link": view.link,
            "published": iso(view.published),
            "feed": view.feed,
        },
    }
    if view.grouped:
        payload["count"] = len(view.body.get("alerts", []))
        payload["alerts"] = list(view.body.get("alerts", []))
    elif view.body:
        payload["body"] = dict(view.body)
    return payload


def view_from_payload(entry: Mapping[str, Any]) -> AlertView:
    """Inverse of ``webhook_payload`` for the fields a summary entry keeps."""
    item = entry.get("item") or {}
    return AlertView(
        alert_id=str(entry.get("alert_id", "")),
        kind=str(entry.get("kind", "item")),
        subscriber=str(entry.get("subscriber", "")),
        created_at=parse_iso(entry.get("created_at")) or EPOCH,
        risk=float(entry.get("risk", 0.0)),
        categories=dict(entry.get("categories", {})),
        reasons=tuple(entry.get("reasons", ())),
        triggered_by=tuple(entry.get("triggered_by", ())),
        title=str(item.get("title", "")),
        link=item.get("link"),
        feed=item.get("feed"),
        published=parse_iso(item.get("published")),
        countries=tuple(entry.get("countries", ())),
    )


# --- Slack Block Kit -----------------------------------------------------------------------


def mrkdwn_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_link(url: str | None, text: str) -> str:
    label = mrkdwn_escape(text).replace("|", "¦")
    if not url or any(c in url for c in "<>| "):
        return label
    return f"<{url}|{label}>"


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(text, 2999)}}


def _context(*texts: str) -> dict[str, Any]:
    elements = [{"type": "mrkdwn", "text": cut(t, 2999)} for t in texts if t][:10]
    return {"type": "context", "elements": elements}


def _header(text: str) -> dict[str, Any]:
    plain = {"type": "plain_text", "text": cut(one_line(text), 150), "emoji": True}
    return {"type": "header", "text": plain}


def slack_item_line(view: AlertView) -> str:
    where = " · ".join(p for p in (view.feed, ", ".join(view.countries)) if p)
    link = slack_link(view.link, cut(one_line(view.title), 200))
    return f"*{view.risk:.2f}* `{risk_bar(view.risk)}` {link}" + (
        f" ({mrkdwn_escape(where)})" if where else ""
    )


def slack_payload(view: AlertView) -> dict[str, Any]:
    """A Block Kit message (``text`` is the notification fallback)."""
    if view.grouped:
        blocks = _slack_summary_blocks(view)
    elif view.kind in ("health", "recovery"):
        blocks = _slack_notice_blocks(view)
    else:
        blocks = _slack_item_blocks(view)
    return {"text": cut(headline(view), SLACK_LIMITS["fallback_text"]), "blocks": blocks[:50]}


def _slack_item_blocks(view: AlertView) -> list[dict[str, Any]]:
    title = ("[TEST] " if view.test else "") + (view.title or "(untitled)")
    published = iso(view.published) or "unknown"
    meta = [f"*Source:* {mrkdwn_escape(view.feed or 'unknown')}", f"*Published:* {published}"]
    if view.countries:
        meta.append(f"*Countries:* {mrkdwn_escape(', '.join(view.countries))}")
    fields = [
        {"type": "mrkdwn", "text": f"*Risk*\n{view.risk:.2f} `{risk_bar(view.risk)}`"},
        {"type": "mrkdwn", "text": cut(f"*Top categories*\n{categories_text(view)}", 1999)},
    ]
    blocks: list[dict[str, Any]] = [
        _header(title),
        _section(f"*{slack_link(view.link, cut(one_line(view.title), 500))}*\n" + "  ".join(meta)),
        {"type": "section", "fields": fields},
    ]
    if view.reasons:
        phrases = ", ".join(f"“{mrkdwn_escape(r)}”" for r in view.reasons)
        blocks.append(_section(f"*Why:* {phrases}"))
    trigger = ", ".join(category_label(t) for t in view.triggered_by) or "risk"
    blocks.append(_context(f"alert `{view.alert_id}` · crossed: {mrkdwn_escape(trigger)}"))
    if view.test:
        blocks.append(_context("This is a test alert sent by `warn test-alert`; no action needed."))
    return blocks


def _slack_notice_blocks(view: AlertView) -> list[dict[str, Any]]:
    details = "\n".join(
        f"*{mrkdwn_escape(str(k))}:* {mrkdwn_escape(str(v))}" for k, v in view.body.items()
    )
    blocks = [_header(headline(view))]
    if view.feed or details:
        blocks.append(_section(f"*Feed:* {mrkdwn_escape(view.feed or 'unknown')}\n{details}"))
    blocks.append(_context(f"alert `{view.alert_id}`"))
    return blocks


def _slack_summary_blocks(view: AlertView) -> list[dict[str, Any]]:
    entries = summary_entries(view)
    top = sorted(entries, key=lambda e: -e.risk)[:SUMMARY_TOP]
    noun = "alert" if len(entries) == 1 else "alerts"
    blocks = [
        _header(f"{len(entries)} more {noun} (folded to respect the hourly limit)"),
        _section(f"*Top {len(top)} by risk:*\n" + "\n".join(slack_item_line(e) for e in top)),
    ]
    counts = _category_counts(entries)
    if counts:
        blocks.append(
            _context("By category: " + ", ".join(f"{category_label(k)} {n}" for k, n in counts))
        )
    blocks.append(
        _context(f"summary `{view.alert_id}` · all {len(entries)} are in the webhook/CLI history")
    )
    return blocks


def _category_counts(entries: Sequence[AlertView]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for e in entries:
        top = e.top_categories(1)
        if top:
            counts[top[0][0]] = counts.get(top[0][0], 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


# --- email ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EmailContent:
    subject: str
    text: str
    html: str


def email_content(view: AlertView) -> EmailContent:
    subject = cut(
        ("[warn] " if not view.test else "[warn TEST] ") + headline(view).removeprefix("[TEST] "),
        200,
    )
    if view.grouped:
        groups = digest_groups(summary_entries(view))
        return EmailContent(subject, _digest_text(view, groups), _digest_html(view, groups))
    return EmailContent(subject, _item_text(view), _item_html(view))


def _item_lines(view: AlertView) -> list[str]:
    return [
        f"Risk: {view.risk:.2f} {risk_bar(view.risk)}",
        f"Source: {view.feed or 'unknown'}",
        f"Published: {iso(view.published) or 'unknown'}",
        f"Countries: {', '.join(view.countries) or 'not tagged'}",
        f"Top categories: {categories_text(view)}",
        f"Why: {'; '.join(view.reasons) or 'no phrases recorded'}",
    ]


def _item_text(view: AlertView) -> str:
    lines = [
        ("TEST ALERT: no action needed.\n" if view.test else "") + (view.title or "(untitled)")
    ]
    lines += [view.link or "(no link)", "", *_item_lines(view), "", f"Alert {view.alert_id}"]
    return "\n".join(lines) + "\n"


def _item_html(view: AlertView) -> str:
    e = html.escape
    title = e(view.title or "(untitled)")
    heading = f'<a href="{e(view.link)}">{title}</a>' if view.link else title
    rows = "".join(f"<li>{e(line)}</li>" for line in _item_lines(view))
    test = "<p><strong>TEST ALERT: no action needed.</strong></p>" if view.test else ""
    foot = f"<p>Alert {e(view.alert_id)}</p>"
    return f"<html><body>{test}<h2>{heading}</h2><ul>{rows}</ul>{foot}</body></html>"


def digest_groups(entries: Sequence[AlertView]) -> list[tuple[str, str, list[AlertView]]]:
    """Group by country then top category; groups sorted by name, alerts newest first."""
    groups: dict[tuple[str, str], list[AlertView]] = {}
    for entry in entries:
        top = entry.top_categories(1)
        category = top[0][0] if top else "uncategorised"
        for country in entry.countries or ("(no country)",):
            groups.setdefault((country, category), []).append(entry)
    out = []
    for (country, category), items in sorted(groups.items()):
        items.sort(key=lambda v: v.published or v.created_at, reverse=True)
        out.append((country, category, items))
    return out


def _digest_text(view: AlertView, groups: list[tuple[str, str, list[AlertView]]]) -> str:
    lines = [headline(view), ""]
    for country, category, items in groups:
        lines.append(f"== {country} · {category_label(category)} ({len(items)}) ==")
        for v in items[:DIGEST_MAX_LINES]:
            lines.append(
                f"- {v.risk:.2f} {v.title} [{v.feed or 'unknown'}] {v.link or ''}".rstrip()
            )
        lines.append("")
    return "\n".join(lines)


def _digest_html(view: AlertView, groups: list[tuple[str, str, list[AlertView]]]) -> str:
    e = html.escape
    parts = [f"<html><body><h2>{e(headline(view))}</h2>"]
    for country, category, items in groups:
        parts.append(f"<h3>{e(country)} · {e(category_label(category))} ({len(items)})</h3><ul>")
        for v in items[:DIGEST_MAX_LINES]:
            title = f'<a href="{e(v.link)}">{e(v.title)}</a>' if v.link else e(v.title)
            parts.append(f"<li>{v.risk:.2f} {title} <small>{e(v.feed or 'unknown')}</small></li>")
        parts.append("</ul>")
    parts.append("</body></html>")
    return "".join(parts)
