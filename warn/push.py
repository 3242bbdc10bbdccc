"""WebSub in the running service: keep subscriptions up after polls, run the callback server.

The protocol pieces (subscribe request, signature check, the WSGI app) are ``warn/websub.py``.
A verified push is stored by ``pipeline.ingest_push``, the same transaction a poll uses.
Polling never stops: a push only brings new items sooner.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from sqlmodel import Session, select

from warn.store.tables import Feed
from warn.websub import (
    LEASE,
    Subscription,
    callback_app,
    callback_url,
    needs_subscription,
    new_secret,
    subscribe,
)

if TYPE_CHECKING:
    import httpx

    from warn.app import App

log = logging.getLogger(__name__)


# --- subscribing (called by the pipeline after a successful poll) --------------------------


def subscribe_if_needed(
    app: App, client: httpx.Client, feed_id: int, hub: str, topic: str, now: datetime
) -> bool:
    """Subscribe the feed at ``hub`` unless it holds a live lease; True when it asked the hub.

    Hub, topic and secret are committed before the request goes out (a hub may verify the
    callback before it answers); the lease end is stored once the hub accepts. The secret is
    kept across renewals at the same hub. Raises FetchError when the hub refuses.
    """
    public_url = app.config.service.public_url
    if not public_url:
        return False
    with Session(app.engine) as session:
        row = session.get(Feed, feed_id)
        if row is None or not needs_subscription(
            hub,
            topic,
            public_url=public_url,
            stored_hub=row.websub_hub,
            stored_topic=row.websub_topic,
            expires_at=row.websub_expires_at,
            now=now,
        ):
            return False
        if (row.websub_hub, row.websub_topic) != (hub, topic) or not row.websub_secret:
            row.websub_hub, row.websub_topic, row.websub_secret = hub, topic, new_secret()
            row.websub_expires_at = None
        sub = Subscription(row.name, topic, hub, row.websub_secret)
        session.add(row)
        session.commit()
    allow = app.config.service.allow_networks
    subscribe(client, sub, callback_url(public_url, sub.feed), lease=LEASE, allow_networks=allow)
    with Session(app.engine) as session:
        row = session.get(Feed, feed_id)
        if row is not None:
            row.websub_expires_at = now + LEASE
            session.add(row)
            session.commit()
    log.info("feed=%r subscribed at WebSub hub %s (topic %s)", sub.feed, hub, topic)
    return True


def keep_subscribed(
    app: App, client: httpx.Client, feed_id: int, hub: str, topic: str, now: datetime
) -> None:
    """``subscribe_if_needed``, with any failure logged: a hub problem never fails a poll."""
    try:
        subscribe_if_needed(app, client, feed_id, hub, topic, now)
    except Exception as e:  # a hub or database problem; the next successful poll retries
        log.warning(
            "feed_id=%d WebSub subscription at %s failed, polling continues: %s", feed_id, hub, e
        )


# --- receiving -----------------------------------------------------------------------------


def _lookup(app: App) -> Callable[[str], Subscription | None]:
    def lookup(name: str) -> Subscription | None:
        with Session(app.engine) as session:
            row = session.exec(select(Feed).where(Feed.name == name)).first()
        if row is None or not row.enabled or row.status == "retired":
            return None
        if not (row.websub_hub and row.websub_topic and row.websub_secret):
            return None
        return Subscription(row.name, row.websub_topic, row.websub_hub, row.websub_secret)

    return lookup


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Handler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        log.debug("websub %s %s", self.address_string(), format % args)


class CallbackServer:
    """The WebSub callback server: ``/websub/<feed>`` on ``service.websub_listen``.

    ``on_alerts`` is called after a push that queued alerts (the service wakes its delivery
    thread). ``listen`` overrides the configured host:port (tests pass ``127.0.0.1:0``).
    """

    def __init__(self, app: App, on_alerts: Callable[[], None], listen: str | None = None) -> None:
        self.app = app
        self._on_alerts = on_alerts
        host, _, port = (listen or app.config.service.websub_listen).rpartition(":")
        wsgi = callback_app(_lookup(app), self._on_push, max_bytes=app.config.fetch.max_bytes)
        self._httpd = make_server(
            host, int(port), wsgi, server_class=_Server, handler_class=_Handler
        )
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="websub", daemon=True
        )

    @property
    def address(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"{host!s}:{port}"

    def start(self) -> CallbackServer:
        self._thread.start()
        log.info("WebSub callbacks on %s", self.address)
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)

    def _on_push(self, sub: Subscription, body: bytes, headers: Mapping[str, str]) -> None:
        from warn.pipeline import ingest_push

        try:
            result = ingest_push(self.app, sub.feed, body, headers, now=datetime.now(UTC))
        except Exception as e:  # the database, say: polling will bring the items instead
            log.error(
                "feed=%r WebSub push not stored, the next poll will fetch it: %s", sub.feed, e
            )
            return
        log.info(
            "feed=%r WebSub push: %d new items, %d alerts",
            sub.feed,
            result.new_items,
            result.alerts,
        )
        if result.alerts:
            self._on_alerts()
