"""`loket fake-graph --port N`: run the fake Graph API until stopped (demo, manual checks)."""

from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from loket.channels.whatsapp.fake_graph import FakeGraph


class Command(BaseCommand):
    help = "Run a fake WhatsApp Graph API on 127.0.0.1 (sends, media, failures, signed status webhooks)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8100)
        parser.add_argument(
            "--webhook-url",
            default="",
            help="where to post status webhooks, e.g. http://127.0.0.1:8000/webhooks/whatsapp",
        )
        parser.add_argument("--access-token", default="", help="default: LOKET_WA_ACCESS_TOKEN")
        parser.add_argument("--app-secret", default="", help="default: LOKET_WA_APP_SECRET")

    def handle(self, *args, host, port, webhook_url, access_token, app_secret, **options):
        fake = FakeGraph(
            host=host,
            port=port,
            access_token=access_token or settings.LOKET_WA_ACCESS_TOKEN or "fake-access-token",
            app_secret=app_secret or settings.LOKET_WA_APP_SECRET,
            webhook_url=webhook_url,
        ).start()
        self.stdout.write(f"Fake Graph API di {fake.url} (LOKET_WA_GRAPH_URL={fake.url})")
        self.stdout.flush()
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        stop.wait()
        fake.stop()
