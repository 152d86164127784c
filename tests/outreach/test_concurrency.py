"""Two workers running the reminders job at the same moment: each reminder told once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from loket.channels.whatsapp.models import OutboundMessage
from loket.outreach import preferences, reminders
from loket.outreach.models import ReminderSent
from tests.scheduling import builders

JAKARTA = dt.timezone(dt.timedelta(hours=7))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_tell_each_due_reminder_once():
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, tzinfo=JAKARTA), tick=False):
        for n in range(6):
            case = builders.case("KIA", nik=f"36030169022400{20 + n}")  # born 29 February 2024
            preferences.answer(case.resident, agreed=True, via="button")
    errors: list[Exception] = []
    results: list[dict] = []
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            results.append(reminders.send_reminders({}))
        except Exception as exc:  # surfaced below: a race must never crash a worker
            errors.append(exc)
        finally:
            connection.close()

    with time_machine.travel(dt.datetime(2029, 1, 30, 10, tzinfo=JAKARTA), tick=False):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert sum(r["sent"] for r in results) == 6
    assert ReminderSent.objects.count() == 6
    assert OutboundMessage.objects.filter(kind="reminder", case__isnull=True).count() == 6
