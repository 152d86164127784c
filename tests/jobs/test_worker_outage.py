"""A real `loket worker` process lives through a database outage (PostgreSQL, via a proxy).

The worker connects to the test database through `tests.support.tcp_proxy.TcpProxy`; the
test cuts every connection and refuses new ones for a few seconds, then lets them through
again. The process must stay alive, log the outage once (and its end once), and run a job
enqueued after the database came back, with no restart.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from loket.jobs import queue
from loket.jobs.models import Job
from loket.jobs.purge import PURGE_JOB
from tests.support.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker process and the test share one test database over TCP")


@pytest.fixture
def proxy(postgres: None) -> Iterator[TcpProxy]:
    settings = connection.settings_dict
    with TcpProxy(settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432)) as running:
        yield running


def _database_url(port: int) -> str:
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    # The test database (pytest-django's `test_<name>`), which this test's rows live in.
    return f"postgresql://{user}{password}@127.0.0.1:{port}/{settings['NAME']}"


ROOT = Path(__file__).resolve().parents[2]
SLOW_JOB = "test.outage.slow"  # registered by tests/jobs/outage_worker.py in the worker process


@pytest.fixture
def worker_process(proxy: TcpProxy, tmp_path: Path) -> Iterator[tuple[subprocess.Popen, Path]]:
    """`python -m tests.jobs.outage_worker`: `loket worker` plus a slow test job kind."""
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(proxy.port),
        "LOKET_LOG_LEVEL": "INFO",
        "LOKET_DB_CONN_MAX_AGE": "60",
        "PYTHONUNBUFFERED": "1",
    }
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.jobs.outage_worker"],
            env=env,
            cwd=ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process, log_path
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)


def _done_within(job: Job, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if Job.objects.filter(pk=job.pk, state=Job.State.DONE).exists():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_process_outlives_a_database_outage_and_resumes(
    proxy: TcpProxy, worker_process: tuple[subprocess.Popen, Path]
) -> None:
    process, log_path = worker_process
    before = queue.enqueue(PURGE_JOB, {}, key="outage-test:before")
    assert _done_within(before, 15), log_path.read_text()
    assert proxy.open_connections >= 1  # the worker really goes through the proxy

    proxy.cut()
    during = queue.enqueue(PURGE_JOB, {}, key="outage-test:during")  # stored, not reachable
    time.sleep(4)
    assert process.poll() is None, log_path.read_text()
    assert not Job.objects.filter(pk=during.pk, state=Job.State.DONE).exists()
    proxy.restore()

    after = queue.enqueue(PURGE_JOB, {}, key="outage-test:after")
    assert _done_within(after, 15), log_path.read_text()
    assert _done_within(during, 5)
    assert process.poll() is None

    log = log_path.read_text()
    assert log.count("database unavailable") == 1, log
    assert log.count("database available again after") == 1, log
    assert "Traceback" not in log, log


def test_a_job_whose_bookkeeping_the_outage_broke_comes_back_and_ends_done(
    proxy: TcpProxy, worker_process: tuple[subprocess.Popen, Path]
) -> None:
    """The cut comes while the job runs: its outcome cannot be recorded. It keeps its lease
    (3 s here), which runs out; the worker, back on its feet, runs it again to the end."""
    process, log_path = worker_process
    job = queue.enqueue(SLOW_JOB, {"sleep": 2.0})
    deadline = time.monotonic() + 15
    while not Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).exists():
        assert time.monotonic() < deadline, log_path.read_text()
        time.sleep(0.05)
    proxy.cut()
    time.sleep(3)
    proxy.restore()
    assert _done_within(job, 15), log_path.read_text()
    job.refresh_from_db()
    assert job.attempts == 2  # the first run's outcome was lost with the connection
    assert process.poll() is None
    log = log_path.read_text()
    assert log.count("database unavailable") == 1, log
    assert log.count("database available again after") == 1, log
