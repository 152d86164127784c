"""Webhooks out (loket.hooks): what a subscription costs a state change, and how fast one
worker sends signed deliveries to a local receiver.

Runs on a throwaway SQLite file (DATABASE_URL overrides). Prints:
1. `Case.move_to` time per state change with 0 and with 3 matching subscriptions (the
   outbox rows and job rows are written inside the change's transaction);
2. deliveries per second through the job queue (`queue.run_pending`, one worker thread)
   to a threaded http.server on 127.0.0.1 that checks every signature.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHANGES = int(os.environ.get("BENCH_HOOK_CHANGES", "200"))
SUBSCRIPTIONS = 3


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings")
    os.environ.setdefault("LOKET_DATA_DIR", tempfile.mkdtemp(prefix="loket-bench-hooks-"))
    os.environ.setdefault("LOKET_SECRET_KEY", "bench-only-secret-key")
    os.environ["LOKET_HOOKS_ALLOWED_NETWORKS"] = "127.0.0.1/32"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def receiver(secrets: list[str]) -> tuple[ThreadingHTTPServer, dict[str, int]]:
    counts = {"ok": 0, "bad": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            signature = self.headers.get("X-Loket-Signature", "")
            good = any(
                hmac.compare_digest(
                    "sha256=" + hmac.new(s.encode(), body, hashlib.sha256).hexdigest(), signature
                )
                for s in secrets
            )
            counts["ok" if good else "bad"] += 1
            self.send_response(204 if good else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, counts


def cases(n: int, tag: str):
    from loket.cases.models import Case, Resident

    made = []
    for i in range(n):
        resident = Resident.objects.create(
            channel_number="1001", user_id=f"6281{tag}{i:06d}", wa_id=f"6281{tag}{i:06d}"
        )
        made.append(
            Case.objects.create(
                request_number=f"KIA-B{tag}-{i:05d}",
                service="KIA",
                subject=f"36030355122{i:05d}",
                resident=resident,
                kode_kecamatan="36.03.03",
            )
        )
    return made


def timed_changes(made) -> list[float]:
    from loket.cases.models import State

    times = []
    for case in made:
        started = time.perf_counter()
        case.move_to(State.QUEUED, source="channel")
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    setup_django()
    from loket.hooks import subscriptions
    from loket.hooks.delivery import DELIVER_JOB
    from loket.hooks.models import EventDelivery
    from loket.jobs import queue

    without = timed_changes(cases(CHANGES, "0"))
    secrets: list[str] = []  # filled below: the receiver checks against these
    server, counts = receiver(secrets)
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    for i in range(SUBSCRIPTIONS):
        draft = subscriptions.Draft(f"bench {i}", url, ["case.state_changed"], [], [])
        secrets.append(subscriptions.create(draft, known_services=["KIA"], known_kecamatan=[]).secret)
    with_subs = timed_changes(cases(CHANGES, "1"))
    pending = EventDelivery.objects.filter(status="pending").count()
    started = time.perf_counter()
    queue.run_pending(names=[DELIVER_JOB])
    elapsed = time.perf_counter() - started
    delivered = EventDelivery.objects.filter(status="delivered").count()
    server.shutdown()
    server.server_close()
    print(f"state changes: {CHANGES} each, SQLite")
    print(
        f"  move_to, no subscription:        median {statistics.median(without):.2f} ms, "
        f"p95 {statistics.quantiles(without, n=20)[18]:.2f} ms"
    )
    print(
        f"  move_to, {SUBSCRIPTIONS} matching subscriptions: median {statistics.median(with_subs):.2f} ms, "
        f"p95 {statistics.quantiles(with_subs, n=20)[18]:.2f} ms"
    )
    print(
        f"deliveries: {pending} recorded, {delivered} delivered in {elapsed:.2f} s by one worker thread "
        f"({delivered / elapsed:.0f}/s); signatures checked by the receiver: {counts['ok']} good, {counts['bad']} bad"
    )
