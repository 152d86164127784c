"""Approving a request: the service's outcome, the earliest session with room, a receipt."""

import datetime as dt

import pytest
import time_machine

from loket.cases.models import Case, IllegalTransition, Resident, State
from loket.channels.whatsapp.models import OutboundMessage
from loket.offices.models import Office
from loket.scheduling.allocation import NoRoom
from loket.scheduling.approval import DeliveryRefused, approve_case, deliver_document
from loket.scheduling.models import Booking, HandOver, Purpose

from . import builders

pytestmark = pytest.mark.django_db

# Monday 30 November 2026, 10:00 in Jakarta.
MONDAY = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)


@time_machine.travel(MONDAY, tick=False)
def test_a_kia_approval_books_a_pickup_fourteen_working_days_later_and_sends_the_receipt():
    case = builders.case("KIA")
    approval = approve_case(case, source="console")
    case.refresh_from_db()
    assert case.state == State.APPROVED
    assert approval.outcome == "pickup"
    booking = case.bookings.get()
    # 14 working days after 30 Nov 2026 skip weekends and 24-25 Dec: 18 Dec is the 14th.
    assert (booking.purpose, booking.day, booking.part) == (Purpose.PICKUP, dt.date(2026, 12, 18), "pagi")
    message = OutboundMessage.objects.get(case=case)
    assert message.kind == "receipt"
    assert message.document_name == f"bukti-pengambilan-{case.request_number}.pdf"
    assert message.document.read().startswith(b"%PDF-")
    assert "Jumat, 18 Desember 2026" in message.text
    assert booking.receipts.get().is_valid


@time_machine.travel(MONDAY, tick=False)
def test_when_a_session_is_full_the_next_one_with_room_is_given():
    builders.schedule("KIA", capacity_pagi=1, capacity_siang=1, capacity_day=2)
    days = [approve_case(builders.case("KIA")).case.bookings.get() for _ in range(3)]
    assert [(b.day, b.part) for b in days] == [
        (dt.date(2026, 12, 18), "pagi"),
        (dt.date(2026, 12, 18), "siang"),
        (dt.date(2026, 12, 21), "pagi"),
    ]


@time_machine.travel(MONDAY, tick=False)
def test_the_day_capacity_caps_its_sessions():
    builders.schedule("KIA", capacity_pagi=5, capacity_siang=5, capacity_day=1)
    first, second = (approve_case(builders.case("KIA")).case.bookings.get() for _ in range(2))
    assert (first.day, first.part) == (dt.date(2026, 12, 18), "pagi")
    assert (second.day, second.part) == (dt.date(2026, 12, 21), "pagi")


@time_machine.travel(MONDAY, tick=False)
def test_a_first_ktp_gets_a_recording_appointment_first():
    case = builders.case("KTP", jenis="PEMULA")
    approve_case(case)
    booking = case.bookings.get()
    assert booking.purpose == Purpose.APPOINTMENT
    assert booking.day == dt.date(2026, 12, 2)  # two working days
    assert "perekaman" in OutboundMessage.objects.get(case=case).text


@time_machine.travel(MONDAY, tick=False)
def test_a_kk_approval_promises_the_document_over_whatsapp_and_books_nothing():
    case = builders.case("KK")
    approve_case(case)
    assert not case.bookings.exists()
    message = OutboundMessage.objects.get(case=case)
    assert "kirim lewat WhatsApp" in message.text
    hand_over = deliver_document(case, b"%PDF-1.7 signed", "kk-baru", actor=None)
    case.refresh_from_db()
    assert case.state == State.COLLECTED
    assert hand_over.method == HandOver.Method.WHATSAPP
    sent = OutboundMessage.objects.filter(case=case).latest("pk")
    assert sent.document_name == "kk-baru.pdf" and sent.document.read() == b"%PDF-1.7 signed"
    with pytest.raises(DeliveryRefused, match="sudah diserahkan"):
        deliver_document(case, b"%PDF-1.7 again", "kk.pdf")


def test_a_document_that_is_not_a_pdf_is_refused_and_nothing_changes():
    case = builders.case("SKPWNI", state="approved")
    with pytest.raises(DeliveryRefused, match="bukan PDF"):
        deliver_document(case, b"\x89PNG...", "x.png")
    case.refresh_from_db()
    assert case.state == State.APPROVED
    assert not OutboundMessage.objects.filter(case=case).exists()


def test_a_case_not_in_review_is_not_approved():
    case = builders.case("KIA", state=State.WAITING_DOCUMENTS)
    with pytest.raises(IllegalTransition):
        approve_case(case)
    assert not Booking.objects.exists() and not OutboundMessage.objects.exists()


@time_machine.travel(MONDAY, tick=False)
def test_without_room_nothing_changes(settings):
    settings.LOKET_BOOKING_HORIZON_DAYS = 2
    builders.schedule("KIA", capacity_pagi=0, capacity_siang=0, capacity_day=0)
    case = builders.case("KIA")
    with pytest.raises(NoRoom, match="Tidak ada sesi"):
        approve_case(case)
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    assert not OutboundMessage.objects.exists()


@time_machine.travel(MONDAY, tick=False)
def test_an_office_that_prefers_pickup_for_kk_books_a_pickup():
    builders.schedule("KK", outcome="pickup", lead_days=3)
    case = builders.case("KK", name="BUDI SANTOSO")
    approve_case(case)
    booking = case.bookings.get()
    assert (booking.purpose, booking.day) == (Purpose.PICKUP, dt.date(2026, 12, 3))
    assert OutboundMessage.objects.get(case=case).kind == "receipt"


@time_machine.travel(MONDAY, tick=False)
def test_each_office_books_pickups_after_its_own_lead_time():
    """Office B sets 3 working days (Office.pickup_lead_days); office A sets none and keeps
    LOKET_PICKUP_LEAD_DAYS (14): approval books each case after its own office's lead time."""
    mine, theirs = builders.case("KIA"), builders.case("KIA")
    kota = Office.objects.create(code="36.71", name="Kota Tangerang", pickup_lead_days=3)
    Resident.objects.filter(pk=theirs.resident_id).update(office=kota)
    Case.objects.filter(pk=theirs.pk).update(office=kota)
    theirs.refresh_from_db()
    approve_case(mine)
    approve_case(theirs)
    assert mine.bookings.get().day == dt.date(2026, 12, 18)  # 14 working days, as before
    assert theirs.bookings.get().day == dt.date(2026, 12, 3)  # Monday + 3 working days
    assert theirs.bookings.get().schedule.office == kota
