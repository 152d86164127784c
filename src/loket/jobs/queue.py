"""Enqueue, claim and run jobs. The table is the record; nothing lives only in memory."""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import random
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from loket.jobs import context
from loket.jobs.loading import Converters, converters_of, instances
from loket.jobs.models import Job

log = logging.getLogger(__name__)


def db_time(moment: dt.datetime) -> Any:
    """An aware datetime as a statement parameter, the way the ORM would pass it. Defined
    here, in the lowest app that writes SQL; `loket.core.rows` re-exports it."""
    return connection.ops.adapt_datetimefield_value(moment)


# A job's payload: what `enqueue` was given, as stored in the JSON column.
Payload = dict[str, Any]
# A handler may return a summary (handy when called directly); the queue ignores it.
Handler = Callable[[Payload], object]
_HANDLERS: dict[str, Handler] = {}

LEASE = dt.timedelta(seconds=60)
BACKOFF_FIRST = 2.0  # seconds
BACKOFF_CAP = 30 * 60.0


class RetryLater(Exception):  # noqa: N818 - reads as an instruction: raise RetryLater(30)
    """Raised by a handler to run again after `delay` seconds (does not count as an error)."""

    def __init__(self, delay: float, reason: str = "") -> None:
        super().__init__(reason or f"retry in {delay:.0f}s")
        self.delay = delay


class GiveUp(Exception):  # noqa: N818
    """Raised by a handler when retrying cannot help: the job ends failed at once."""


# Called once when a job of that kind ends failed for good, with its payload and error, so
# the record the job worked on can say so too (an outbox message marked failed, not left
# "sending" for ever). It must be quick and idempotent; its own errors are logged, not raised.
FailureHook = Callable[[Payload, str], None]
_ON_FAILURE: dict[str, FailureHook] = {}


def handler(name: str, *, on_failure: FailureHook | None = None) -> Callable[[Handler], Handler]:
    """Register a function as the handler of jobs called `name` (and what to do when one of
    them fails for good, if anything)."""

    def register(func: Handler) -> Handler:
        _HANDLERS[name] = func
        if on_failure is not None:
            _ON_FAILURE[name] = on_failure
        else:
            _ON_FAILURE.pop(name, None)
        return func

    return register


def _failed_for_good(job_id: int, name: str, payload: Payload, error: str) -> None:
    hook = _ON_FAILURE.get(name)
    if hook is None:
        return
    try:
        hook(payload, error)
    except Exception as exc:  # the job is failed already; its hook must not undo that
        log.error("job %s #%s: failure hook raised %s", name, job_id, type(exc).__name__)


def registered(name: str) -> Handler | None:
    return _HANDLERS.get(name)


def kinds() -> list[str]:
    """Every registered job kind (handler name), sorted."""
    return sorted(_HANDLERS)


def enqueue(
    name: str,
    payload: Payload | None = None,
    *,
    key: str | None = None,
    ordering_key: str = "",
    priority: int = 0,
    run_after: dt.datetime | None = None,
    max_attempts: int = 8,
    soon: bool = False,
) -> Job:
    """Record a job. With a key, a second enqueue of the same key returns the first job.

    `soon`: when called from a running job, the worker running it also runs this new job
    right after (if it is still claimable then), instead of leaving it for the next poll.
    The job is recorded and claimed like any other, so nothing about it changes but the
    wait: another worker may still take it first, and a crash leaves it to the others.
    """
    fields = {
        "name": name,
        "payload": payload or {},
        "ordering_key": ordering_key,
        "priority": priority,
        "run_after": run_after or timezone.now(),
        "max_attempts": max_attempts,
    }
    if key is None:
        job = Job.objects.create(**fields)
    else:
        created = _create_keyed(Job(key=key, **fields))
        if created is None:
            return Job.objects.get(key=key)
        job = created
    if soon and job.run_after <= timezone.now():
        _follow_up(job)
    return job


def _create_keyed(job: Job) -> Job | None:
    """Insert a keyed job; None when the key exists. One statement on PostgreSQL (no savepoint)."""
    if connection.vendor != "postgresql":
        try:
            with transaction.atomic():
                job.save(force_insert=True)
            return job
        except IntegrityError:
            return None
    fields = [f for f in Job._meta.concrete_fields if not f.primary_key]
    # A concrete field always has a column; the stubs type `column` for every field.
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)  # type: ignore[arg-type]  # concrete: never None
    values = [f.get_db_prep_save(f.pre_save(job, True), connection) for f in fields]
    sql = (
        f"INSERT INTO {Job._meta.db_table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) "  # noqa: S608
        "ON CONFLICT (key) DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return None
    job.pk = row[0]
    job._state.adding = False
    return job


# Jobs a running job asked to run right after it (per thread: one job runs at a time).
_running = threading.local()


def _follow_up(job: Job) -> None:
    waiting = getattr(_running, "follow_ups", None)
    if waiting is not None:
        waiting.append(job)


# The queue's own statements (claim, follow-up claim, finish, reclaim) run for every job,
# several times per resident message. They are written in SQL, valid on PostgreSQL and
# SQLite alike: the ORM spent more CPU building them than the database spent running them.
_TABLE = Job._meta.db_table
_UNBLOCKED = (
    f"(ordering_key = '' OR NOT EXISTS (SELECT 1 FROM {_TABLE} AS earlier "  # noqa: S608 - our table name
    f"WHERE earlier.ordering_key = {_TABLE}.ordering_key AND earlier.id < {_TABLE}.id "
    "AND earlier.state IN ('pending', 'running')))"
)
_CLAIM_ONE = (
    f"UPDATE {_TABLE} SET state = 'running', lease_until = %s, leased_by = %s, attempts = attempts + 1 "  # noqa: S608
    f"WHERE id = %s AND state = 'pending' AND run_after <= %s AND attempts = %s AND {_UNBLOCKED}"
)
_FINISH = (
    f"UPDATE {_TABLE} SET state = 'done', finished_at = %s, lease_until = NULL, last_error = '' "  # noqa: S608
    "WHERE id = %s AND leased_by = %s AND state = 'running'"
)


def _claim_follow_up(job: Job, worker_id: str) -> Job | None:
    """Lease one freshly created job by id in one statement, under the same rules as `claim`."""
    now = timezone.now()
    lease_until = now + LEASE
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_ONE, [db_time(lease_until), worker_id, job.pk, db_time(now), job.attempts])
        if cursor.rowcount != 1:
            return None
    job.state, job.lease_until, job.leased_by = Job.State.RUNNING, lease_until, worker_id
    job.attempts += 1
    return job


def backoff(attempt: int) -> float:
    """Exponential backoff with full jitter: a few seconds first, growing to a cap."""
    ceiling = min(BACKOFF_CAP, BACKOFF_FIRST * (2.0 ** max(0, attempt - 1)))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def _claim_sql(
    limit: int, names: list[str] | None, exclude: list[str] | None = None
) -> tuple[str, list[str]]:
    """One statement that leases the most urgent due jobs: never two workers the same job
    (PostgreSQL: the rows are locked and skipped by the others; SQLite: one writer at a time).
    It walks the small partial index of pending jobs in claim order and stops at `limit`.
    `names`: only these kinds; `exclude`: every kind but these."""
    by_name = f"AND name IN ({', '.join(['%s'] * len(names))}) " if names else ""
    if exclude:
        by_name += f"AND name NOT IN ({', '.join(['%s'] * len(exclude))}) "
    lock = "FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    sql = (
        f"UPDATE {_TABLE} SET state = 'running', lease_until = %s, leased_by = %s, attempts = attempts + 1 "  # noqa: S608
        f"WHERE id IN (SELECT id FROM {_TABLE} WHERE state = 'pending' AND run_after <= %s "
        f"{by_name}AND {_UNBLOCKED} "
        f"ORDER BY priority DESC, run_after, id LIMIT %s {lock}) "
        f"RETURNING {_returned(connection.vendor)[0]}"
    )
    return sql, [*(names or []), *(exclude or [])]


@functools.cache
def _returned(vendor: str) -> tuple[str, list[str], Converters]:
    """The claimed rows' columns in the model's order, their attribute names and the fields'
    converters, found once: the rows become jobs as the ORM would make them, without a raw
    queryset's work on every claim (it reads the cursor's description and looks the
    converters up each time, about 0.15 ms of a worker's CPU per claim)."""
    fields = list(Job._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)  # type: ignore[arg-type]  # concrete: a column
    return columns, [f.attname for f in fields], converters_of(fields, connection)


# A job whose lease ran out on its last attempt is not given back: it failed for good. A
# job that kills or hangs its worker every time (a poison input) would otherwise come back
# for ever, since only a raised exception counted against `max_attempts`.
_EXHAUSTED = "attempts >= max_attempts"
_RECLAIM = (
    f"UPDATE {_TABLE} SET lease_until = NULL, "  # noqa: S608
    f"state = CASE WHEN {_EXHAUSTED} THEN 'failed' ELSE 'pending' END, "
    f"finished_at = CASE WHEN {_EXHAUSTED} THEN %s ELSE finished_at END, "
    f"last_error = CASE WHEN {_EXHAUSTED} THEN %s ELSE last_error END "
    "WHERE state = 'running' AND lease_until < %s "
    "RETURNING id, name, payload, state"
)
LEASE_EXPIRED_ERROR = "lease expired on the last attempt: the worker died or hung while running it"


def reclaim_expired(now: dt.datetime | None = None) -> int:
    """Give back the jobs whose lease ran out (their worker died): they run again, in their
    old place in the order. A slow worker that comes back can no longer finish them. Those
    that were on their last attempt end failed instead. Returns how many were given back.
    Cheap when there is nothing to give back: it reads only the small index of leases."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_RECLAIM, [db_time(now), LEASE_EXPIRED_ERROR, db_time(now)])
        rows = cursor.fetchall()
    given_back = 0
    for job_id, name, payload, state in rows:
        if state == Job.State.PENDING:
            given_back += 1
            continue
        log.error("job %s #%s failed for good: lease expired on its last attempt", name, job_id)
        _failed_for_good(
            job_id, name, json.loads(payload) if isinstance(payload, str) else payload, LEASE_EXPIRED_ERROR
        )
    return given_back


def claim(
    worker_id: str,
    *,
    limit: int = 1,
    names: list[str] | None = None,
    exclude: list[str] | None = None,
    reclaim: bool = True,
) -> list[Job]:
    """Lease up to `limit` due jobs to this worker, most urgent first. Within one ordering
    key only the oldest unfinished job may run. `names` / `exclude` filter by kind.
    `reclaim`: give back expired leases first (a worker loop that does so on its own clock,
    at most once a second, passes False)."""
    now = timezone.now()
    if reclaim:
        reclaim_expired(now)
    sql, name_params = _claim_sql(limit, names, exclude)
    params = [db_time(now + LEASE), worker_id, db_time(now), *name_params, limit]
    _columns, attnames, converters = _returned(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # one statement: atomic on its own
        jobs = instances(Job, attnames, converters, cursor.fetchall(), connection)
    return sorted(jobs, key=lambda job: (-job.priority, job.run_after, job.pk))


def extend_lease(job: Job, seconds: float = LEASE.total_seconds()) -> None:
    Job.objects.filter(pk=job.pk, leased_by=job.leased_by).update(
        lease_until=timezone.now() + dt.timedelta(seconds=seconds)
    )


def run(job: Job) -> str:
    """Run one claimed job and record its outcome. Returns the new state.

    Log lines written meanwhile name the job (id and kind: `loket.jobs.context`)."""
    token = context.current_job.set((job.pk, job.name))
    try:
        return _run(job)
    finally:
        context.current_job.reset(token)


def _run(job: Job) -> str:
    func = _HANDLERS.get(job.name)
    now = timezone.now

    def mine() -> QuerySet[Job]:
        # Built only when a job does not finish (a queryset costs CPU even unexecuted).
        return Job.objects.filter(pk=job.pk, leased_by=job.leased_by, state=Job.State.RUNNING)

    if func is None:
        mine().update(state=Job.State.FAILED, last_error=f"no handler for {job.name}", finished_at=now())
        log.error("job %s #%s has no handler", job.name, job.pk)
        return Job.State.FAILED
    outer = getattr(_running, "follow_ups", None)
    follow_ups: list[Job] = []
    _running.follow_ups = follow_ups
    try:
        func(job.payload)
    except RetryLater as exc:
        # Asked to wait: give back the attempt, it was not a failure.
        mine().update(
            state=Job.State.PENDING,
            run_after=now() + dt.timedelta(seconds=exc.delay),
            attempts=max(0, job.attempts - 1),
            lease_until=None,
            last_error=str(exc),
        )
        return Job.State.PENDING
    except Exception as exc:
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]
        final = isinstance(exc, GiveUp) or job.attempts >= job.max_attempts
        if final:
            if mine().update(state=Job.State.FAILED, last_error=error, finished_at=now(), lease_until=None):
                _failed_for_good(job.pk, job.name, job.payload, error)
            log.error("job %s #%s failed for good: %s", job.name, job.pk, type(exc).__name__)
            return Job.State.FAILED
        mine().update(
            state=Job.State.PENDING,
            run_after=now() + dt.timedelta(seconds=backoff(job.attempts)),
            last_error=error,
            lease_until=None,
        )
        log.warning("job %s #%s attempt %s failed: %s", job.name, job.pk, job.attempts, type(exc).__name__)
        return Job.State.PENDING
    finally:
        _running.follow_ups = outer
    with connection.cursor() as cursor:
        cursor.execute(_FINISH, [db_time(now()), job.pk, job.leased_by])
    for follow in follow_ups:
        claimed = _claim_follow_up(follow, job.leased_by)
        if claimed is not None:
            run(claimed)
    return Job.State.DONE


@dataclass
class Drained:
    done: int = 0
    failed: int = 0
    retried: int = 0


def run_pending(
    worker_id: str = "inline",
    *,
    names: list[str] | None = None,
    exclude: list[str] | None = None,
    max_jobs: int = 10_000,
) -> Drained:
    """Run due jobs until none is due (tests, `loket worker --once`)."""
    outcome = Drained()
    for _ in range(max_jobs):
        jobs = claim(worker_id, names=names, exclude=exclude)
        if not jobs:
            break
        state = run(jobs[0])
        if state == Job.State.DONE:
            outcome.done += 1
        elif state == Job.State.FAILED:
            outcome.failed += 1
        else:
            outcome.retried += 1
    return outcome


_PERIODIC: dict[str, float] = {}


def periodic(name: str, every_seconds: float) -> None:
    """Ask workers to enqueue job `name` once per interval (one job per slot, whatever the worker count)."""
    _PERIODIC[name] = every_seconds


def enqueue_periodic(now: dt.datetime | None = None, *, done: dict[str, int] | None = None) -> None:
    """Record this slot's job of every periodic name (the key makes it one job however many ask).

    `done`: a worker's own memory of the slots it recorded, so that it asks the database
    once per slot and name instead of once per name every second.
    """
    now = now or timezone.now()
    for name, every in _PERIODIC.items():
        slot = int(now.timestamp() // every)
        if done is not None and done.get(name) == slot:
            continue
        enqueue(name, {}, key=f"periodic:{name}:{slot}", priority=-1, max_attempts=1)
        if done is not None:
            done[name] = slot
