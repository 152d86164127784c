"""When an officer will look: the office's one calendar (scheduling), and the queue's recent pace."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from loket.cases.models import CaseEvent, State
from loket.channels.whatsapp import hours
from loket.channels.whatsapp.hours import WIB, next_officer_time, officer_time_text, turn_text
from loket.channels.whatsapp.models import OutboundMessage
from loket.scheduling.models import ExtraServiceDay, OfficeClosure, OfficeHours
from tests.scheduling import builders
from tests.whatsapp.inbound import deliver, inbound_settings, office_numbers, text  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar():
    hours.forget_calendar()
    yield
    hours.forget_calendar()


def wib(month, day, hour, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=WIB)


def test_inside_working_hours_an_officer_looks_today():
    assert next_officer_time(wib(11, 30, 10)) == wib(11, 30, 10)  # Monday morning
    assert next_officer_time(wib(11, 27, 16, 15)) == wib(11, 27, 16, 15)  # Friday until 16:30
    assert officer_time_text(wib(11, 30, 10)) == "hari ini, pada jam kerja"


def test_before_opening_it_is_this_morning_and_after_closing_the_next_working_day():
    assert next_officer_time(wib(11, 30, 6)) == wib(11, 30, 7, 30)
    assert officer_time_text(wib(11, 30, 6)) == "hari ini mulai pukul 07.30 WIB"
    assert next_officer_time(wib(11, 26, 16, 5)) == wib(11, 27, 7, 30)  # Thursday closes at 16:00
    assert next_officer_time(wib(11, 27, 16, 45)) == wib(11, 30, 7, 30)  # Friday evening -> Monday


def test_a_weekend_waits_for_monday_and_any_time_zone_is_read_as_wib():
    assert officer_time_text(wib(11, 28, 12)) == "Senin, 30 November 2026 mulai pukul 07.30 WIB"
    utc = dt.datetime(2026, 11, 29, 23, 0, tzinfo=dt.UTC)  # Monday 06:00 WIB
    assert next_officer_time(utc) == wib(11, 30, 7, 30)


def test_christmas_and_its_collective_leave_are_skipped():
    # Thursday 24 December 2026 is cuti bersama, Friday 25 is Natal, then the weekend.
    assert next_officer_time(wib(12, 23, 17)) == wib(12, 28, 7, 30)
    assert officer_time_text(wib(12, 23, 17)) == "Senin, 28 Desember 2026 mulai pukul 07.30 WIB"


def test_the_administrators_closures_extra_days_and_hours_count_at_once():
    OfficeClosure.objects.create(date=dt.date(2026, 11, 30), reason="Rapat kerja")
    assert next_officer_time(wib(11, 28, 12)) == wib(12, 1, 7, 30)
    ExtraServiceDay.objects.create(date=dt.date(2026, 11, 28), reason="Layanan Sabtu")
    assert next_officer_time(wib(11, 28, 6)) == wib(11, 28, 8, 0)
    OfficeHours.objects.create(weekday=1, opens=dt.time(8, 30), closes=dt.time(15, 0))
    assert next_officer_time(wib(12, 1, 7, 45)) == wib(12, 1, 8, 30)
    assert next_officer_time(wib(12, 1, 15, 30)) == wib(12, 2, 7, 30)


# --- the resident's turn, from the recent pace ---------------------------------------------------

# The five working days before Christmas: 17, 18, 21, 22 and 23 December (Friday 18 is 9 h).
RECENT_DAYS = [dt.date(2026, 12, d) for d in (17, 18, 21, 22, 23)]
WORKING_HOURS = 8.5 * 4 + 9


def decided(n: int, service: str = "KIA") -> None:
    """`n` decisions spread over the recent working days (their pace: n / 43.0 per hour)."""
    case = builders.case(service, state=State.APPROVED)
    for i in range(n):
        day = RECENT_DAYS[i % len(RECENT_DAYS)]
        at = dt.datetime.combine(day, dt.time(9, 0), tzinfo=WIB) + dt.timedelta(minutes=i % 300)
        CaseEvent.objects.create(case=case, from_state=State.IN_REVIEW, to_state=State.APPROVED, at=at)


def test_the_pace_is_decisions_per_working_hour_over_the_last_working_days():
    decided(86)
    decided(30, service="KK")
    decided_long_ago = builders.case("KIA", state=State.APPROVED)
    CaseEvent.objects.create(
        case=decided_long_ago,
        from_state=State.IN_REVIEW,
        to_state=State.APPROVED,
        at=dt.datetime(2026, 12, 1, 9, tzinfo=WIB),
    )
    assert hours.pace("KIA", wib(12, 23, 18)) == pytest.approx(86 / WORKING_HOURS)
    assert hours.pace("KTP", wib(12, 23, 18)) is None


def test_outside_hours_the_resident_learns_when_the_office_opens_and_roughly_their_turn():
    decided(86)  # two cases an hour
    for _ in range(3):
        builders.case("KIA", state=State.QUEUED)
    builders.case("KIA", state=State.IN_REVIEW)
    builders.case("KK", state=State.QUEUED)  # another service's queue is not ahead
    mine = builders.case("KIA", state=State.WAITING_DOCUMENTS)
    text_ = turn_text(mine, wib(12, 23, 18))
    assert text_.startswith("Kantor sedang tutup. Kantor buka lagi Senin, 28 Desember 2026 pukul 07.30 WIB.")
    # (4 ahead + this one) / 2 per hour = 2.5 h after 07:30.
    assert "Ada 4 permohonan KIA lain sebelum Anda." in text_
    assert "Perkiraan giliran Anda diperiksa: sekitar pukul 10.00 WIB hari itu." in text_


def test_a_long_queue_is_estimated_in_days_over_working_hours_only():
    decided(86)
    for _ in range(40):
        builders.case("KIA", state=State.QUEUED)
    mine = builders.case("KIA", state=State.WAITING_DOCUMENTS)
    # 41 cases at 2 an hour: 20.5 h = Monday 8.5 + Tuesday 8.5 + 3.5 h into Wednesday.
    assert "sekitar Rabu, 30 Desember 2026." in turn_text(mine, wib(12, 23, 18))


def test_without_a_recent_pace_there_is_no_guess_and_in_hours_no_closing_notice():
    mine = builders.case("KIA", state=State.WAITING_DOCUMENTS)
    closed = turn_text(mine, wib(12, 23, 18))
    assert "Perkiraan" not in closed
    assert "Petugas akan memeriksa permohonan Anda sesudah kantor buka." in closed
    assert turn_text(mine, wib(12, 22, 10)) == "Petugas akan memeriksa hari ini, pada jam kerja."


def test_a_request_sent_on_a_sunday_night_is_told_when_the_office_opens():
    office_numbers()
    with time_machine.travel(wib(11, 29, 20), tick=False):
        deliver(text("#KIA#3603011105200003#3603012208170006#BUDI SANTOSO#SENTUL#BALARAJA"))
        assert timezone.now() == wib(11, 29, 20)
    ack = OutboundMessage.objects.order_by("pk").first()
    assert "Kantor buka lagi Senin, 30 November 2026 pukul 07.30 WIB." in ack.text
