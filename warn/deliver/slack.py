"""Slack incoming webhooks: one Block Kit message per alert (``render.slack_payload``).

Slack allows about one message per second per incoming webhook, with short bursts, and
answers 429 with Retry-After beyond that; the outbox worker honours both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from warn.core.ratelimit import Rate
from warn.core.render import AlertView, slack_payload
from warn.deliver.base import Clock, post_json, utcnow
from warn.deliver.webhook import encode

if TYPE_CHECKING:
    import httpx

SLACK_RATE = Rate(per_second=1.0, burst=5.0)


class SlackChannel:
    kind = "slack"

    def __init__(
        self, url: str, client: httpx.Client, *, rate: Rate = SLACK_RATE, clock: Clock = utcnow
    ) -> None:
        self.url = url
        self.client = client
        self.rate = rate
        self.clock = clock

    def send(self, view: AlertView, *, idempotency_key: str) -> None:
        body = encode(slack_payload(view))
        post_json(self.client, self.kind, self.url, body, headers={}, clock=self.clock)
