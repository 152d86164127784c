"""The worker loop behind `loket worker` (and the in-process worker of `loket demo`).

A worker never exits on an error, wherever it happens (claiming, a job's bookkeeping,
connection housekeeping, periodic jobs): it closes its connections, waits a capped and
jittered while, and tries again. An outage is logged once when it starts and once when it
ends, never once per try. A job whose bookkeeping failed half-way keeps its lease, which
runs out; another round runs it again (handlers are idempotent).
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DatabaseError, InterfaceError, close_old_connections, connections

from loket.jobs import queue

log = logging.getLogger(__name__)

OUTAGE_FIRST = 0.5  # seconds: the first wait after an error
OUTAGE_CAP = 10.0  # seconds: the longest wait, however long the outage
# A worker gives back expired leases at most this often, not before every claim: a lease
# runs for a minute (queue.LEASE), so a second's delay changes nothing, and the claim
# rounds of a busy worker (several per resident message) save one UPDATE each.
RECLAIM_EVERY = 1.0  # seconds


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


@dataclass
class Backoff:
    """Waits between tries during an outage: doubling from `first` up to `cap`, jittered.

    The jitter (each wait drawn between half and all of its ceiling) keeps a room of
    workers from knocking on the database in step when it comes back.
    """

    first: float = OUTAGE_FIRST
    cap: float = OUTAGE_CAP
    rng: random.Random = field(default_factory=random.Random)
    tries: int = 0

    def next_delay(self) -> float:
        # The exponent stops growing once past the cap (a week-long outage must not overflow).
        ceiling = min(self.cap, self.first * (2.0 ** min(self.tries, 32)))
        self.tries += 1
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def reset(self) -> None:
        self.tries = 0


def is_database_error(exc: BaseException) -> bool:
    """Django's wrapped errors and the driver's own (a connection closed under us)."""
    if isinstance(exc, DatabaseError | InterfaceError):
        return True
    module = type(exc).__module__ or ""
    return module.startswith(("psycopg", "sqlite3"))


def _where(exc: BaseException) -> str:
    """The innermost frame of an error, as file:line: enough to find it, no message text
    (messages can quote the data that failed)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{os.path.basename(last.filename)}:{last.lineno}"


@dataclass
class Outage:
    """One line when trouble starts, one when it ends (with its length); silence between."""

    worker: str
    clock: Callable[[], float] = time.monotonic
    since: float | None = None
    kind: str = ""
    errors: int = 0

    @property
    def ongoing(self) -> bool:
        return self.since is not None

    def failed(self, exc: BaseException) -> None:
        self.errors += 1
        if self.since is not None:
            return
        self.since = self.clock()
        if is_database_error(exc):
            self.kind = "database"
            log.warning(
                "worker %s: database unavailable (%s); retrying with backoff", self.worker, type(exc).__name__
            )
        else:
            self.kind = "error"
            log.error(
                "worker %s: unexpected %s at %s; continuing with backoff",
                self.worker,
                type(exc).__name__,
                _where(exc),
            )

    def recovered(self) -> None:
        if self.since is None:
            return
        lasted = self.clock() - self.since
        what = "database available again" if self.kind == "database" else "working again"
        log.warning("worker %s: %s after %.1fs (%d failed tries)", self.worker, what, lasted, self.errors)
        self.since, self.kind, self.errors = None, "", 0


def close_all_connections() -> None:
    """Drop this thread's connections, whatever state they are in: the next query opens a
    fresh one. Closing a broken connection can itself fail; that is fine."""
    for conn in connections.all(initialized_only=True):
        with contextlib.suppress(Exception):
            conn.close()


@dataclass
class Round:
    """What one worker does each time round its loop; kept apart so a test can drive it."""

    me: str
    batch: int = 1
    names: list[str] | None = None
    exclude: list[str] | None = None
    periodic_done: dict[str, int] = field(default_factory=dict)
    last_periodic: float = float("-inf")
    last_reclaim: float = float("-inf")

    def __call__(self) -> bool:
        """Run one round; True when it found work. Errors propagate to the loop."""
        close_old_connections()
        if time.monotonic() - self.last_periodic >= 1.0:
            queue.enqueue_periodic(done=self.periodic_done)
            self.last_periodic = time.monotonic()
        if time.monotonic() - self.last_reclaim >= RECLAIM_EVERY:
            queue.reclaim_expired()
            self.last_reclaim = time.monotonic()
        jobs = queue.claim(self.me, limit=self.batch, names=self.names, exclude=self.exclude, reclaim=False)
        for job in jobs:
            queue.run(job)
        return bool(jobs)


def run_forever(
    *,
    poll: float = 0.2,
    stop: threading.Event | None = None,
    batch: int = 1,
    names: list[str] | None = None,
    exclude: list[str] | None = None,
    backoff: Backoff | None = None,
) -> None:
    """Claim and run jobs until `stop` is set; never return early on an error.

    `names` / `exclude`: claim only these job kinds / every kind but these.
    """
    stop = stop or threading.Event()
    me = worker_id()
    backoff = backoff or Backoff()
    outage = Outage(me)
    one_round = Round(me, batch=batch, names=names, exclude=exclude)
    log.info("worker %s started", me)
    while not stop.is_set():
        try:
            found = one_round()
        except Exception as exc:  # never die: back off, reconnect, resume
            outage.failed(exc)
            close_all_connections()
            stop.wait(backoff.next_delay())
            continue
        outage.recovered()
        backoff.reset()
        if not found:
            stop.wait(poll)
    close_all_connections()
    log.info("worker %s stopped", me)
