"""JADWAL ULANG: the resident picks a new session from a list; the old receipt stops being valid."""

import datetime as dt

import pytest
import time_machine

from loket.channels.whatsapp.models import OutboundMessage
from loket.scheduling import receipts
from loket.scheduling.approval import approve_case
from loket.scheduling.models import Booking, Slot
from loket.scheduling.rescheduling import choose_session, offer_sessions

from . import builders

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def on_monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def approved_case():
    builders.schedule("KIA", capacity_pagi=1, capacity_siang=1, capacity_day=2)
    case = builders.case("KIA")
    approve_case(case)
    return case


def list_rows(message):
    return message.interactive["action"]["sections"][0]["rows"]


def test_the_offer_is_a_whatsapp_list_of_free_sessions_from_the_lead_date():
    case = approved_case()
    booking = case.bookings.get()
    approve_case(builders.case("KIA"))  # another resident takes the siang of 18 Dec
    message = offer_sessions(case)
    assert message.interactive["type"] == "list"
    rows = list_rows(message)
    assert 1 <= len(rows) <= 10
    assert rows[0]["id"] == f"jadwal:{booking.pk}:20261221-pagi"
    assert all(len(row["title"]) <= 24 and len(row["id"]) <= 200 for row in rows)
    assert rows[0]["title"] == "Sen 21 Des pagi"


def test_choosing_a_session_moves_the_booking_and_revokes_the_old_receipt():
    case = approved_case()
    old = case.bookings.get()
    old_receipt = old.receipts.get()
    new = choose_session(case, f"jadwal:{old.pk}:20261222-siang")
    assert (new.day, new.part, new.status) == (dt.date(2026, 12, 22), "siang", "active")
    old.refresh_from_db()
    assert old.status == Booking.Status.MOVED
    assert receipts.verify(receipts.token_for(old_receipt)).status == "revoked"
    assert receipts.verify(receipts.token_for(new.receipts.get())).status == "valid"
    sent = OutboundMessage.objects.filter(case=case, kind="receipt").latest("pk")
    assert "Selasa, 22 Desember 2026" in sent.text and sent.document_name.endswith(".pdf")
    # The old place is given back, the new one taken.
    slot = Slot.objects.get(day=dt.date(2026, 12, 18), part="pagi")
    assert slot.booked == 0
    assert Slot.objects.get(day=dt.date(2026, 12, 22), part="siang").booked == 1


def test_a_full_session_is_refused_and_the_list_is_offered_again():
    case = approved_case()
    old = case.bookings.get()
    approve_case(builders.case("KIA"))  # fills 18 Dec siang
    assert choose_session(case, f"jadwal:{old.pk}:20261218-siang") is None
    texts = list(OutboundMessage.objects.filter(case=case).order_by("pk").values_list("text", flat=True))
    assert "baru saja penuh" in texts[-2]
    assert OutboundMessage.objects.filter(case=case).latest("pk").interactive["type"] == "list"
    old.refresh_from_db()
    assert old.status == Booking.Status.ACTIVE


@pytest.mark.parametrize("reply", ["jadwal:xx", "jadwal:1:2026-pagi", "other:1:20261221-pagi"])
def test_a_garbled_reply_gets_a_kind_answer(reply):
    case = approved_case()
    assert choose_session(case, reply) is None
    assert "tidak dikenali" in OutboundMessage.objects.filter(case=case).latest("pk").text


def test_an_old_list_no_longer_works_after_a_move():
    case = approved_case()
    old = case.bookings.get()
    choose_session(case, f"jadwal:{old.pk}:20261222-pagi")
    assert choose_session(case, f"jadwal:{old.pk}:20261223-pagi") is None
    assert "sudah tidak berlaku" in OutboundMessage.objects.filter(case=case).latest("pk").text


def test_a_session_before_the_lead_date_cannot_be_chosen():
    case = approved_case()
    old = case.bookings.get()
    assert choose_session(case, f"jadwal:{old.pk}:20261201-pagi") is None
    old.refresh_from_db()
    assert old.status == Booking.Status.ACTIVE
