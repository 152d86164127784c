"""The jobs table does not grow for ever: finished jobs go after a while, failed ones later."""

import datetime as dt

import pytest
from django.utils import timezone

from loket.jobs import queue
from loket.jobs.models import Job
from loket.jobs.purge import PURGE_JOB, purge_finished

pytestmark = pytest.mark.django_db


def job(state: str, days_ago: float | None, name: str = "test.any") -> Job:
    finished = timezone.now() - dt.timedelta(days=days_ago) if days_ago is not None else None
    return Job.objects.create(name=name, state=state, finished_at=finished, key=f"k:{Job.objects.count()}")


def test_done_jobs_go_after_a_week_failed_ones_after_a_month_unfinished_ones_never(settings):
    settings.LOKET_JOBS_KEEP_DAYS = 7
    settings.LOKET_JOBS_KEEP_FAILED_DAYS = 30
    old_done = job(Job.State.DONE, 8)
    recent_done = job(Job.State.DONE, 6)
    failed_last_week = job(Job.State.FAILED, 8)
    old_failed = job(Job.State.FAILED, 31)
    waiting = job(Job.State.PENDING, None)
    stuck = job(Job.State.RUNNING, None)
    assert purge_finished() == 2
    left = set(Job.objects.values_list("pk", flat=True))
    assert left == {recent_done.pk, failed_last_week.pk, waiting.pk, stuck.pk}
    assert old_done.pk not in left and old_failed.pk not in left


def test_the_purge_is_a_periodic_job_the_worker_runs(settings):
    settings.LOKET_JOBS_KEEP_DAYS = 1
    for _ in range(3):
        job(Job.State.DONE, 2)
    queue.enqueue_periodic()
    queue.run_pending(names=[PURGE_JOB])
    assert not Job.objects.filter(name="test.any").exists()
    assert Job.objects.filter(name=PURGE_JOB, state=Job.State.DONE).exists()
