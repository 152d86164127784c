"""What operators read about the job queue (`/readyz`, `/metrics`), from the table itself.

"Waiting" means pending and due (`run_after` has passed): work a worker should be doing
now. A pending job whose `run_after` lies ahead (a retry's back-off, a periodic job's
next run) is "scheduled", not waiting. Failed jobs are the queue's quarantine: they used
up their attempts (or gave up) and stay until an administrator looks or the purge
removes them (LOKET_JOBS_KEEP_FAILED_DAYS).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from loket.jobs.models import Job

QUARANTINE_SOURCE = "jobs.failed"


@dataclass(frozen=True)
class QueueFigures:
    waiting: int
    # Seconds since the longest-waiting due job became due (its `run_after`; for a job
    # enqueued to run at once, its age). 0.0 when nothing waits.
    oldest_seconds: float


def queue_figures(now: dt.datetime | None = None) -> QueueFigures:
    now = now or timezone.now()
    found = Job.objects.filter(state=Job.State.PENDING, run_after__lte=now).aggregate(
        waiting=Count("id"), oldest=Min("run_after")
    )
    oldest = found["oldest"]
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    return QueueFigures(waiting=found["waiting"], oldest_seconds=round(age, 1))


def failed_count() -> int:
    """Jobs in the `failed` state (registered as the quarantine source "jobs.failed")."""
    return Job.objects.filter(state=Job.State.FAILED).count()


def collect() -> Iterator[Metric]:
    """`loket_jobs{state, kind}`, the oldest waiting age and the leases that ran out."""
    now = timezone.now()
    jobs = GaugeMetricFamily(
        "loket_jobs",
        "Unfinished and failed jobs by state (waiting, scheduled, running, failed) and kind.",
        labels=["state", "kind"],
    )
    pending = (
        Job.objects.filter(state=Job.State.PENDING)
        .values("name")
        .annotate(
            waiting=Count("id", filter=Q(run_after__lte=now)),
            scheduled=Count("id", filter=Q(run_after__gt=now)),
        )
        .order_by("name")
    )
    for row in pending:
        jobs.add_metric(["waiting", row["name"]], row["waiting"])
        jobs.add_metric(["scheduled", row["name"]], row["scheduled"])
    others = (
        Job.objects.filter(state__in=[Job.State.RUNNING, Job.State.FAILED])
        .values("state", "name")
        .annotate(n=Count("id"))
        .order_by("state", "name")
    )
    for other in others:
        jobs.add_metric([other["state"], other["name"]], other["n"])
    yield jobs

    yield GaugeMetricFamily(
        "loket_jobs_oldest_waiting_seconds",
        "Seconds since the longest-waiting due job became due (0 when none waits).",
        value=queue_figures(now).oldest_seconds,
    )
    yield GaugeMetricFamily(
        "loket_jobs_expired_leases",
        "Running jobs whose lease ran out (their worker died or hangs); they are given back.",
        value=Job.objects.filter(state=Job.State.RUNNING, lease_until__lt=now).count(),
    )
