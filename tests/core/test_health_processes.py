"""Figures are true across processes: what another `loket` process did shows in this one's scrape."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test import Client

from tests.core.probes import TOKEN, scrape, value

# What the other process does: enqueue work as the webhook and the console do, fail one
# job for good, and get one unsigned webhook POST refused (401).
OTHER_PROCESS = """
from django.test import Client
from loket.jobs import queue
from loket.jobs.models import Job
for n in range(3):
    queue.enqueue("test.remote", {"n": n})
Job.objects.create(name="test.remote_broken", state="failed", attempts=8)
assert Client().post("/webhooks/whatsapp", b"{}", content_type="application/json").status_code == 401
"""


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgresql://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_scrape_here_sees_what_another_loket_process_did(settings, tmp_path):
    settings.LOKET_METRICS_TOKEN = TOKEN
    before = scrape()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "LOKET_DATA_DIR": str(tmp_path),
        "LOKET_ALLOWED_HOSTS": "testserver",
        "LOKET_METRICS_TOKEN": "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "loket", "shell", "-c", OTHER_PROCESS],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    after = scrape()
    assert value(after, "loket_jobs", state="waiting", kind="test.remote") == 3
    assert value(after, "loket_jobs", state="failed", kind="test.remote_broken") == 1
    assert value(after, "loket_quarantined", source="jobs.failed") == 1
    refused = "loket_whatsapp_webhook_responses_total"
    assert (value(after, refused, status="401") or 0) - (value(before, refused, status="401") or 0) == 1
    ready = Client().get("/readyz").json()
    assert ready["queue"]["waiting"] == 3
    assert ready["queue"]["quarantined"] == 1
