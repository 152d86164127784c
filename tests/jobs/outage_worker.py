"""`python -m tests.jobs.outage_worker`: a real `loket worker` for the outage tests, with one
slow job kind of their own and a short lease (so a job caught by the outage comes back
within the test's seconds, not the production minute). Run it; never import it (it sets
up Django and shortens the lease of the process that imports it)."""

from __future__ import annotations

import datetime as dt
import os
import time

import django

SLOW_JOB = "test.outage.slow"


def slow(payload: dict) -> None:
    time.sleep(payload["sleep"])


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings")
    django.setup()
    from django.core.management import call_command

    from loket.jobs import queue

    queue.LEASE = dt.timedelta(seconds=float(os.environ.get("TEST_JOB_LEASE_SECONDS", "3")))
    queue.handler(SLOW_JOB)(slow)
    call_command("worker", "--poll", "0.1")
