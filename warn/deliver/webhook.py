"""Signed JSON webhooks, Standard Webhooks scheme (https://www.standardwebhooks.com/).

Headers: ``webhook-id`` (the delivery's idempotency key, the same on every retry),
``webhook-timestamp`` (Unix seconds of this attempt) and ``webhook-signature``
(``v1,`` + base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}`` under the ``whsec_`` secret).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
from typing import TYPE_CHECKING

from warn.core.ratelimit import Rate
from warn.core.render import AlertView, webhook_payload
from warn.deliver.base import Clock, post_json, utcnow

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
WEBHOOK_RATE = Rate(per_second=50.0, burst=50.0)
_WARNED: set[str] = set()  # warn about an unsigned webhook once per process


def decode_secret(secret: str) -> bytes:
    """The key bytes of a ``whsec_<base64>`` secret; ValueError if it is not one."""
    raw = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True)
    except (binascii.Error, ValueError) as e:
        raise ValueError("the webhook secret must be 'whsec_' followed by base64") from e
    if len(key) < 16:
        raise ValueError("the webhook secret is too short; use at least 24 random bytes")
    return key


def sign(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    to_sign = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, to_sign, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def encode(payload: object) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class WebhookChannel:
    kind = "webhook"

    def __init__(
        self,
        url: str,
        client: httpx.Client,
        *,
        secret: str | None = None,
        rate: Rate = WEBHOOK_RATE,
        clock: Clock = utcnow,
    ) -> None:
        self.url = url
        self.client = client
        self.key = decode_secret(secret) if secret else None
        self.rate = rate
        self.clock = clock  # the attempt's real time: receivers reject old timestamps
        if self.key is None and url not in _WARNED:
            _WARNED.add(url)
            log.warning("webhook has no secret: its requests are not signed; set `secret`")

    def headers(self, msg_id: str, body: bytes) -> dict[str, str]:
        timestamp = int(self.clock().timestamp())
        headers = {"webhook-id": msg_id, "webhook-timestamp": str(timestamp)}
        if self.key is not None:
            headers["webhook-signature"] = sign(self.key, msg_id, timestamp, body)
        return headers

    def send(self, view: AlertView, *, idempotency_key: str) -> None:
        body = encode(webhook_payload(view))
        headers = self.headers(idempotency_key, body)
        post_json(self.client, self.kind, self.url, body, headers=headers, clock=self.clock)
