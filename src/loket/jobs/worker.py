"""The worker loop behind `loket worker` (and the in-process worker of `loket demo`)."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from django.db import close_old_connections

from loket.jobs import queue

log = logging.getLogger(__name__)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


def run_forever(*, poll: float = 0.2, stop: threading.Event | None = None, batch: int = 1) -> None:
    stop = stop or threading.Event()
    me = worker_id()
    last_periodic = 0.0
    periodic_done: dict[str, int] = {}
    log.info("worker %s started", me)
    while not stop.is_set():
        close_old_connections()
        try:
            if time.monotonic() - last_periodic >= 1.0:
                queue.enqueue_periodic(done=periodic_done)
                last_periodic = time.monotonic()
            jobs = queue.claim(me, limit=batch)
        except Exception:  # the database went away: wait and try again, never die
            log.exception("worker %s could not claim jobs", me)
            stop.wait(2.0)
            continue
        if not jobs:
            stop.wait(poll)
            continue
        for job in jobs:
            queue.run(job)
    log.info("worker %s stopped", me)
