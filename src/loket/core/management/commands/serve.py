"""`loket serve`: the production web server (granian, WSGI, several workers)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the production web server (granian WSGI) on --host/--port."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=int(os.environ.get("LOKET_WEB_WORKERS", "2")))
        # Few blocking threads per worker: each thread keeps a database connection, and
        # 2 measured fastest for the webhook on a 2-core machine (toolchain notes).
        parser.add_argument("--threads", type=int, default=int(os.environ.get("LOKET_WEB_THREADS", "2")))

    def handle(self, *args, host, port, workers, threads, **options):
        if not os.environ.get("LOKET_SECRET_KEY") and not settings.DEBUG:
            raise CommandError("LOKET_SECRET_KEY belum diisi (wajib bila LOKET_DEBUG mati).")
        from granian import Granian
        from granian.constants import Interfaces

        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Loket berjalan di http://{host}:{port}/", ending="\n")
        self.stdout.flush()
        Granian(
            "loket.wsgi:application",
            address=host,
            port=port,
            interface=Interfaces.WSGI,
            workers=workers,
            blocking_threads=threads,
            log_access=False,
            respawn_failed_workers=True,
        ).serve()
