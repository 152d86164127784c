"""What a resident reads about their turn comes from their own office: its closures, its
queue, its officers' pace; another office's day off or backlog is not theirs."""

import datetime as dt

import pytest

from loket.cases.models import Case, CaseEvent, State
from loket.channels.whatsapp import hours
from loket.channels.whatsapp.hours import WIB, cases_ahead, officer_time_text, turn_text
from loket.offices.models import Office, first_office
from loket.scheduling.models import OfficeClosure
from tests.scheduling import builders

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar():
    hours.forget_calendar()
    yield
    hours.forget_calendar()


def city() -> Office:
    """The second office; made after the first office's rows (a row without an office is
    refused once there are two)."""
    return Office.objects.get_or_create(code="36.71", defaults={"name": "Dinas Dukcapil Kota Tangerang"})[0]


def in_office(case: Case, office: Office) -> Case:
    """A case (and its resident) moved to `office`."""
    Case.objects.filter(pk=case.pk).update(office=office)
    type(case.resident).objects.filter(pk=case.resident_id).update(office=office)
    case.refresh_from_db()
    return case


MONDAY_10 = dt.datetime(2026, 11, 30, 10, 0, tzinfo=WIB)


def test_a_closure_of_one_office_does_not_close_the_other():
    regency_case = builders.case("KIA", state=State.WAITING_DOCUMENTS)
    city_case = builders.case("KIA", state=State.WAITING_DOCUMENTS)
    in_office(city_case, city())
    OfficeClosure.objects.create(office=city(), date=MONDAY_10.date(), reason="Rapat kerja")

    assert turn_text(regency_case, MONDAY_10) == "Petugas akan memeriksa hari ini, pada jam kerja."
    assert turn_text(city_case, MONDAY_10).startswith(
        "Kantor sedang tutup. Kantor buka lagi Selasa, 1 Desember 2026 pukul 07.30 WIB."
    )
    assert officer_time_text(MONDAY_10, first_office().pk) == "hari ini, pada jam kerja"
    assert officer_time_text(MONDAY_10, city().pk).startswith("Selasa, 1 Desember 2026")


def test_the_cases_ahead_are_those_of_the_same_office_and_service():
    for _ in range(3):
        builders.case("KIA", state=State.QUEUED)
    elsewhere = builders.case("KIA", state=State.IN_REVIEW)
    builders.case("KK", state=State.QUEUED)
    regency_case = builders.case("KIA", state=State.WAITING_DOCUMENTS)
    city_case = builders.case("KIA", state=State.WAITING_DOCUMENTS)
    in_office(elsewhere, city())
    city_case = in_office(city_case, city())

    assert cases_ahead(regency_case) == 3
    assert cases_ahead(city_case) == 1


def test_the_pace_is_that_of_the_office_own_officers():
    busy = builders.case("KIA", state=State.APPROVED)
    quiet = in_office(builders.case("KIA", state=State.APPROVED), city())
    monday_9 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=WIB)
    for i in range(20):
        CaseEvent.objects.create(
            case=busy,
            from_state=State.IN_REVIEW,
            to_state=State.APPROVED,
            at=monday_9 + dt.timedelta(minutes=i),
        )
    CaseEvent.objects.create(case=quiet, from_state=State.IN_REVIEW, to_state=State.APPROVED, at=monday_9)
    evening = dt.datetime(2026, 11, 30, 18, 0, tzinfo=WIB)

    regency, town = first_office().pk, city().pk
    assert hours.pace("KIA", evening, office_id=regency) == pytest.approx(
        20 * hours.pace("KIA", evening, office_id=town)
    )
    assert hours.pace("KIA", evening) == pytest.approx(
        hours.pace("KIA", evening, office_id=regency) * 21 / 20
    )
