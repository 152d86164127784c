"""`loket demo` (what `make demo` runs): Loket on the embedded defaults with demo data."""

from __future__ import annotations

import os
import threading
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from loket.core.demo_stand_ins import start_all
from loket.core.secrets import ensure_secret_key
from loket.jobs.worker import run_forever


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
        # Stand-ins for outside services (the channel's fake provider API), registered by
        # the capabilities; with --no-serve they are only described.
        stand_ins = start_all(host, port, serve=not no_serve)
        call_command("migrate", interactive=False, verbosity=0)
        self.load_demo_data()
        # Every address in one place, on the port asked for (the demo data above names only paths).
        self.stdout.write("")
        self.stdout.write(f"Data dan berkas demo: {settings.DATA_DIR}")
        self.stdout.write(f"Konsol petugas: {base}/console/login/  (akun demo dan kunci TOTP-nya di atas)")
        self.stdout.write(f"Admin: {base}/admin/  (akun admin dan kunci TOTP-nya di atas)")
        self.stdout.write(f"Simulator WhatsApp (coba sebagai warga): {base}/simulator/")
        for stand_in in stand_ins:
            for line in stand_in.lines:
                self.stdout.write(line)
        self.stdout.write(f"Buka: {base}/")
        if no_serve:
            return
        stop = self.start_worker()
        try:
            call_command("serve", host=host, port=port)
        finally:
            stop.set()
            for stand_in in stand_ins:
                stand_in.stop()

    def use_public_url(self, base: str) -> None:
        """Receipts' QR codes point at the demo's own address, unless LOKET_PUBLIC_URL is set."""
        if os.environ.get("LOKET_PUBLIC_URL"):
            return
        os.environ["LOKET_PUBLIC_URL"] = base  # for the web server's processes
        settings.LOKET_PUBLIC_URL = base  # this process read its settings already

    def start_worker(self) -> threading.Event:
        """Background work in a thread of this process (`loket worker` in production)."""
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
