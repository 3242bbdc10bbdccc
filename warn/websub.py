"""WebSub (W3C): subscribe to a feed's hub and take pushed updates; polling stays the fallback.

* ``subscribe``: POST the subscription request to the hub (the hub's address is checked like any
  feed address). Each feed gets its own callback path and secret.
* ``callback_app``: a small WSGI app the service runs. It answers the hub's verification GET
  (echoes ``hub.challenge`` for subscriptions it knows) and takes content POSTs, passing them on
  only when the ``X-Hub-Signature`` HMAC matches the feed's secret. Per the spec, a bad signature
  still gets a 2xx answer (so the hub does not retry) but the content is dropped.
* ``verify_signature`` and ``needs_subscription`` (subscribe now, or is the lease still good?):
  pure.

The service wiring (subscribing after a poll, running the callback server) is ``warn/push.py``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, quote

import httpx

from warn.errors import FetchError
from warn.fetch import Resolver, parse_networks, pin_url, system_resolve

log = logging.getLogger(__name__)

_ALGORITHMS = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}
CALLBACK_PREFIX = "/websub/"
LEASE = timedelta(days=7)  # asked of the hub; it may grant less
RENEW_BEFORE = timedelta(days=1)


@dataclass(frozen=True)
class Subscription:
    feed: str  # feed name
    topic: str  # the feed URL the hub knows
    hub: str
    secret: str


def needs_subscription(
    hub: str | None,
    topic: str,
    *,
    public_url: str | None,
    stored_hub: str | None,
    stored_topic: str | None,
    expires_at: datetime | None,
    now: datetime,
) -> bool:
    """Should the service (re)subscribe to ``topic`` at ``hub`` now?

    Only when the feed advertises a hub and the service has a public callback URL; then when
    there is no lease yet, the hub or topic changed, or the lease ends within ``RENEW_BEFORE``.
    """
    if not hub or not public_url:
        return False
    if (hub, topic) != (stored_hub, stored_topic) or expires_at is None:
        return True
    return expires_at - now <= RENEW_BEFORE


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def callback_url(public_url: str, feed: str) -> str:
    return public_url.rstrip("/") + CALLBACK_PREFIX + quote(feed, safe="")


def subscribe_form(sub: Subscription, callback: str, lease: timedelta) -> dict[str, str]:
    return {
        "hub.mode": "subscribe",
        "hub.topic": sub.topic,
        "hub.callback": callback,
        "hub.secret": sub.secret,
        "hub.lease_seconds": str(int(lease.total_seconds())),
    }


def subscribe(
    client: httpx.Client,
    sub: Subscription,
    callback: str,
    *,
    lease: timedelta = LEASE,
    allow_networks: Sequence[str] = (),
    resolve: Resolver | None = None,
) -> None:
    """Ask the hub to push ``sub.topic`` to ``callback``; raise FetchError if it refuses."""
    url = httpx.URL(sub.hub)
    pinned = pin_url(url, resolve or system_resolve, parse_networks(allow_networks))
    try:
        response = client.post(
            pinned,
            data=subscribe_form(sub, callback, lease),
            headers={"Host": url.netloc.decode("ascii")},
            extensions={"sni_hostname": url.host},
        )
    except httpx.HTTPError as e:
        raise FetchError(sub.hub, f"WebSub hub unreachable: {e}") from e
    if response.status_code not in (202, 204):
        raise FetchError(
            sub.hub,
            f"WebSub hub refused the subscription ({response.status_code})",
            status=response.status_code,
        )


def verify_signature(body: bytes, header: str | None, secret: str) -> bool:
    """True when ``X-Hub-Signature: method=hex`` is the HMAC of ``body`` under ``secret``."""
    if not header or "=" not in header:
        return False
    method, _, signature = header.strip().partition("=")
    digest = _ALGORITHMS.get(method.lower())
    if digest is None:
        return False
    expected = hmac.new(secret.encode(), body, digest).hexdigest()
    return hmac.compare_digest(expected, signature.lower())


def sign(body: bytes, secret: str, method: str = "sha256") -> str:
    """The X-Hub-Signature value a hub would send (for tests and fake hubs)."""
    return f"{method}={hmac.new(secret.encode(), body, _ALGORITHMS[method]).hexdigest()}"


StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def callback_app(
    lookup: Callable[[str], Subscription | None],
    on_push: Callable[[Subscription, bytes, Mapping[str, str]], None],
    *,
    max_bytes: int = 10_000_000,
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """A WSGI app for ``/websub/<feed>``: verification GETs and signed content POSTs."""

    def app(environ: dict[str, Any], start: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        sub = lookup(_feed_name(path)) if path.startswith(CALLBACK_PREFIX) else None
        if sub is None:
            return _answer(start, "404 Not Found", b"unknown subscription")
        if environ["REQUEST_METHOD"] == "GET":
            return _verify(environ, start, sub)
        if environ["REQUEST_METHOD"] != "POST":
            return _answer(start, "405 Method Not Allowed", b"")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > max_bytes:
            return _answer(start, "413 Content Too Large", b"too large")
        body = environ["wsgi.input"].read(length) if length else b""
        if not verify_signature(body, environ.get("HTTP_X_HUB_SIGNATURE"), sub.secret):
            log.warning("feed=%s websub push with a bad or missing signature dropped", sub.feed)
            return _answer(start, "202 Accepted", b"")
        headers = {
            k[5:].replace("_", "-").lower(): str(v)
            for k, v in environ.items()
            if k.startswith("HTTP_")
        }
        headers["content-type"] = str(environ.get("CONTENT_TYPE", ""))
        on_push(sub, body, headers)
        return _answer(start, "202 Accepted", b"")

    return app


def _feed_name(path: str) -> str:
    """The feed name in a WSGI PATH_INFO (already unquoted, as latin-1 characters per PEP 3333)."""
    try:
        return path.removeprefix(CALLBACK_PREFIX).encode("latin-1").decode("utf-8")
    except UnicodeError:
        return ""


def _verify(environ: dict[str, Any], start: StartResponse, sub: Subscription) -> Iterable[bytes]:
    query = {k: v[0] for k, v in parse_qs(str(environ.get("QUERY_STRING", ""))).items()}
    mode, topic = query.get("hub.mode"), query.get("hub.topic")
    if mode == "denied":
        log.warning(
            "feed=%s websub hub denied the subscription: %s",
            sub.feed,
            query.get("hub.reason", "no reason given"),
        )
        return _answer(start, "200 OK", b"")
    if mode in ("subscribe", "unsubscribe") and topic == sub.topic and "hub.challenge" in query:
        return _answer(start, "200 OK", query["hub.challenge"].encode())
    return _answer(start, "404 Not Found", b"")


def _answer(start: StartResponse, status: str, body: bytes) -> list[bytes]:
    start(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
