"""Signed webhooks verified by the independent ``standardwebhooks`` package."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.conftest import Request, Route
from tests.delivery_support import SECRET, T0
from warn.core.render import AlertView
from warn.deliver.webhook import WebhookChannel, decode_secret

VIEW = AlertView(
    alert_id="4b1c",
    kind="item",
    subscriber="ngo",
    created_at=T0,
    risk=0.8,
    categories={"mass_violence": 0.9},
    reasons=("were executed",),
    title="Éxécutions à X — “report”",
    link="https://example.org/a",
    feed="Example",
)


@pytest.fixture
def received(local_server):
    got: list[Request] = []

    def answer(req: Request) -> Route:
        got.append(req)
        return Route(200)

    local_server.routes["/hook"] = answer
    return got


def send(local_server, clock=None, key="msg_abc123"):
    with httpx.Client() as client:
        kw = {"clock": clock} if clock else {}
        WebhookChannel(local_server.url("/hook"), client, secret=SECRET, **kw).send(
            VIEW, idempotency_key=key
        )


def test_signature_verifies_with_standardwebhooks(local_server, received):
    send(local_server)
    (req,) = received
    payload = Webhook(SECRET).verify(req.body, req.headers)
    assert payload["alert_id"] == "4b1c" and payload["item"]["title"] == VIEW.title
    assert req.headers["webhook-id"] == "msg_abc123"
    assert req.headers["Content-Type"] == "application/json"


def test_tampered_body_is_rejected(local_server, received):
    send(local_server)
    (req,) = received
    body = json.loads(req.body)
    body["risk"] = 0.01
    tampered = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(tampered, req.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(req.body, {**req.headers, "webhook-id": "msg_other"})


def test_old_timestamp_is_rejected(local_server, received):
    send(local_server, clock=lambda: datetime.now(UTC) - timedelta(minutes=10))
    (req,) = received
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(SECRET).verify(req.body, req.headers)


def test_wrong_secret_is_rejected(local_server, received):
    send(local_server)
    (req,) = received
    other = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk="
    with pytest.raises(WebhookVerificationError):
        Webhook(other).verify(req.body, req.headers)


@pytest.mark.parametrize("bad", ["whsec_not base64!", "whsec_c2hvcnQ="])
def test_malformed_secret_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="secret"):
        decode_secret(bad)
