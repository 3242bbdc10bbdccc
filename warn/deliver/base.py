"""The ``Channel`` protocol every delivery channel implements, and ``make_channels``.

A channel turns one rendered alert into one message at one destination.  It raises
``DeliveryError`` (``retryable`` tells the outbox worker whether to try again; ``status``
410 disables the subscriber; ``retry_after`` is honoured) and returns nothing on success.
Adding Teams, Matrix or ntfy means one module with a class like ``WebhookChannel``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from warn.core.ratelimit import Rate
from warn.core.render import AlertView
from warn.core.retry import is_retryable_status, parse_retry_after
from warn.errors import DeliveryError

if TYPE_CHECKING:
    import httpx

    from warn.config import Config, SubscriberConfig

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
_REPORTED: set[str] = set()


def utcnow() -> datetime:
    return datetime.now(UTC)


class Channel(Protocol):
    """One destination of one subscriber."""

    kind: str  # "webhook" | "slack" | "email" (shown in logs and the deliveries table)
    rate: Rate  # the destination's own rate limit

    def send(self, view: AlertView, *, idempotency_key: str) -> None:
        """Deliver ``view`` once; raise DeliveryError on failure."""
        ...


def post_json(
    client: httpx.Client,
    channel: str,
    url: str,
    content: bytes,
    *,
    headers: Mapping[str, str],
    clock: Clock = utcnow,
) -> None:
    """POST a JSON body; translate every httpx outcome into success or DeliveryError."""
    import httpx

    try:
        response = client.post(
            url, content=content, headers={"Content-Type": "application/json", **headers}
        )
    except httpx.TimeoutException as e:
        raise DeliveryError(channel, f"timed out: {type(e).__name__}") from e
    except httpx.HTTPError as e:
        raise DeliveryError(channel, f"request failed: {type(e).__name__}: {e}") from e
    if 200 <= response.status_code < 300:
        return
    status = response.status_code
    raise DeliveryError(
        channel,
        f"HTTP {status}: {response.text[:200].strip()}",
        retryable=is_retryable_status(status),
        status=status,
        retry_after=parse_retry_after(response.headers.get("Retry-After"), clock()),
    )


def make_channels(
    subscribers: Sequence[SubscriberConfig],
    config: Config,
    client: httpx.Client,
    environ: Mapping[str, str],
) -> dict[str, Channel]:
    """One channel per subscriber, keyed by name.  A subscriber whose channel cannot be
    built (e.g. a malformed signing secret) is logged and left out; the others work."""
    from warn.config import smtp_credentials
    from warn.deliver.email import EmailChannel
    from warn.deliver.slack import SlackChannel
    from warn.deliver.webhook import WebhookChannel

    channels: dict[str, Channel] = {}
    for sub in subscribers:
        try:
            if sub.channel == "webhook":
                channels[sub.name] = WebhookChannel(str(sub.url), client, secret=sub.secret)
            elif sub.channel == "slack":
                channels[sub.name] = SlackChannel(str(sub.url), client)
            else:
                user, password = smtp_credentials(config.smtp, environ)
                channels[sub.name] = EmailChannel(
                    config.smtp, list(sub.to), username=user, password=password
                )
        except ValueError as e:
            problem = f"subscriber={sub.name} channel={sub.channel} not usable: {e}"
            if problem not in _REPORTED:  # channels are rebuilt every pass: say it once
                _REPORTED.add(problem)
                log.error(problem)
    return channels
