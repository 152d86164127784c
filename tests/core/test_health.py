"""`/healthz`, `/readyz` and `/metrics`: what an operator (and a load balancer) reads."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from loket.core import health, metrics
from loket.jobs import queue
from loket.jobs.models import Job
from tests.core.probes import TOKEN, scrape, unreachable_database, value

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def metrics_on(settings):
    settings.LOKET_METRICS_TOKEN = TOKEN
    return settings


@pytest.fixture
def poison_source(monkeypatch):
    """A quarantine source as another capability registers one (3 items set aside)."""
    monkeypatch.setitem(health._quarantine_sources, "test.poison", lambda: 3)


def test_healthz_is_a_plain_ok():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_readyz_with_an_empty_queue():
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "database": "ok",
        "queue": {"waiting": 0, "oldest_seconds": 0, "quarantined": 0},
    }


def _line() -> None:
    """Two due jobs, one due in an hour, one failed (at START)."""
    queue.enqueue("test.first", {})
    queue.enqueue("test.first", {})
    queue.enqueue("test.later", {}, run_after=timezone.now() + dt.timedelta(hours=1))
    Job.objects.create(name="test.broken", state=Job.State.FAILED, attempts=8, finished_at=timezone.now())


def test_readyz_counts_the_line_and_its_age_grows(poison_source):
    with time_machine.travel(START, tick=False) as clock:
        _line()
        first = Client().get("/readyz").json()
        clock.shift(dt.timedelta(seconds=90))
        later = Client().get("/readyz").json()
    assert first == {"database": "ok", "queue": {"waiting": 2, "oldest_seconds": 0, "quarantined": 4}}
    # 3 from the registered source + 1 failed job.
    assert later["queue"] == {"waiting": 2, "oldest_seconds": 90, "quarantined": 4}
    sources = health.quarantined_by_source()  # the installed capabilities register theirs too
    assert sources["jobs.failed"] == 1 and sources["test.poison"] == 3 and sum(sources.values()) == 4


def test_a_job_due_later_starts_waiting_when_it_is_due():
    with time_machine.travel(START, tick=False) as clock:
        _line()
        clock.shift(dt.timedelta(hours=1, seconds=30))
        queue_figures = Client().get("/readyz").json()["queue"]
    assert queue_figures["waiting"] == 3
    assert queue_figures["oldest_seconds"] == 3630  # the first two waited since START


def test_metrics_are_off_without_a_token(settings):
    settings.LOKET_METRICS_TOKEN = ""
    assert Client().get("/metrics").status_code == 404
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN[:-1]}",
        f"Basic {TOKEN}",
        TOKEN,
        "Bearer",
        f"Token {TOKEN}",
    ],
)
def test_metrics_refuse_a_missing_or_wrong_token(metrics_on, header):
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
    response = Client().get("/metrics", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"loket_" not in response.content


def test_metrics_tell_the_queue_by_state_and_kind(metrics_on, poison_source):
    with time_machine.travel(START, tick=False) as clock:
        _line()
        Job.objects.create(
            name="test.stuck", state=Job.State.RUNNING, lease_until=timezone.now() - dt.timedelta(seconds=5)
        )
        clock.shift(dt.timedelta(seconds=42))
        samples = scrape()
    assert value(samples, "loket_jobs", state="waiting", kind="test.first") == 2
    assert value(samples, "loket_jobs", state="scheduled", kind="test.first") == 0
    assert value(samples, "loket_jobs", state="scheduled", kind="test.later") == 1
    assert value(samples, "loket_jobs", state="waiting", kind="test.later") == 0
    assert value(samples, "loket_jobs", state="failed", kind="test.broken") == 1
    assert value(samples, "loket_jobs", state="running", kind="test.stuck") == 1
    assert value(samples, "loket_jobs_oldest_waiting_seconds") == 42
    assert value(samples, "loket_jobs_expired_leases") == 1
    assert value(samples, "loket_quarantined", source="jobs.failed") == 1
    assert value(samples, "loket_quarantined", source="test.poison") == 3


def test_a_bearer_scheme_in_any_case_is_accepted(metrics_on):
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"bearer {TOKEN}")
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_with_the_database_unreachable_health_and_readiness_say_503(metrics_on, tmp_path):
    client = Client(raise_request_exception=True)
    with unreachable_database(tmp_path):
        live = client.get("/healthz")
        ready = client.get("/readyz")
        metrics = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert live.status_code == 503
    assert live["Content-Type"].startswith("text/plain")
    assert ready.status_code == 503
    assert json.loads(ready.content) == {"database": "down"}
    assert metrics.status_code == 503
    # And back when the database is.
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").json()["database"] == "ok"


@pytest.mark.parametrize("module", ["loket.core.health", "loket.core.metrics", "loket.core.views"])
def test_core_reads_capabilities_through_registries_only(module):
    """Capabilities register into core; core never imports a channel."""
    assert "loket.channels" not in inspect.getsource(importlib.import_module(module))


def test_every_capability_registered_its_figures():
    assert {"jobs", "whatsapp"} <= set(metrics.registered_collectors())
    assert "jobs.failed" in health.quarantined_by_source()
