"""Pytest plugin: the fake Graph API over real HTTP, for any test of the WhatsApp channel.

Register it in a conftest with `pytest_plugins = ["tests.whatsapp_fixtures"]`. The
`fake_graph` fixture gives a running `FakeGraph` (reset for each test) and points the
settings at it: LOKET_WA_GRAPH_URL, LOKET_WA_ACCESS_TOKEN, LOKET_WA_APP_SECRET. Status
webhooks go nowhere until a test sets `fake_graph.webhook_url` (e.g. a live_server URL).
"""

from __future__ import annotations

import os
import socket

import pytest

from loket.channels.whatsapp import sending
from loket.channels.whatsapp.fake_graph import FakeGraph

ACCESS_TOKEN = "test-access-token"
APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"


def _free_port() -> int:
    """A free port of LOKET_TEST_PORTS ("8100-8149") when set, else one the OS picks."""
    span = os.environ.get("LOKET_TEST_PORTS", "")
    if not span:
        return 0
    first, last = (int(p) for p in span.split("-"))
    for port in range(first, last + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return 0


@pytest.fixture(scope="session")
def _fake_graph_server():
    fake = FakeGraph(port=_free_port(), access_token=ACCESS_TOKEN, app_secret=APP_SECRET).start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_graph(_fake_graph_server, settings):
    fake = _fake_graph_server
    fake.reset()
    fake.webhook_url = ""
    fake.access_token = ACCESS_TOKEN
    fake.app_secret = APP_SECRET
    fake.statuses = ("sent", "delivered")
    settings.LOKET_WA_GRAPH_URL = fake.url
    settings.LOKET_WA_ACCESS_TOKEN = ACCESS_TOKEN
    settings.LOKET_WA_APP_SECRET = APP_SECRET
    settings.LOKET_WA_VERIFY_TOKEN = VERIFY_TOKEN
    sending.forget_state()  # office number state cached by the sender belongs to the last test
    yield fake
    sending.forget_state()
    fake.failures.clear()
