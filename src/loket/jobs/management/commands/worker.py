import signal
import threading

from django.core.management.base import BaseCommand

from loket.jobs import queue
from loket.jobs.worker import run_forever, worker_id


class Command(BaseCommand):
    help = "Run background work (leased jobs in the database) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is due, then exit")
        parser.add_argument("--poll", type=float, default=0.2, help="seconds between polls when idle")
        parser.add_argument(
            "--batch", type=int, default=1, help="jobs claimed per round trip (bench_outbound uses 20)"
        )

    def handle(self, *args, once, poll, batch, **options):
        if once:
            queue.enqueue_periodic()
            outcome = queue.run_pending(worker_id())
            self.stdout.write(f"selesai {outcome.done}, gagal {outcome.failed}, diulang {outcome.retried}")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        run_forever(poll=poll, stop=stop, batch=batch)
