"""When to (re)subscribe at a WebSub hub: a pure decision on the feed's stored lease."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from warn.config import ServiceConfig
from warn.websub import needs_subscription

NOW = datetime(2025, 3, 1, tzinfo=UTC)
HUB, TOPIC, PUBLIC = "https://hub.example/", "https://wire.example/feed", "https://warn.example"


def decide(**overrides: object) -> bool:
    args: dict[str, object] = {
        "hub": HUB,
        "topic": TOPIC,
        "public_url": PUBLIC,
        "stored_hub": HUB,
        "stored_topic": TOPIC,
        "expires_at": NOW + timedelta(days=3),
        "now": NOW,
    }
    args.update(overrides)
    hub, topic = args.pop("hub"), args.pop("topic")
    return needs_subscription(hub, topic, **args)  # type: ignore[arg-type]


def test_a_live_lease_needs_nothing() -> None:
    assert not decide()


@pytest.mark.parametrize(
    "overrides",
    [
        {"expires_at": None},  # never subscribed, or the last attempt failed
        {"expires_at": NOW + timedelta(hours=23)},  # ends within a day: renew
        {"expires_at": NOW - timedelta(days=1)},  # lapsed
        {"stored_hub": "https://old-hub.example/"},  # the feed moved to another hub
        {"stored_topic": "https://wire.example/old"},
    ],
)
def test_subscribe_when_there_is_no_live_lease(overrides: dict[str, object]) -> None:
    assert decide(**overrides)


@pytest.mark.parametrize("overrides", [{"hub": None}, {"public_url": None}, {"public_url": ""}])
def test_never_without_a_hub_or_a_public_url(overrides: dict[str, object]) -> None:
    assert not decide(expires_at=None, **overrides)


@pytest.mark.parametrize("value", ["8086", "127.0.0.1", "127.0.0.1:http", ":8086", "h:99999"])
def test_websub_listen_must_be_host_and_port(value: str) -> None:
    with pytest.raises(ValidationError, match="websub_listen"):
        ServiceConfig(websub_listen=value)  # type: ignore[call-arg]
