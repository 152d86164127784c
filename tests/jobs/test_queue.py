"""Background work: nothing lost when a worker dies, nothing run twice, order per key."""

import datetime as dt

import pytest
from django.utils import timezone

from loket.jobs import queue
from loket.jobs.models import Job

pytestmark = pytest.mark.django_db

ran: list = []


@queue.handler("test.record")
def record(payload):
    ran.append(payload["n"])


@queue.handler("test.flaky")
def flaky(payload):
    ran.append("try")
    if len(ran) < 3:
        raise ConnectionError("network down")


@queue.handler("test.broken")
def broken(payload):
    raise queue.GiveUp("bad input")


@pytest.fixture(autouse=True)
def clear():
    ran.clear()


def test_a_key_makes_enqueue_idempotent():
    first = queue.enqueue("test.record", {"n": 1}, key="delivery:1")
    second = queue.enqueue("test.record", {"n": 1}, key="delivery:1")
    assert first.pk == second.pk
    queue.run_pending()
    assert ran == [1]


def test_jobs_with_one_ordering_key_run_oldest_first_one_at_a_time():
    for n in range(3):
        queue.enqueue("test.record", {"n": n}, ordering_key="resident:7")
    first = queue.claim("w1")
    assert [j.payload["n"] for j in first] == [0]
    # while the first runs, no other job of that resident can be claimed
    assert queue.claim("w2") == []
    queue.run(first[0])
    queue.run_pending()
    assert ran == [0, 1, 2]


def test_a_job_of_a_killed_worker_is_picked_up_after_its_lease():
    queue.enqueue("test.record", {"n": 5})
    (job,) = queue.claim("worker-that-dies")
    assert queue.claim("other") == []  # leased
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    (again,) = queue.claim("other")
    assert again.pk == job.pk and again.attempts == 2
    queue.run(again)
    assert ran == [5]


def test_transient_errors_are_retried_with_backoff():
    job = queue.enqueue("test.flaky", {})
    queue.run_pending()
    job.refresh_from_db()
    assert job.state == Job.State.PENDING and job.run_after > timezone.now()
    assert "ConnectionError" in job.last_error
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    queue.run_pending()
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    queue.run_pending()
    job.refresh_from_db()
    assert job.state == Job.State.DONE and ran == ["try", "try", "try"]


def test_give_up_fails_at_once_and_keeps_the_reason():
    job = queue.enqueue("test.broken", {})
    queue.run_pending()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "bad input" in job.last_error


def test_backoff_starts_within_seconds_and_is_capped():
    assert 1 <= queue.backoff(1) <= 2
    assert queue.backoff(50) <= queue.BACKOFF_CAP
