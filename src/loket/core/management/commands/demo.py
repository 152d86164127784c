"""`loket demo` (what `make demo` runs): Loket on the embedded defaults with demo data."""

from __future__ import annotations

import os
import threading
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from loket.core.secrets import ensure_secret_key


class Command(BaseCommand):
    help = "Migrate, load demo data and run Loket (web server and background work)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("LOKET_DEMO_PORT", "8000")))
        parser.add_argument("--no-serve", action="store_true", help="prepare the demo but do not serve")

    def handle(self, *args, host, port, no_serve, **options):
        # The demo keeps a generated key under the data directory; the web server's
        # worker processes inherit it through the environment.
        settings.SECRET_KEY = ensure_secret_key(settings.DATA_DIR)
        base = f"http://{host}:{port}"
        self.use_public_url(base)
        graph_port = int(os.environ.get("LOKET_DEMO_GRAPH_PORT", str(port + 1)))
        fake = None if no_serve else self.start_fake_graph(host, port, graph_port)
        call_command("migrate", interactive=False, verbosity=0)
        self.load_demo_data()
        # Every address in one place, on the port asked for (the demo data above names only paths).
        self.stdout.write("")
        self.stdout.write(f"Data dan berkas demo: {settings.DATA_DIR}")
        self.stdout.write(f"Konsol petugas: {base}/console/login/  (akun demo dan kunci TOTP-nya di atas)")
        self.stdout.write(f"Admin: {base}/admin/  (akun admin dan kunci TOTP-nya di atas)")
        self.stdout.write(f"Simulator WhatsApp (coba sebagai warga): {base}/simulator/")
        graph_url = fake.url if fake else f"http://{host}:{graph_port}"
        state = "tidak dijalankan: --no-serve" if no_serve else f"pesan keluar: {graph_url}/_fake/messages"
        self.stdout.write(
            f"Fake Graph API (pengganti Meta) di port {graph_port} (--port + 1, atau LOKET_DEMO_GRAPH_PORT): "
            f"{graph_url}  ({state})"
        )
        self.stdout.write(f"Buka: {base}/")
        if no_serve:
            return
        stop = self.start_worker()
        try:
            call_command("serve", host=host, port=port)
        finally:
            stop.set()
            fake.stop()

    def use_public_url(self, base: str) -> None:
        """Receipts' QR codes point at the demo's own address, unless LOKET_PUBLIC_URL is set."""
        if os.environ.get("LOKET_PUBLIC_URL"):
            return
        os.environ["LOKET_PUBLIC_URL"] = base  # for the web server's processes
        settings.LOKET_PUBLIC_URL = base  # this process read its settings already

    def start_fake_graph(self, host: str, port: int, graph_port: int):
        """Stand in for Meta: the fake Graph API in this process, posting statuses to our webhook."""
        from loket.channels.whatsapp.fake_graph import FakeGraph

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

    def start_worker(self) -> threading.Event:
        """Background work in a thread of this process (`loket worker` in production)."""
        from loket.jobs.worker import run_forever

        stop = threading.Event()
        threading.Thread(target=run_forever, kwargs={"stop": stop}, daemon=True, name="loket-worker").start()
        return stop

    def load_demo_data(self) -> None:
        # Each capability loads its own demo data from `<app>/demo.py`, `load(out)`
        # (idempotent: `make demo` runs it on every start); the admin's superuser and the
        # staff accounts, each with a TOTP device, come from loket.console.demo.
        for app_config in apps.get_app_configs():
            if not app_config.name.startswith("loket."):
                continue
            try:
                module = import_module(f"{app_config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app_config.name}.demo":
                    raise
                continue
            module.load(self.stdout)
