"""Every job kind ends `failed` after its maximum attempts, however it keeps failing: by
raising, or by killing or hanging its worker so that its lease runs out every time."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from loket.jobs import queue
from loket.jobs.models import Job

pytestmark = pytest.mark.django_db

hooked: list[tuple[dict, str]] = []


def _remember(payload: dict, error: str) -> None:
    hooked.append((payload, error))


@queue.handler("test.always_broken", on_failure=_remember)
def always_broken(payload: dict) -> None:
    raise ValueError("this input can never work")


@queue.handler("test.kills_its_worker", on_failure=_remember)
def kills_its_worker(payload: dict) -> None:  # never reached: the claim is all a dying worker does
    raise AssertionError


def _hook_raises(payload: dict, error: str) -> None:
    raise RuntimeError("the hook itself is broken")


@queue.handler("test.broken_hook", on_failure=_hook_raises)
def broken_hook(payload: dict) -> None:
    raise ValueError("fails")


@pytest.fixture(autouse=True)
def clear() -> None:
    hooked.clear()


def _make_due() -> None:
    Job.objects.filter(state=Job.State.PENDING).update(run_after=timezone.now())


def test_a_job_that_always_raises_ends_failed_after_its_attempts_and_its_hook_runs_once() -> None:
    job = queue.enqueue("test.always_broken", {"n": 1}, max_attempts=3)
    for _ in range(10):
        queue.run_pending()
        _make_due()
    job.refresh_from_db()
    assert (job.state, job.attempts) == (Job.State.FAILED, 3)
    assert "ValueError: this input can never work" in job.last_error
    assert job.finished_at is not None
    assert hooked == [({"n": 1}, job.last_error)]


def test_a_job_whose_worker_dies_every_time_ends_failed_instead_of_coming_back_for_ever() -> None:
    job = queue.enqueue("test.kills_its_worker", {"n": 2}, max_attempts=3)
    now = timezone.now()
    for attempt in range(1, 4):
        with time_machine.travel(now + attempt * (queue.LEASE + dt.timedelta(seconds=1))):
            (claimed,) = queue.claim(f"worker-{attempt}")  # ... and the worker is killed
        assert claimed.pk == job.pk and claimed.attempts == attempt
    with time_machine.travel(now + 4 * (queue.LEASE + dt.timedelta(seconds=1))):
        assert queue.claim("worker-4") == []
    job.refresh_from_db()
    assert (job.state, job.attempts) == (Job.State.FAILED, 3)
    assert job.last_error == queue.LEASE_EXPIRED_ERROR
    assert hooked == [({"n": 2}, queue.LEASE_EXPIRED_ERROR)]


def test_an_expired_lease_before_the_last_attempt_is_still_given_back() -> None:
    job = queue.enqueue("test.kills_its_worker", {}, max_attempts=3)
    queue.claim("dies")
    with time_machine.travel(timezone.now() + queue.LEASE + dt.timedelta(seconds=1)):
        assert queue.reclaim_expired() == 1
    job.refresh_from_db()
    assert job.state == Job.State.PENDING
    assert hooked == []


def test_a_failed_job_no_longer_blocks_its_ordering_key() -> None:
    queue.enqueue("test.always_broken", {}, max_attempts=1, ordering_key="resident:9")
    later = queue.enqueue("test.always_broken", {"later": True}, max_attempts=1, ordering_key="resident:9")
    queue.run_pending()
    later.refresh_from_db()
    assert later.state == Job.State.FAILED  # it ran: the first one's failure did not stall the key


def test_a_raising_failure_hook_does_not_undo_the_failed_state(caplog) -> None:
    job = queue.enqueue("test.broken_hook", {}, max_attempts=1)
    queue.run_pending()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "failure hook raised RuntimeError" in caplog.text


def test_every_periodic_job_is_recorded_with_a_single_attempt() -> None:
    """A periodic job that fails is failed at once; the next slot records a new one."""
    queue.enqueue_periodic()
    periodic = Job.objects.filter(key__startswith="periodic:")
    assert periodic.exists()
    assert set(periodic.values_list("max_attempts", flat=True)) == {1}
