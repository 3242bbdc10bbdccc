"""WebSub in the service, with real parts: a local feed server that is also a fake hub, a real
SQLite file, the shipped model, and the callback server started the way ``warn run`` starts it.

A poll of a feed that advertises a hub subscribes (once); the fake hub verifies the callback and
pushes signed bodies, which are stored and alerted through the same path as a poll."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from tests.conftest import LocalServer, Route
from warn.app import App
from warn.pipeline import poll_feeds, prepare
from warn.push import CallbackServer
from warn.scheduler import Service
from warn.store.tables import Alert, Delivery, Feed, Item
from warn.websub import LEASE, sign

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
PUBLIC = "https://warn.example.org"


def _atom(feed_url: str, hub: str | None, entries: list[tuple[str, str, str]]) -> bytes:
    links = f'<link rel="self" href="{feed_url}"/>'
    if hub:
        links += f'<link rel="hub" href="{hub}"/>'
    body = "".join(
        f"<entry><title>{title}</title><id>tag:wire.test,2025:{slug}</id>"
        f'<link href="http://wire.test/{slug}"/><updated>2025-03-01T10:00:00Z</updated>'
        f"<summary>{summary}</summary></entry>"
        for slug, title, summary in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Test Wire</title><id>urn:test:wire</id><updated>2025-03-01T10:00:00Z</updated>"
        f"{links}{body}</feed>"
    ).encode()


POLLED = [
    ("market", "Port reopens after storm", "Ships returned to the harbour on Tuesday."),
]
PUSHED = [
    (
        "raid",
        "Armed group attacks displacement camp, killing civilians",
        "Fighters shot residents and burned shelters; survivors fled into the hills.",
    ),
    ("budget", "Council approves road budget", "The new road will open next year."),
]


@dataclass
class Setup:
    app: App
    server: LocalServer
    feed_url: str


def _setup(tmp_path: Path, server: LocalServer, *, public_url: str | None) -> Setup:
    feed_url = server.url("/wire.atom")
    server.routes["/wire.atom"] = Route(200, _atom(feed_url, server.url("/hub"), POLLED))
    server.routes["/hub"] = Route(202, b"")
    server.routes["/hook"] = Route(200, b"ok")
    public = f'public_url = "{public_url}"' if public_url else ""
    config = tmp_path / "feeds.toml"
    config.write_text(
        f"""
[service]
database_url = "sqlite:///{tmp_path / "warn.db"}"
allow_networks = ["127.0.0.0/8"]
websub_listen = "127.0.0.1:0"
{public}

[[feeds]]
name = "Test Wire"
url = "{feed_url}"

[[subscribers]]
name = "desk"
channel = "webhook"
url = "{server.url("/hook")}"
min_risk = 0.0
""",
        encoding="utf-8",
    )
    app = App(config, environ={})
    prepare(app, now=NOW)
    return Setup(app, server, feed_url)


def _poll(app: App, now: datetime) -> None:
    with app.http_client() as client:
        results = poll_feeds(app, client, now=now, all_feeds=True)
    assert [r.error for r in results] == [None]


def _hub_requests(server: LocalServer) -> list[dict[str, str]]:
    return [
        {k: v[0] for k, v in parse_qs(r.body.decode()).items()}
        for r in server.requests
        if r.path == "/hub"
    ]


def _counts(app: App) -> tuple[int, int, int]:
    with Session(app.engine) as s:
        return (
            s.exec(select(func.count()).select_from(Item)).one(),
            s.exec(select(func.count()).select_from(Alert)).one(),
            s.exec(select(func.count()).select_from(Delivery)).one(),
        )


@pytest.fixture
def service(
    tmp_path: Path, local_server: LocalServer
) -> Iterator[tuple[Setup, Service, CallbackServer]]:
    setup = _setup(tmp_path, local_server, public_url=PUBLIC)
    svc = Service(setup.app)
    push = svc.start_push()
    assert push is not None
    yield setup, svc, push
    push.stop()
    setup.app.engine.dispose()


def test_subscribes_once_then_takes_signed_pushes_once(
    service: tuple[Setup, Service, CallbackServer], caplog: pytest.LogCaptureFixture
) -> None:
    setup, svc, push = service
    _poll(setup.app, NOW)
    _poll(setup.app, NOW + timedelta(hours=1))  # the lease is live: no second request
    requests = _hub_requests(setup.server)
    assert len(requests) == 1
    form = requests[0]
    assert form["hub.mode"] == "subscribe" and form["hub.topic"] == setup.feed_url
    assert form["hub.callback"] == PUBLIC + "/websub/Test%20Wire"
    with Session(setup.app.engine) as s:
        feed = s.exec(select(Feed)).one()
        assert (feed.websub_hub, feed.websub_topic) == (setup.server.url("/hub"), setup.feed_url)
        assert feed.websub_secret == form["hub.secret"]
        assert feed.websub_expires_at == NOW + LEASE
        next_poll = feed.next_poll_at

    # The reverse proxy maps public_url onto websub_listen: same path, the server's address.
    callback = f"http://{push.address}{urlsplit(form['hub.callback']).path}"
    before = _counts(setup.app)
    assert before == (1, 1, 1)
    body = _atom(setup.feed_url, setup.server.url("/hub"), PUSHED)
    with httpx.Client() as hub:
        verify = hub.get(
            callback,
            params={"hub.mode": "subscribe", "hub.topic": setup.feed_url, "hub.challenge": "c-7"},
        )
        assert (verify.status_code, verify.text) == (200, "c-7")

        signed = {
            "X-Hub-Signature": sign(body, form["hub.secret"]),
            "Content-Type": "application/atom+xml",
        }
        assert hub.post(callback, content=body, headers=signed).status_code == 202
        after_push = _counts(setup.app)
        assert svc.wake_delivery.is_set()  # the delivery thread is woken for the new alerts
        svc.wake_delivery.clear()

        assert hub.post(callback, content=body, headers=signed).status_code == 202  # re-push
        after_repush = _counts(setup.app)

        forged_body = _atom(setup.feed_url, None, [("fake", "Forged story", "Not from the hub.")])
        forged = hub.post(
            callback, content=forged_body, headers={"X-Hub-Signature": sign(forged_body, "guess")}
        )
        assert forged.status_code == 202  # per the spec: acknowledged, then dropped
    # Two new items, one alert and one outbox row each (min_risk 0): stored once, not twice.
    assert after_push == (3, 3, 3)
    assert after_repush == after_push
    assert _counts(setup.app) == after_push
    assert not svc.wake_delivery.is_set()
    assert "bad or missing signature" in caplog.text
    with Session(setup.app.engine) as s:
        links = {i.link for i in s.exec(select(Item)).all()}
        assert links == {
            "http://wire.test/market",
            "http://wire.test/raid",
            "http://wire.test/budget",
        }
        feed = s.exec(select(Feed)).one()
        assert feed.status == "ok" and feed.next_poll_at is not None
        assert feed.next_poll_at >= next_poll  # a push is a successful poll: never sooner


def test_renews_when_the_lease_is_about_to_end(
    service: tuple[Setup, Service, CallbackServer],
) -> None:
    setup, _svc, _push = service
    _poll(setup.app, NOW)
    _poll(setup.app, NOW + LEASE - timedelta(hours=12))
    first, second = _hub_requests(setup.server)
    assert first["hub.secret"] == second["hub.secret"]  # same hub: the secret is kept


def test_pushes_for_unknown_feeds_are_refused(
    service: tuple[Setup, Service, CallbackServer],
) -> None:
    setup, _svc, push = service
    _poll(setup.app, NOW)
    with httpx.Client() as hub:
        assert hub.post(f"http://{push.address}/websub/Nobody", content=b"x").status_code == 404


def test_no_subscription_without_public_url(tmp_path: Path, local_server: LocalServer) -> None:
    setup = _setup(tmp_path, local_server, public_url=None)
    assert Service(setup.app).start_push() is None  # no callback server either
    _poll(setup.app, NOW)
    assert _hub_requests(local_server) == []
    with Session(setup.app.engine) as s:
        assert s.exec(select(Feed)).one().websub_hub is None
    setup.app.engine.dispose()


def test_a_refusing_hub_never_fails_the_poll(
    tmp_path: Path, local_server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    setup = _setup(tmp_path, local_server, public_url=PUBLIC)
    local_server.routes["/hub"] = Route(500, b"down")
    with caplog.at_level(logging.WARNING):
        _poll(setup.app, NOW)  # asserts the feed's result carries no error
    assert _counts(setup.app)[0] == 1
    assert "WebSub subscription" in caplog.text and "refused" in caplog.text
    with Session(setup.app.engine) as s:
        feed = s.exec(select(Feed)).one()
        assert feed.status == "ok" and feed.websub_expires_at is None
    local_server.routes["/hub"] = Route(202, b"")
    _poll(setup.app, NOW + timedelta(minutes=20))  # the next poll tries again
    assert len(_hub_requests(local_server)) == 2
    setup.app.engine.dispose()


def test_pushes_and_polls_at_once_store_each_item_once(
    service: tuple[Setup, Service, CallbackServer],
) -> None:
    setup, _svc, push = service
    _poll(setup.app, NOW)
    form = _hub_requests(setup.server)[0]
    callback = f"http://{push.address}{urlsplit(form['hub.callback']).path}"
    body = _atom(setup.feed_url, None, PUSHED)
    setup.server.routes["/wire.atom"] = Route(200, _atom(setup.feed_url, None, POLLED + PUSHED))
    headers = {"X-Hub-Signature": sign(body, form["hub.secret"])}

    def pushes() -> None:
        with httpx.Client() as hub:
            for _ in range(3):
                hub.post(callback, content=body, headers=headers)

    thread = threading.Thread(target=pushes)
    thread.start()
    _poll(setup.app, NOW + timedelta(minutes=1))
    thread.join()
    assert _counts(setup.app) == (3, 3, 3)
