"""Reminders: the working day before the date at the configured hour; no-shows later."""

import datetime as dt

import pytest
import time_machine

from loket.channels.whatsapp.models import OutboundMessage
from loket.jobs.queue import enqueue_periodic, run_pending
from loket.scheduling.approval import approve_case
from loket.scheduling.models import Booking

from . import builders

pytestmark = pytest.mark.django_db
JAKARTA = dt.timezone(dt.timedelta(hours=7))


def at(y, m, d, hour, minute=0):
    return time_machine.travel(dt.datetime(y, m, d, hour, minute, tzinfo=JAKARTA), tick=False)


@pytest.fixture
def booking():
    with at(2026, 11, 30, 10):
        case = builders.case("KIA")
        approve_case(case)
    return case.bookings.get()  # Friday 18 December 2026, pagi


def reminders():
    return OutboundMessage.objects.filter(kind="reminder")


def run_jobs():
    enqueue_periodic()
    run_pending()


def test_the_reminder_goes_the_working_day_before_from_the_reminder_hour(booking, settings):
    settings.LOKET_REMINDER_HOUR = 9
    with at(2026, 12, 16, 18):  # two days before: nothing
        run_jobs()
    with at(2026, 12, 17, 8, 50):  # the day before, before the hour: nothing
        run_jobs()
    assert not reminders().exists()
    with at(2026, 12, 17, 9, 5):
        run_jobs()
    message = reminders().get()
    assert message.template_name == "pengingat_pengambilan"
    assert message.template_params == [booking.case.request_number, "Jumat, 18 Desember 2026", "Pagi"]
    with at(2026, 12, 17, 9, 30):  # the next run does not repeat it
        run_jobs()
    assert reminders().count() == 1


def test_a_monday_date_is_reminded_on_the_friday_before(settings):
    with at(2026, 11, 30, 10):
        builders.schedule("KIA", lead_days=15)
        case = builders.case("KIA")
        approve_case(case)
    assert case.bookings.get().day == dt.date(2026, 12, 21)  # Monday
    with at(2026, 12, 18, 10):  # Friday
        run_jobs()
    assert reminders().filter(case=case).count() == 1


def test_a_no_show_gets_a_reminder_then_a_flag(booking, settings):
    settings.LOKET_NO_SHOW_REMINDER_DAYS = 3
    settings.LOKET_NO_SHOW_FLAG_DAYS = 6
    with at(2026, 12, 22, 10):  # 2 working days after 18 Dec
        run_jobs()
    assert not reminders().filter(template_name="pengingat_belum_diambil").exists()
    with at(2026, 12, 23, 10):  # 21, 22, 23 Dec: 3 working days
        run_jobs()
    assert reminders().filter(template_name="pengingat_belum_diambil").count() == 1
    with at(2026, 12, 29, 10):  # 24-25 Dec closed: 28, 29 make 5
        run_jobs()
    booking.refresh_from_db()
    assert booking.flagged_at is None
    with at(2026, 12, 30, 11):
        run_jobs()
    booking.refresh_from_db()
    assert booking.flagged_at is not None
    assert reminders().filter(template_name="pengingat_belum_diambil").count() == 1


def test_collected_cards_get_no_reminder(booking):
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.DONE)
    with at(2026, 12, 17, 10):
        run_jobs()
    with at(2026, 12, 30, 10):
        run_jobs()
    assert not reminders().exists()
