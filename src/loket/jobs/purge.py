"""Purging finished jobs: the table keeps what must happen, not a history of everything.

Dispatch wake-ups and periodic jobs add thousands of rows a day. Done jobs go after
LOKET_JOBS_KEEP_DAYS, failed ones after LOKET_JOBS_KEEP_FAILED_DAYS (an administrator may
still need to read why). Pending and running jobs are never touched. A purged job's key
can be enqueued again: handlers are idempotent anyway (a redelivered message is known by
its WhatsApp id, not by its job), and the keep period outlasts Meta's redeliveries.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from loket.jobs.models import Job

PURGE_JOB = "jobs.purge"
# Deleted in chunks so that a first purge of a big table never holds long locks.
CHUNK = 2000


def purge_finished(now: dt.datetime | None = None) -> int:
    """Delete finished jobs older than their keep period; returns how many went."""
    now = now or timezone.now()
    rules = [
        (Job.State.DONE, settings.LOKET_JOBS_KEEP_DAYS),
        (Job.State.FAILED, settings.LOKET_JOBS_KEEP_FAILED_DAYS),
    ]
    purged = 0
    for state, days in rules:
        older = Job.objects.filter(state=state, finished_at__lt=now - dt.timedelta(days=days))
        while True:
            ids = list(older.order_by("pk").values_list("pk", flat=True)[:CHUNK])
            if not ids:
                break
            purged += Job.objects.filter(pk__in=ids, state=state).delete()[0]
    return purged
