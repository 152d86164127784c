"""Job handlers of the jobs app itself (autodiscovered like every app's `tasks`)."""

from django.conf import settings

from loket.jobs import queue
from loket.jobs.purge import PURGE_JOB, purge_finished

queue.periodic(PURGE_JOB, settings.LOKET_JOBS_PURGE_SECONDS)


@queue.handler(PURGE_JOB)
def purge(payload: queue.Payload) -> None:
    purge_finished()
