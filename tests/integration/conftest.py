"""Fixtures for the integration tests: the misbehaving feed server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.hostile_server import HostileServer


@pytest.fixture(scope="module")
def hostile_server() -> Iterator[HostileServer]:
    """A feed server on 127.0.0.1 that serves the corpus and misbehaves on purpose."""
    server = HostileServer(hold=20.0).start()
    yield server
    server.stop()
