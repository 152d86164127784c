"""Background work of the case workflow (autodiscovered by the worker)."""

from __future__ import annotations

import logging

from loket.cases.workflow import expire_stale
from loket.jobs.queue import handler, periodic

log = logging.getLogger(__name__)

EXPIRE_JOB = "cases.expire_stale"
periodic(EXPIRE_JOB, every_seconds=3600)


@handler(EXPIRE_JOB)
def expire_stale_job(payload: dict) -> None:
    reminded, expired = expire_stale()
    if reminded or expired:
        log.info("cases reminded=%s expired=%s", reminded, expired)
