"""JADWAL ULANG and the session list, through the signed webhook and out to the fake Graph API."""

import datetime as dt

import pytest
import time_machine

from loket.cases.models import Case, State
from loket.channels.whatsapp import hours
from loket.channels.whatsapp.models import OutboundMessage
from loket.scheduling.approval import approve_case
from loket.scheduling.models import Booking
from tests import approvable
from tests.whatsapp.inbound import (  # noqa: F401
    SITI,
    deliver,
    inbound_settings,
    message,
    office_numbers,
    text,
    work,
)

pytestmark = pytest.mark.django_db

KIA_BUDI = "#KIA#3603011105200003#3603012208170006#BUDI SANTOSO#SENTUL#BALARAJA"
KIA_SITI = "#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA"
MONDAY = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)  # 10:00 WIB


@pytest.fixture(autouse=True)
def setting(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # receipts are outbox files
    office_numbers()
    hours.forget_calendar()
    with time_machine.travel(MONDAY, tick=False):
        yield


def approved(request_text: str, ts: int) -> Case:
    """A request sent over WhatsApp, reviewed and approved (receipt sent)."""
    deliver(text(request_text, ts=ts))
    case = Case.objects.order_by("-pk").first()
    Case.objects.filter(pk=case.pk).update(state=State.IN_REVIEW)
    case.refresh_from_db()
    approvable.make_complete(case)  # documents and consent, as the resident would send them
    approve_case(case)
    return case


def list_reply(row_id: str, **kw) -> dict:
    return message(
        "interactive", type="list_reply", list_reply={"id": row_id, "title": "Sel 22 Des pagi"}, **kw
    )


def offered_rows() -> list[dict]:
    last = OutboundMessage.objects.order_by("pk").last()
    assert last.interactive and last.interactive["type"] == "list"
    return last.interactive["action"]["sections"][0]["rows"]


def test_jadwal_ulang_in_any_case_and_spacing_offers_a_list_and_a_choice_moves_the_booking(fake_graph):
    case = approved(KIA_BUDI, 1764400000)
    old = case.bookings.get(status=Booking.Status.ACTIVE)
    deliver(text("  jadwal   Ulang ", ts=1764400100))
    rows = offered_rows()
    assert fake_graph.sent_to(SITI)[-1].body["interactive"]["action"]["sections"][0]["rows"] == rows
    assert rows and all(row["id"].startswith(f"jadwal:{old.pk}:") for row in rows)

    deliver(list_reply(rows[1]["id"], ts=1764400200))
    new = case.bookings.get(status=Booking.Status.ACTIVE)
    assert new.pk != old.pk and (new.day, new.part) != (old.day, old.part)
    assert Booking.objects.get(pk=old.pk).status == Booking.Status.MOVED
    # Five messages in a row: the new receipt waits for Meta's pair rate limit, then goes.
    with time_machine.travel(MONDAY + dt.timedelta(minutes=1), tick=False):
        work()
    receipt = fake_graph.sent_to(SITI)[-1]
    assert receipt.type == "document" and receipt.text.startswith("Jadwal sudah diganti.")


def test_with_several_approved_requests_the_latest_is_offered_and_the_resident_is_told(fake_graph):
    first = approved(KIA_BUDI, 1764400000)
    with time_machine.travel(MONDAY + dt.timedelta(minutes=5), tick=False):
        second = approved(KIA_SITI, 1764400050)
    deliver(text("JADWALULANG", ts=1764400100))
    offer, note = OutboundMessage.objects.order_by("-pk")[:2]  # the pair rate limit may hold them
    assert f"permohonan terbaru, {second.request_number}" in note.text
    assert f"JADWAL ULANG {first.request_number}" in note.text
    assert second.request_number in offer.interactive["body"]["text"]

    deliver(text(f"jadwal ulang {first.request_number.lower()}", ts=1764400200))
    rows = offered_rows()
    booking = first.bookings.get(status=Booking.Status.ACTIVE)
    assert all(row["id"].startswith(f"jadwal:{booking.pk}:") for row in rows)


def test_without_an_approved_request_there_is_nothing_to_move(fake_graph):
    deliver(text(KIA_BUDI, ts=1764400000))
    deliver(text("JADWAL ULANG", ts=1764400100))
    answer = fake_graph.sent_to(SITI)[-1]
    assert answer.type == "text" and "belum ada jadwal yang bisa diganti" in answer.text
    assert not Booking.objects.exists()


def test_a_list_reply_naming_someone_elses_booking_changes_nothing(fake_graph):
    case = approved(KIA_BUDI, 1764400000)
    booking = case.bookings.get()
    day = booking.day + dt.timedelta(days=1)
    stranger = "6281377777777"
    deliver(list_reply(f"jadwal:{booking.pk}:{day:%Y%m%d}-pagi", frm=stranger), wa_id=stranger, bsuid="ID.X")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ACTIVE
    (answer,) = fake_graph.sent_to(stranger)
    assert "tidak dikenali" in answer.text
