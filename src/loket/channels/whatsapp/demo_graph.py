"""`loket demo`'s stand-in for Meta: the fake Graph API in the demo's process.

Registered into `loket.core.demo_stand_ins` from `WhatsAppConfig.ready()`.
"""

from __future__ import annotations

import os

from django.conf import settings

from loket.channels.whatsapp.fake_graph import FakeGraph
from loket.core.demo_stand_ins import StandIn


def start(host: str, port: int, serve: bool) -> StandIn:
    """Start the fake Graph API (posting statuses to our webhook) unless only described."""
    graph_port = int(os.environ.get("LOKET_DEMO_GRAPH_PORT", str(port + 1)))
    fake = _start_fake_graph(host, port, graph_port) if serve else None
    graph_url = fake.url if fake else f"http://{host}:{graph_port}"
    state = f"pesan keluar: {graph_url}/_fake/messages" if fake else "tidak dijalankan: --no-serve"
    line = (
        f"Fake Graph API (pengganti Meta) di port {graph_port} (--port + 1, atau LOKET_DEMO_GRAPH_PORT): "
        f"{graph_url}  ({state})"
    )
    return StandIn([line], fake.stop if fake else lambda: None)


def _start_fake_graph(host: str, port: int, graph_port: int) -> FakeGraph:
    demo_values = {
        "LOKET_DEMO": "1",
        "LOKET_WA_APP_SECRET": "demo-app-secret",
        "LOKET_WA_VERIFY_TOKEN": "demo-verify-token",
        "LOKET_WA_ACCESS_TOKEN": "demo-access-token",
    }
    for name, value in demo_values.items():
        os.environ.setdefault(name, value)
    fake = FakeGraph(
        host=host,
        port=graph_port,
        access_token=os.environ["LOKET_WA_ACCESS_TOKEN"],
        app_secret=os.environ["LOKET_WA_APP_SECRET"],
        webhook_url=f"http://{host}:{port}/webhooks/whatsapp",
        statuses=("sent", "delivered", "read"),
    ).start()
    os.environ["LOKET_WA_GRAPH_URL"] = fake.url
    # This process already read its settings: the worker thread needs the same values
    # as the web server's processes, which read the environment afresh.
    settings.DEMO = True
    for name in (
        "LOKET_WA_APP_SECRET",
        "LOKET_WA_VERIFY_TOKEN",
        "LOKET_WA_ACCESS_TOKEN",
        "LOKET_WA_GRAPH_URL",
    ):
        setattr(settings, name, os.environ[name])
    return fake
