"""The stored office calendar: hours, closures, capacities, `loket check` warnings, demo data."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from loket.scheduling import demo
from loket.scheduling.checks import holiday_data
from loket.scheduling.models import ExtraServiceDay, OfficeClosure, OfficeHours, Slot
from loket.scheduling.office import office_calendar, session_label

from . import builders

pytestmark = pytest.mark.django_db


def test_stored_hours_closures_and_extra_days_make_the_office_calendar():
    OfficeHours.objects.create(weekday=0, opens=dt.time(8, 0), closes=dt.time(15, 0))
    OfficeClosure.objects.create(date=dt.date(2026, 12, 2), reason="Pemadaman listrik")
    ExtraServiceDay.objects.create(date=dt.date(2026, 12, 5), reason="Layanan Sabtu")
    office = office_calendar()
    assert not office.is_open(dt.datetime(2026, 11, 30, 7, 45))  # Monday now opens at 08:00
    assert office.is_open(dt.datetime(2026, 12, 1, 7, 45))  # Tuesday keeps the default
    assert office.next_opening(dt.datetime(2026, 12, 1, 17, 0)) == dt.datetime(2026, 12, 3, 7, 30)
    assert office.is_working_day(dt.date(2026, 12, 5))
    assert session_label(dt.date(2026, 11, 30), "siang", office) == "Siang, pukul 13.00-15.00"


@time_machine.travel(dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC), tick=False)
def test_a_new_capacity_applies_to_future_sessions_but_never_below_bookings():
    from loket.scheduling.approval import approve_case

    builders.schedule("KIA", capacity_pagi=3, capacity_siang=3, capacity_day=6)
    for _ in range(2):
        approve_case(builders.case("KIA"))
    builders.schedule("KIA", capacity_pagi=1)
    pagi = Slot.objects.get(day=dt.date(2026, 12, 18), part="pagi")
    assert (pagi.booked, pagi.capacity) == (2, 2)
    builders.schedule("KIA", capacity_pagi=10)
    pagi.refresh_from_db()
    assert pagi.capacity == 10


def test_loket_check_warns_about_estimates_and_missing_decrees():
    with time_machine.travel(dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)):
        assert [w.id for w in holiday_data()] == ["scheduling.W002"]
    with time_machine.travel(dt.datetime(2027, 7, 1, 3, 0, tzinfo=dt.UTC)):
        found = {w.id: w.msg for w in holiday_data()}
    assert "2028" in found["scheduling.W001"]
    err = io.StringIO()
    with time_machine.travel(dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)):
        call_command("check", stderr=err, stdout=io.StringIO())
    assert "scheduling.W002" in err.getvalue()


def test_demo_data_loads_twice_without_duplicates():
    out = io.StringIO()
    demo.load(out)
    demo.load(out)
    assert "loket cases approve" in out.getvalue()
    assert ExtraServiceDay.objects.count() == 1
    from loket.cases.models import Case

    assert Case.objects.filter(subject=demo.DEMO_SUBJECT).count() == 1


def test_the_admin_pages_open_and_a_closure_records_who_added_it(admin_client, admin_user):
    client, admin = admin_client, admin_user
    for model in [
        "officeclosure", "extraserviceday", "officehours", "serviceschedule",
        "booking", "receipt", "approval", "handover", "printbatch",
    ]:  # fmt: skip
        assert client.get(f"/admin/scheduling/{model}/").status_code == 200, model
    response = client.post(
        "/admin/scheduling/officeclosure/add/", {"date": "2026-12-31", "reason": "Tutup buku akhir tahun"}
    )
    assert response.status_code == 302
    closure = OfficeClosure.objects.get()
    assert (closure.date, closure.created_by) == (dt.date(2026, 12, 31), admin)
    assert not office_calendar().is_working_day(dt.date(2026, 12, 31))
