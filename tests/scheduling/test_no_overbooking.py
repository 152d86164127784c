"""Fifty approvals at the same instant never put more people in a session than it holds."""

import datetime as dt
import threading
from collections import Counter

import pytest
import time_machine
from django.db import connection, connections

from loket.scheduling.approval import approve_case
from loket.scheduling.models import Booking, Slot

from . import builders

MONDAY = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)
APPROVALS = 50


def approve_all_at_once(cases) -> list[BaseException]:
    barrier = threading.Barrier(len(cases))
    errors: list[BaseException] = []

    def approve(case):
        try:
            barrier.wait(timeout=30)
            approve_case(case, source="console")
        except BaseException as exc:  # reported by the test, never swallowed
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@time_machine.travel(MONDAY, tick=True)
def test_fifty_simultaneous_approvals_fill_sessions_exactly_to_capacity():
    builders.schedule("KIA", capacity_pagi=8, capacity_siang=7, capacity_day=12)
    cases = [builders.case("KIA") for _ in range(APPROVALS)]
    connection.close()  # the threads open their own connections

    errors = approve_all_at_once(cases)

    assert errors == []
    bookings = Counter((b.day, b.part) for b in Booking.objects.all())
    assert sum(bookings.values()) == APPROVALS
    per_day = Counter()
    for (day, part), count in bookings.items():
        assert count <= {"pagi": 8, "siang": 7}[part]
        per_day[day] += count
    assert all(count <= 12 for count in per_day.values())
    # Earliest first: every day but the last is full to its day capacity.
    days = sorted(per_day)
    assert [per_day[d] for d in days] == [12, 12, 12, 12, 2]
    assert days[0] == dt.date(2026, 12, 18)
    for slot in Slot.objects.all():
        counted = per_day[slot.day] if slot.part == "" else bookings[(slot.day, slot.part)]
        assert slot.booked == counted <= slot.capacity
