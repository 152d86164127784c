"""Background work: nothing lost when a worker dies, nothing run twice, order per key."""

import datetime as dt

import pytest
import time_machine
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
    with time_machine.travel(timezone.now() + queue.LEASE + dt.timedelta(seconds=1)):
        (again,) = queue.claim("other")  # its lease ran out: given back, then claimed
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


# --- soon: a job's follow-ups run in the same worker, under the same rules ---------------------


@queue.handler("test.parent")
def parent(payload):
    ran.append("parent")
    for n in payload["children"]:
        queue.enqueue("test.record", {"n": n}, ordering_key="resident:1", soon=True)


def test_jobs_enqueued_soon_by_a_running_job_run_right_after_it_in_order():
    queue.enqueue("test.parent", {"children": [1, 2, 3]})
    queue.enqueue("test.record", {"n": "other"}, priority=-5)
    (job,) = queue.claim("w1")
    assert queue.run(job) == Job.State.DONE
    # the three children ran in the same call, before any other due job
    assert ran == ["parent", 1, 2, 3]
    assert Job.objects.filter(name="test.record", state=Job.State.DONE).count() == 3
    assert set(
        Job.objects.filter(name="test.record", state=Job.State.DONE).values_list("leased_by", flat=True)
    ) == {"w1"}


def test_a_follow_up_another_worker_took_first_is_not_run_twice():
    @queue.handler("test.parent_raced")
    def raced(payload):
        queue.enqueue("test.record", {"n": 7}, soon=True)
        # another worker claims the child before this job finishes
        assert [j.payload["n"] for j in queue.claim("w2", names=["test.record"])] == [7]

    queue.enqueue("test.parent_raced", {})
    (job,) = queue.claim("w1")
    queue.run(job)
    child = Job.objects.get(name="test.record")
    assert child.state == Job.State.RUNNING and child.leased_by == "w2" and ran == []


def test_a_follow_up_waits_behind_an_earlier_job_of_its_ordering_key():
    queue.enqueue(
        "test.record",
        {"n": "earlier"},
        ordering_key="resident:1",
        run_after=timezone.now() + dt.timedelta(hours=1),
    )
    queue.enqueue("test.parent", {"children": [1]})
    (job,) = queue.claim("w1")
    queue.run(job)
    assert ran == ["parent"]  # the child stays pending for its turn
    assert Job.objects.filter(name="test.record", state=Job.State.PENDING).count() == 2


def test_soon_outside_a_running_job_only_records_the_job():
    queue.enqueue("test.record", {"n": 1}, soon=True)
    assert ran == [] and Job.objects.get().state == Job.State.PENDING
