"""`loket worker`: claim and run background jobs until stopped (or once, with `--once`)."""

from __future__ import annotations

import argparse
import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from loket.jobs import queue
from loket.jobs.worker import run_forever, worker_id


def parse_kinds(value: str | None, option: str) -> list[str] | None:
    """A comma-separated list of registered job kinds; a clear error for any other name."""
    if value is None:
        return None
    kinds = [kind.strip() for kind in value.split(",") if kind.strip()]
    if not kinds:
        raise CommandError(f"{option}: give at least one job kind, e.g. {option} whatsapp.send")
    known = set(queue.kinds())
    unknown = [kind for kind in kinds if kind not in known]
    if unknown:
        raise CommandError(
            f"{option}: unknown job kind {', '.join(unknown)}. Known kinds: {', '.join(sorted(known))}"
        )
    return kinds


class Command(BaseCommand):
    help = "Run background work (leased jobs in the database) until stopped."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="run what is due, then exit")
        parser.add_argument("--poll", type=float, default=0.2, help="seconds between polls when idle")
        parser.add_argument(
            "--batch", type=int, default=1, help="jobs claimed per round trip (bench_outbound uses 20)"
        )
        parser.add_argument(
            "--only", metavar="KINDS", help="claim only these job kinds (comma-separated, e.g. whatsapp.send)"
        )
        parser.add_argument(
            "--skip", metavar="KINDS", help="claim every job kind except these (comma-separated)"
        )

    def handle(
        self,
        *args: object,
        once: bool,
        poll: float,
        batch: int,
        only: str | None,
        skip: str | None,
        **options: object,
    ) -> None:
        if only is not None and skip is not None:
            raise CommandError("--only and --skip cannot be used together: choose one")
        names = parse_kinds(only, "--only")
        exclude = parse_kinds(skip, "--skip")
        if once:
            # Periodic rows are recorded whatever the filter: harmless (one per slot), and
            # a worker that does not claim them leaves them to one that does.
            queue.enqueue_periodic()
            outcome = queue.run_pending(worker_id(), names=names, exclude=exclude)
            self.stdout.write(f"selesai {outcome.done}, gagal {outcome.failed}, diulang {outcome.retried}")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        run_forever(poll=poll, stop=stop, batch=batch, names=names, exclude=exclude)
