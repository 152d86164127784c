"""The survey's periodic job: close surveys nobody finished in time (autodiscovered)."""

from django.conf import settings

from loket.jobs import queue
from loket.survey import flow

EXPIRE_JOB = "survey.expire"

queue.periodic(EXPIRE_JOB, settings.LOKET_SKM_EXPIRE_CHECK_SECONDS)


@queue.handler(EXPIRE_JOB)
def expire(payload: queue.Payload) -> None:
    flow.expire()
