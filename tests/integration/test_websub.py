"""WebSub with a local fake hub: subscribe, answer the hub's verification, take signed pushes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

import httpx
import pytest

from tests.conftest import DATA, LocalServer, Route
from warn.core.parse import parse_feed
from warn.errors import FetchError
from warn.websub import (
    Subscription,
    callback_app,
    callback_url,
    new_secret,
    sign,
    subscribe,
    verify_signature,
)

LOOPBACK = ["127.0.0.0/8"]
BODY = (DATA / "feeds" / "atom_good.xml").read_bytes()


class Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, Subscription, list[tuple[str, bytes]]]]:
    sub = Subscription(
        feed="observatoire",
        topic="https://observatoire.example.net/atom.xml",
        hub="",
        secret=new_secret(),
    )
    pushed: list[tuple[str, bytes]] = []
    app = callback_app(
        lambda name: sub if name == sub.feed else None,
        lambda s, body, headers: pushed.append((s.feed, body)),
    )
    server = make_server("127.0.0.1", 0, app, handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", sub, pushed
    server.shutdown()
    server.server_close()


def test_signature_verification() -> None:
    assert verify_signature(b"abc", sign(b"abc", "s3cret"), "s3cret")
    assert verify_signature(b"abc", sign(b"abc", "s3cret", "sha1"), "s3cret")
    assert not verify_signature(b"abd", sign(b"abc", "s3cret"), "s3cret")
    assert not verify_signature(b"abc", sign(b"abc", "other"), "s3cret")
    assert not verify_signature(b"abc", None, "s3cret")
    assert not verify_signature(b"abc", "md5=00", "s3cret")


def test_subscribe_verify_and_push(
    local_server: LocalServer, receiver: tuple[str, Subscription, list[tuple[str, bytes]]]
) -> None:
    base, sub, pushed = receiver
    local_server.routes["/hub"] = Route(202, b"")
    hub_sub = Subscription(sub.feed, sub.topic, local_server.url("/hub"), sub.secret)
    callback = callback_url(base, sub.feed)
    with httpx.Client() as client:
        subscribe(client, hub_sub, callback, allow_networks=LOOPBACK)
        form = {k: v[0] for k, v in parse_qs(local_server.requests[-1].body.decode()).items()}
        assert form["hub.mode"] == "subscribe" and form["hub.topic"] == sub.topic
        assert form["hub.callback"] == callback and form["hub.secret"] == sub.secret

        # The hub verifies intent: the challenge is echoed for our topic, refused for another.
        ok = client.get(
            callback,
            params={
                "hub.mode": "subscribe",
                "hub.topic": sub.topic,
                "hub.challenge": "c-123",
                "hub.lease_seconds": "600",
            },
        )
        assert (ok.status_code, ok.text) == (200, "c-123")
        wrong = client.get(
            callback,
            params={"hub.mode": "subscribe", "hub.topic": "https://x/", "hub.challenge": "c-9"},
        )
        assert wrong.status_code == 404
        assert (
            client.get(base + "/websub/unknown", params={"hub.challenge": "x"}).status_code == 404
        )

        # Content distribution: only a correctly signed body is passed on.
        good = client.post(
            callback,
            content=BODY,
            headers={
                "X-Hub-Signature": sign(BODY, sub.secret),
                "Content-Type": "application/atom+xml",
            },
        )
        forged = client.post(
            callback, content=BODY, headers={"X-Hub-Signature": sign(BODY, "guess")}
        )
        unsigned = client.post(callback, content=BODY)
    assert [good.status_code, forged.status_code, unsigned.status_code] == [202, 202, 202]
    assert pushed == [("observatoire", BODY)]
    parsed = parse_feed(
        pushed[0][1], url=sub.topic, headers={}, max_entries=10, max_entry_chars=1000
    )
    assert len(parsed.entries) == 2


def test_a_hub_that_refuses_is_an_error(local_server: LocalServer) -> None:
    local_server.routes["/hub"] = Route(400, b"bad topic")
    sub = Subscription("f", "https://t.example/feed", local_server.url("/hub"), "s")
    with httpx.Client() as client, pytest.raises(FetchError, match="refused the subscription"):
        subscribe(client, sub, "https://warn.example/websub/f", allow_networks=LOOPBACK)


def test_a_private_hub_address_is_refused() -> None:
    sub = Subscription("f", "https://t.example/feed", "http://hub.test/", "s")
    with httpx.Client() as client, pytest.raises(FetchError, match="private address"):
        subscribe(client, sub, "https://warn.example/websub/f", resolve=lambda h: ["10.0.0.5"])
