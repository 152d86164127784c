""" "Berkas lengkap tanpa petugas" is a share of the requests received: 0-100 %.

The monthly PDF once printed 103,33 % (KTP) and 150,00 % (SKDWNI): the numerator counted
every waiting_documents -> queued move on the day it happened, the denominator the
requests received that month. A request completed twice (sent back for a document, then
completed again) counted twice, and one received on the 31st and completed on the 1st
counted in the next month, where it was never received.
"""

import datetime as dt

import pytest
import time_machine

from loket.cases.models import State
from loket.coverage import aggregates, service, tables
from tests.coverage.builders import new_case

pytestmark = pytest.mark.django_db

NOVEMBER = service.Window(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
OCTOBER = service.Window(dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def at(day: int, month: int = 11, hour: int = 3):
    return time_machine.travel(dt.datetime(2026, month, day, hour, 0, tzinfo=dt.UTC), tick=False)


def skdwni_row(window: service.Window) -> service.ServiceRow:
    return next(r for r in service.by_service(window) if r.service == "SKDWNI")


def make_cases() -> None:
    with at(31, 10):
        late = new_case("36.03.01", 1, service="SKDWNI")  # received on the 31st ...
    with at(2):
        late.move_to(State.QUEUED, source="channel")  # ... complete on the 2nd
    with at(3):
        twice = new_case("36.03.01", 2, service="SKDWNI")
        twice.move_to(State.QUEUED, source="channel")
        twice.move_to(State.WAITING_DOCUMENTS, source="channel")  # a document taken back
        twice.move_to(State.QUEUED, source="channel")
    with at(4):
        new_case("36.03.01", 3, service="SKDWNI")  # never complete


def assert_bounded() -> None:
    nov, octo = skdwni_row(NOVEMBER), skdwni_row(OCTOBER)
    # The old count: 3 completions over 2 requests received in November = 150 %.
    assert (nov.values["auto_completed"], nov.values["received"]) == (1, 2)
    assert nov.complete_share == pytest.approx(0.5)
    assert (octo.values["auto_completed"], octo.values["received"]) == (1, 1)
    row = next(r for r in tables.service_table(NOVEMBER).rows if r["layanan"] == "SKDWNI")
    assert row["lengkap_otomatis_persen"] == 50
    assert (row["lengkap_otomatis"], row["diterima"]) == (1, 2)


def test_complete_share_counts_each_request_once_on_its_arrival_day():
    make_cases()
    assert_bounded()
    aggregates.rebuild()  # the full rebuild counts alike
    assert_bounded()


def test_an_officer_completing_the_request_is_not_counted_as_complete_on_arrival(django_user_model):
    officer = django_user_model.objects.create_user("petugas", password="x")
    with at(5):
        case = new_case("36.03.01", 1, service="KTP")
        case.move_to(State.QUEUED, actor=officer, source="console")
        case.move_to(State.WAITING_DOCUMENTS, source="channel")
        case.move_to(State.QUEUED, source="channel")  # not the first completion
    ktp = next(r for r in service.by_service(NOVEMBER) if r.service == "KTP")
    assert (ktp.values["auto_completed"], ktp.values["received"]) == (0, 1)
