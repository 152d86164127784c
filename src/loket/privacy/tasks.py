"""The daily retention purge (autodiscovered by the worker)."""

from __future__ import annotations

from loket.jobs.queue import handler, periodic
from loket.privacy import retention

PURGE_JOB = "privacy.purge"
periodic(PURGE_JOB, every_seconds=24 * 3600)


@handler(PURGE_JOB)
def purge_job(payload: dict) -> None:
    retention.purge()
