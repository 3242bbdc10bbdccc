from __future__ import annotations

import ast
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.delivery_support import slack_problems
from warn.core.render import (
    AlertView,
    email_content,
    risk_bar,
    slack_payload,
    webhook_payload,
)
from warn.types import CATEGORIES

T0 = datetime(2030, 1, 1, 12, tzinfo=UTC)
CORE = Path(__file__).resolve().parents[2] / "warn" / "core"
FORBIDDEN = {"httpx", "sqlmodel", "sqlalchemy", "smtplib", "apscheduler", "requests", "socket"}


def item(**kw) -> AlertView:
    base = {
        "alert_id": "a1",
        "kind": "item",
        "subscriber": "ops",
        "created_at": T0,
        "risk": 0.87,
        "categories": {"mass_violence": 0.91, "displacement": 0.4, "detention": 0.1},
        "reasons": ("civilians were killed", "mass grave"),
        "triggered_by": ("risk", "mass_violence"),
        "title": "Village attacked",
        "link": "https://news.example.org/a?x=1&y=2",
        "feed": "Example News",
        "published": datetime(2030, 1, 1, 11, tzinfo=UTC),
        "countries": ("SD",),
    }
    base.update(kw)
    return AlertView(**base)  # type: ignore[arg-type]


def summary(n: int, kind: str = "summary", **kw) -> AlertView:
    entries = [
        webhook_payload(item(alert_id=f"a{i}", title=f"t{i}", risk=i / n, **kw)) for i in range(n)
    ]
    return AlertView(
        alert_id="s1", kind=kind, subscriber="ops", created_at=T0, body={"alerts": entries}
    )


@pytest.mark.parametrize("module", ["render.py", "retry.py", "ratelimit.py"])
def test_pure_modules_import_no_io(module: str):
    tree = ast.parse((CORE / module).read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    assert not names & FORBIDDEN


def test_webhook_payload_contract():
    p = webhook_payload(item())
    assert {
        "alert_id",
        "subscriber",
        "risk",
        "categories",
        "reasons",
        "item",
        "kind",
        "countries",
        "created_at",
        "test",
    } <= set(p)
    assert p["item"] == {
        "title": "Village attacked",
        "link": "https://news.example.org/a?x=1&y=2",
        "published": "2030-01-01T11:00:00Z",
        "feed": "Example News",
    }
    assert p["categories"]["mass_violence"] == 0.91
    assert p["reasons"] == ["civilians were killed", "mass grave"]
    assert p["test"] is False and p["created_at"] == "2030-01-01T12:00:00Z"
    assert webhook_payload(item(published=None))["item"]["published"] is None
    assert webhook_payload(item(kind="test"))["test"] is True
    json.dumps(p)  # serialisable as is


def test_summary_payload_lists_every_folded_alert():
    p = webhook_payload(summary(12))
    assert p["count"] == 12 and len(p["alerts"]) == 12
    assert p["item"]["title"].startswith("12 more alerts, top 5: ")


def test_slack_item_message_shows_what_matters():
    msg = slack_payload(item())
    assert slack_problems(msg) == []
    text = json.dumps(msg, ensure_ascii=False)
    assert "<https://news.example.org/a?x=1&amp;y=2|Village attacked>" not in text  # url kept raw
    assert "<https://news.example.org/a?x=1&y=2|Village attacked>" in text
    assert "Example News" in text and "0.87" in text and risk_bar(0.87) in text
    assert "mass violence 0.91" in text and "“civilians were killed”" in text
    assert msg["text"] == "Risk 0.87: Village attacked"


def test_slack_summary_message():
    msg = slack_payload(summary(40))
    assert slack_problems(msg) == []
    assert msg["text"].startswith("40 more alerts, top 5: t39; t38; t37; t36; t35")


def test_slack_test_alert_is_marked():
    msg = slack_payload(item(kind="test"))
    assert msg["text"].startswith("[TEST]")
    assert msg["blocks"][0]["text"]["text"].startswith("[TEST]")


def test_validator_catches_violations():
    good = slack_payload(item())
    assert slack_problems({**good, "text": ""})
    assert slack_problems({**good, "blocks": good["blocks"] * 20})
    long_header = {"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}
    assert slack_problems({**good, "blocks": [long_header]})
    long_section = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3000}}
    assert slack_problems({**good, "blocks": [long_section]})


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=4000)


@settings(max_examples=60, deadline=None)
@given(
    title=texts,
    feed=st.none() | texts,
    link=st.none() | st.sampled_from(["https://x.org/a", "https://x.org/<b>|c", "not a url"]),
    reasons=st.lists(texts, max_size=30),
    countries=st.lists(st.sampled_from(["SD", "MM", "UA", "CD", "ET"]), max_size=5),
    kind=st.sampled_from(["item", "test", "health", "recovery"]),
    categories=st.dictionaries(st.sampled_from(CATEGORIES), st.floats(0, 1), max_size=7),
    risk=st.floats(0, 1),
    body=st.dictionaries(st.text(max_size=50), texts, max_size=5),
)
def test_every_rendered_slack_payload_is_within_limits(**kw):
    kind = kw.pop("kind")
    view = item(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in kw.items()}, kind=kind)
    assert slack_problems(slack_payload(view)) == []
    email = email_content(view)
    assert email.subject and len(email.subject) <= 200 and "\n" not in email.subject.strip()
    json.dumps(webhook_payload(view))


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 400), title=texts, kind=st.sampled_from(["summary", "digest"]))
def test_every_rendered_summary_is_within_limits(n, title, kind):
    view = summary(n, kind=kind, reasons=(title,), feed=title[:300])
    assert slack_problems(slack_payload(view)) == []


def test_email_item_has_text_and_html_with_escaping():
    mail = email_content(item(title="<script>x</script> & co"))
    assert mail.subject == "[warn] Risk 0.87: <script>x</script> & co"
    assert "&lt;script&gt;" in mail.html and "<script>" not in mail.html
    assert "Risk: 0.87" in mail.text and "Source: Example News" in mail.text
    assert "civilians were killed" in mail.text


def test_digest_groups_by_country_and_category_newest_first():
    entries = [
        item(
            alert_id="old",
            title="old SD",
            countries=("SD",),
            published=datetime(2030, 1, 1, 1, tzinfo=UTC),
        ),
        item(
            alert_id="new",
            title="new SD",
            countries=("SD",),
            published=datetime(2030, 1, 1, 9, tzinfo=UTC),
        ),
        item(alert_id="mm", title="MM detention", countries=("MM",), categories={"detention": 0.9}),
    ]
    view = AlertView(
        alert_id="d",
        kind="digest",
        subscriber="ops",
        created_at=T0,
        body={"alerts": [webhook_payload(e) for e in entries]},
    )
    mail = email_content(view)
    assert mail.subject == "[warn] Digest: 3 alerts"
    text = mail.text
    assert text.index("== MM · detention (1) ==") < text.index("== SD · mass violence (2) ==")
    assert text.index("new SD") < text.index("old SD")
