"""Console background work (autodiscovered by the worker)."""

from __future__ import annotations

import logging

from loket.console.queue import release_idle
from loket.jobs.queue import handler, periodic

log = logging.getLogger(__name__)

RELEASE_JOB = "console.release_idle"
periodic(RELEASE_JOB, every_seconds=300)


@handler(RELEASE_JOB)
def release_idle_job(payload: dict) -> None:
    released = release_idle()
    if released:
        log.info("console released %s idle cases", released)
