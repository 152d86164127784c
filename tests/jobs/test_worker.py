"""The worker loop never dies: it backs off (capped, jittered), logs an outage once, resumes."""

from __future__ import annotations

import logging
import random
import threading

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection

from loket.jobs import queue, worker
from loket.jobs.models import Job
from loket.jobs.worker import Backoff, Outage

done_here: list[int] = []


@queue.handler("test.worker.record")
def record(payload: dict) -> None:
    done_here.append(payload["n"])


@queue.handler("test.worker.other")
def other(payload: dict) -> None:
    done_here.append(-payload["n"])


@pytest.fixture(autouse=True)
def clear() -> None:
    done_here.clear()


# --- backoff -----------------------------------------------------------------------------


def test_backoff_doubles_from_the_first_wait_up_to_the_cap_with_jitter() -> None:
    backoff = Backoff(first=0.5, cap=10.0, rng=random.Random(7))
    ceilings = [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]
    delays = [backoff.next_delay() for _ in ceilings]
    for delay, ceiling in zip(delays, ceilings, strict=True):
        assert ceiling / 2 <= delay <= ceiling
    assert max(delays) <= 10.0
    # Jittered: two workers that failed at the same moment do not retry in step.
    twin = Backoff(first=0.5, cap=10.0, rng=random.Random(8))
    assert [twin.next_delay() for _ in ceilings] != delays


def test_backoff_starts_over_after_a_success() -> None:
    backoff = Backoff(first=0.5, cap=10.0, rng=random.Random(1))
    for _ in range(10):
        backoff.next_delay()
    backoff.reset()
    assert backoff.next_delay() <= 0.5


def test_backoff_never_grows_past_the_cap_however_long_the_outage() -> None:
    backoff = Backoff(first=0.5, cap=10.0)
    assert all(backoff.next_delay() <= 10.0 for _ in range(2000))


# --- outage log --------------------------------------------------------------------------


def test_an_outage_is_logged_once_when_it_starts_and_once_when_it_ends(caplog) -> None:
    now = [100.0]
    outage = Outage("w1", clock=lambda: now[0])
    caplog.set_level(logging.INFO, logger="loket.jobs.worker")
    for _ in range(50):
        outage.failed(OperationalError("connection refused to 10.0.0.1 for NIK 3603035512180003"))
        now[0] += 0.5
    outage.recovered()
    outage.recovered()  # nothing more to say
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2
    assert "database unavailable (OperationalError)" in lines[0]
    assert "database available again after 25.0s (50 failed tries)" in lines[1]
    # The error's text (which could quote data) is never logged, nor a traceback.
    assert "3603035512180003" not in caplog.text
    assert all(r.exc_info is None for r in caplog.records)


def test_a_programming_error_is_logged_once_with_where_it_happened(caplog) -> None:
    outage = Outage("w1")
    caplog.set_level(logging.INFO, logger="loket.jobs.worker")
    for _ in range(3):
        try:
            {}["secret-value"]
        except KeyError as exc:
            outage.failed(exc)
    outage.recovered()
    assert len(caplog.records) == 2
    assert "unexpected KeyError at test_worker.py:" in caplog.records[0].getMessage()
    assert "secret-value" not in caplog.text
    assert "working again" in caplog.records[1].getMessage()


def test_database_errors_are_told_apart_from_programming_errors() -> None:
    assert worker.is_database_error(OperationalError("the connection is closed"))
    assert worker.is_database_error(psycopg.OperationalError("server closed the connection"))
    assert not worker.is_database_error(KeyError("x"))


# --- the loop ----------------------------------------------------------------------------


def _run_worker_until(condition, **kwargs) -> tuple[threading.Thread, threading.Event]:
    stop = threading.Event()
    fast = Backoff(first=0.01, cap=0.05)
    thread = threading.Thread(
        target=worker.run_forever, kwargs={"poll": 0.01, "stop": stop, "backoff": fast, **kwargs}, daemon=True
    )
    thread.start()
    return thread, stop


def _wait(condition, seconds: float = 10.0) -> bool:
    event = threading.Event()
    for _ in range(int(seconds / 0.02)):
        if condition():
            return True
        event.wait(0.02)
    return condition()


@pytest.mark.django_db(transaction=True)
def test_the_loop_survives_errors_in_bookkeeping_and_elsewhere_and_the_job_still_runs(
    monkeypatch, caplog
) -> None:
    """The job's own bookkeeping (`queue.run`) fails twice with a database error and once
    with a programming error: the worker keeps going, and the job ends done."""
    caplog.set_level(logging.INFO, logger="loket.jobs.worker")
    job = queue.enqueue("test.worker.record", {"n": 1})
    real_run = queue.run
    failures = [
        OperationalError("the connection is closed"),
        OperationalError("server closed"),
        KeyError("x"),
    ]

    def failing_run(claimed: Job) -> str:
        if failures:
            raise failures.pop(0)
        return real_run(claimed)

    monkeypatch.setattr(queue, "run", failing_run)
    monkeypatch.setattr(queue, "LEASE", queue.LEASE / 600)  # 0.1 s: the dropped claims come back soon
    thread, stop = _run_worker_until(None)
    try:
        assert _wait(lambda: Job.objects.get(pk=job.pk).state == Job.State.DONE)
        assert thread.is_alive()
    finally:
        stop.set()
        thread.join(5)
    assert done_here == [1]
    messages = [r.getMessage() for r in caplog.records]
    assert sum("database unavailable" in m for m in messages) == 1
    assert sum("available again" in m or "working again" in m for m in messages) == 1


@pytest.mark.django_db(transaction=True)
def test_the_loop_survives_a_failing_periodic_enqueue(monkeypatch) -> None:
    calls = []

    def broken_periodic(**kwargs: object) -> None:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("could not connect")

    monkeypatch.setattr(queue, "enqueue_periodic", broken_periodic)
    queue.enqueue("test.worker.record", {"n": 2})
    thread, stop = _run_worker_until(None)
    try:
        assert _wait(lambda: done_here == [2])
        assert thread.is_alive()
    finally:
        stop.set()
        thread.join(5)
    assert len(calls) >= 3


@pytest.mark.django_db(transaction=True)  # a round closes connections left in a transaction
def test_a_worker_gives_back_expired_leases_once_a_second_not_before_every_claim(monkeypatch) -> None:
    """A lease lasts a minute, so a busy worker's rounds (several per resident message)
    need not each pay an UPDATE for it; a lease that ran out still comes back within a second."""
    reclaims = []
    real = queue.reclaim_expired
    monkeypatch.setattr(queue, "reclaim_expired", lambda *a, **k: reclaims.append(1) or real(*a, **k))
    one_round = worker.Round("w-test")
    for _ in range(5):
        one_round()
    assert len(reclaims) == 1
    one_round.last_reclaim -= worker.RECLAIM_EVERY  # a second later
    one_round()
    assert len(reclaims) == 2
    queue.enqueue("test.worker.record", {"n": 9})
    (leased,) = queue.claim("worker-that-dies", names=["test.worker.record"])
    Job.objects.filter(pk=leased.pk).update(lease_until=leased.lease_until - queue.LEASE * 2)
    one_round()  # within the second: not given back yet
    assert done_here == []
    one_round.last_reclaim -= worker.RECLAIM_EVERY
    one_round()  # given back, then claimed and run in the same round
    assert done_here == [9]


# --- --only / --skip ---------------------------------------------------------------------


@pytest.mark.django_db
def test_claim_filters_by_kind_both_ways() -> None:
    queue.enqueue("test.worker.record", {"n": 1})
    queue.enqueue("test.worker.other", {"n": 2})
    (skipped,) = queue.claim("w1", exclude=["test.worker.record"], limit=5)
    assert skipped.name == "test.worker.other"
    (only,) = queue.claim("w2", names=["test.worker.record"], limit=5)
    assert only.name == "test.worker.record"


@pytest.mark.django_db
def test_worker_once_with_only_runs_only_those_kinds() -> None:
    queue.enqueue("test.worker.record", {"n": 1})
    queue.enqueue("test.worker.other", {"n": 2})
    call_command("worker", "--once", "--only", "test.worker.record")
    assert done_here == [1]
    assert Job.objects.get(name="test.worker.other").state == Job.State.PENDING


@pytest.mark.django_db
def test_worker_once_with_skip_runs_every_other_kind() -> None:
    queue.enqueue("test.worker.record", {"n": 1})
    queue.enqueue("test.worker.other", {"n": 2})
    call_command("worker", "--once", "--skip", " test.worker.record , jobs.purge")
    assert done_here == [-2]
    assert Job.objects.get(name="test.worker.record").state == Job.State.PENDING


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--only", "whatsapp.sned"], "unknown job kind whatsapp.sned"),
        (["--skip", "test.worker.record,nope"], "unknown job kind nope"),
        (["--only", " , "], "give at least one job kind"),
        (["--only", "test.worker.record", "--skip", "test.worker.other"], "cannot be used together"),
    ],
)
def test_worker_refuses_unknown_kinds_and_both_filters(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("worker", "--once", *args)


def test_an_unknown_kind_exits_non_zero_from_the_command_line() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "loket", "worker", "--only", "no.such.kind"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "unknown job kind no.such.kind" in result.stderr
    assert connection.vendor  # settings were loadable in the test process too
