"""Service times count working hours on the office's own calendar (scheduling's)."""

import datetime as dt

import pytest
import time_machine

from loket.cases.models import Case, State, next_request_number
from loket.coverage import aggregates, service
from loket.scheduling.models import OfficeClosure
from tests.coverage.builders import resident

pytestmark = pytest.mark.django_db

JAKARTA = dt.timezone(dt.timedelta(hours=7))


def decided_case(officer, created: dt.datetime, decided: dt.datetime) -> Case:
    with time_machine.travel(created, tick=False) as clock:
        case = Case.objects.create(
            request_number=next_request_number("KTP", created.date()),
            service="KTP",
            subject="3603000000000001",
            resident=resident(1),
            kode_kecamatan="36.03.01",
        )
        case.move_to(State.QUEUED, source="channel")
        clock.move_to(decided)
        case.move_to(State.IN_REVIEW, actor=officer, source="console")
        case.move_to(State.APPROVED, actor=officer, source="console", through=State.APPROVED)
    return case


def decision_hours(day: dt.date) -> float:
    return service.by_service(service.Window(day, day))[0].decision_avg


def test_cuti_bersama_is_not_counted_as_waiting_time(django_user_model):
    officer = django_user_model.objects.create_user("petugas", password="x")
    # Wed 23 Dec 2026 10:00 to Mon 28 Dec 09:00: Thu 24 is cuti bersama, Fri 25 Christmas.
    decided_case(
        officer, dt.datetime(2026, 12, 23, 10, tzinfo=JAKARTA), dt.datetime(2026, 12, 28, 9, tzinfo=JAKARTA)
    )
    assert decision_hours(dt.date(2026, 12, 28)) == pytest.approx(6 + 1.5)


def test_an_office_closure_is_not_counted_and_a_rebuild_agrees(django_user_model):
    officer = django_user_model.objects.create_user("petugas", password="x")
    OfficeClosure.objects.create(date=dt.date(2026, 11, 3), reason="Pelatihan SIAK")
    # Mon 2 Nov 09:00 to Wed 4 Nov 09:00, the office closed on Tuesday.
    decided_case(
        officer, dt.datetime(2026, 11, 2, 9, tzinfo=JAKARTA), dt.datetime(2026, 11, 4, 9, tzinfo=JAKARTA)
    )
    assert decision_hours(dt.date(2026, 11, 4)) == pytest.approx(7 + 1.5)
    OfficeClosure.objects.all().delete()
    aggregates.rebuild()  # counted again on the calendar as it stands now
    assert decision_hours(dt.date(2026, 11, 4)) == pytest.approx(7 + 8.5 + 1.5)
