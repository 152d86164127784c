"""The counter: scan, see the request, hand the card over once."""

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile

from loket.cases.models import Document, State
from loket.channels.whatsapp.models import OutboundMessage
from loket.channels.whatsapp.sending import Template, choose_form
from loket.console.models import AuditEntry, Role
from loket.scheduling import printing, receipts
from loket.scheduling.approval import approve_case, deliver_document
from loket.scheduling.counter import HandOverRefused, hand_over
from loket.scheduling.models import Booking, HandOver, Purpose
from tests.console.builders import make_staff, sign_in

from . import builders

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def officer():
    return make_staff("petugas", Role.COUNTER)


@pytest.fixture
def staff(client, officer):
    sign_in(client, officer)
    return client


def approved(service="KIA", **fields):
    with time_machine.travel(MONDAY, tick=False):
        case = builders.case(service, **fields)
        approve_case(case)
    return case


def printed(service="KIA", **fields):
    """Approved and its card marked printed ("siap diambil"): the only card the counter hands over."""
    case = approved(service, **fields)
    booking = case.bookings.get(status="active")
    assert printing.mark_printed(booking.day, [booking.pk]) is not None
    case.refresh_from_db()
    assert case.state == State.READY_FOR_PICKUP
    return case


def receipt_of(case):
    return case.bookings.get(status="active").receipts.get(revoked_at__isnull=True)


def handover_form(code, **changes):
    return {
        "code": code,
        "action": "serahkan",
        "relation": "orang_tua",
        "recipient_name": "Ahmad",
        "identity_document": "KTP-el",
        "identity_number_end": "3603 0000 0000 0001",
        **changes,
    }


def test_the_counter_needs_a_staff_login(client):
    response = client.get("/console/counter/")
    assert response.status_code == 302 and "/console/login/" in response["Location"]


def test_a_scan_shows_the_request_and_its_documents(staff):
    case = printed()
    Document.objects.create(resident=case.resident, case=case, label="akta_kelahiran")
    url = receipts.verify_url(receipt_of(case))
    body = staff.get("/console/counter/", {"code": url}).content.decode()
    assert case.request_number in body and "Akta kelahiran anak" in body
    assert "Serahkan" in body and "SI** AM****" in body
    assert f'href="/console/permohonan/{case.pk}/bukti.pdf"' in body
    assert staff.get(f"/console/permohonan/{case.pk}/bukti.pdf").content.startswith(b"%PDF-")
    assert AuditEntry.objects.filter(action="counter_scan", case=case).count() == 1


def test_the_counter_opens_each_document_through_the_audited_document_view(staff, officer):
    case = approved()
    document = Document(resident=case.resident, case=case, label="akta_kelahiran", mime_type="image/jpeg")
    document.file.save("akta.jpg", ContentFile(b"\xff\xd8\xff\xe0akta"), save=True)
    body = staff.get("/console/counter/", {"code": receipts.verify_url(receipt_of(case))}).content.decode()
    link = f"/console/permohonan/{case.pk}/dokumen/{document.pk}/"
    assert f'href="{link}"' in body
    response = staff.get(link)
    assert response.status_code == 200 and b"".join(response.streaming_content).endswith(b"akta")
    assert AuditEntry.objects.filter(action="view_document", document=document, actor=officer).exists()


def test_counter_staff_do_not_open_documents_of_requests_still_in_review(staff):
    case = builders.case("KIA")
    document = Document(resident=case.resident, case=case, label="kk", mime_type="image/jpeg")
    document.file.save("kk.jpg", ContentFile(b"\xff\xd8\xff\xe0kk"), save=True)
    assert staff.get(f"/console/permohonan/{case.pk}/dokumen/{document.pk}/").status_code == 404


def test_the_counter_page_lists_the_cards_waiting_for_pickup_masked(staff):
    case = approved()
    day = case.bookings.get(status="active").day
    body = staff.get("/console/counter/", {"hari": day.isoformat()}).content.decode()
    assert case.request_number in body
    assert case.subject not in body and f"{case.subject[:4]} •••• •••• {case.subject[-4:]}" in body


def test_the_card_is_handed_over_once_and_a_second_time_is_refused(staff, officer):
    case = printed()
    url = receipts.verify_url(receipt_of(case))
    response = staff.post("/console/counter/", handover_form(url), follow=True)
    assert "sudah diserahkan" in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.COLLECTED
    record = HandOver.objects.get(case=case)
    assert (record.officer, record.relation, record.recipient_name, record.identity_document) == (
        officer,
        "orang_tua",
        "Ahmad",
        "KTP-el",
    )
    assert record.identity_number_end == "0001"
    assert case.events.get(to_state=State.COLLECTED).actor == officer
    assert AuditEntry.objects.filter(action="counter_hand_over", case=case, actor=officer).count() == 1

    again = staff.post("/console/counter/", handover_form(url, recipient_name="Budi"), follow=True)
    body = again.content.decode()
    assert "tidak bisa diserahkan dua kali" in body
    assert HandOver.objects.filter(case=case).count() == 1


def test_a_revoked_receipt_cannot_be_used_at_the_counter(officer):
    case = approved()
    receipt = receipt_of(case)
    receipts.revoke(receipt.booking, "jadwal diganti")
    with pytest.raises(HandOverRefused, match="tidak berlaku"):
        hand_over(
            receipt, officer=officer, relation="pemohon", recipient_name="Siti", identity_document="KTP-el"
        )
    assert not HandOver.objects.exists()


def test_missing_recipient_details_are_refused(officer):
    receipt = receipt_of(approved())
    with pytest.raises(HandOverRefused, match="Isi nama penerima"):
        hand_over(receipt, officer=officer, relation="wali", recipient_name=" ", identity_document="KTP-el")


def test_a_recording_appointment_books_the_pickup_afterwards(staff, officer):
    case = approved("KTP", jenis="PEMULA")
    url = receipts.verify_url(receipt_of(case))
    with time_machine.travel(dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC), tick=False):
        sign_in(staff, officer)  # the session from before the travel has expired
        response = staff.post("/console/counter/", {"code": url, "action": "rekam"}, follow=True)
    assert "Perekaman dicatat" in response.content.decode()
    pickup = case.bookings.get(status=Booking.Status.ACTIVE)
    assert pickup.purpose == Purpose.PICKUP
    assert pickup.day == dt.date(2026, 12, 22)  # 14 working days after 2 Dec 2026
    assert case.outbound.filter(kind="receipt").count() == 2


def test_a_card_not_marked_printed_is_refused_with_the_reason_and_nothing_changes(staff, officer):
    case = approved()
    url = receipts.verify_url(receipt_of(case))
    page = staff.get("/console/counter/", {"code": url}).content.decode()
    assert "Kartu belum dicetak" in page and 'name="recipient_name"' not in page
    response = staff.post("/console/counter/", handover_form(url), follow=True)
    assert "belum ditandai tercetak" in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.APPROVED
    assert not HandOver.objects.exists()
    assert not case.outbound.filter(kind="hand_over").exists()
    with pytest.raises(HandOverRefused, match="Siap diambil"):
        hand_over(
            receipt_of(case),
            officer=officer,
            relation="pemohon",
            recipient_name="Siti",
            identity_document="KTP-el",
        )


def test_a_printed_card_may_go_before_its_pickup_date_and_the_resident_is_told_who_took_it(officer):
    case = printed()  # pickup booked for 18 December 2026
    with time_machine.travel(dt.datetime(2026, 12, 1, 2, 15, tzinfo=dt.UTC), tick=False):
        record = hand_over(
            receipt_of(case),
            officer=officer,
            relation="orang_tua",
            recipient_name="Ahmad",
            identity_document="KTP-el",
        )
    case.refresh_from_db()
    assert case.state == State.COLLECTED and record.at.date() < dt.date(2026, 12, 18)
    message = case.outbound.get(kind="hand_over")
    assert message.text == (
        f"Kartu untuk permohonan {case.request_number} sudah diserahkan di loket pada 01-12-2026 pukul 09.15 "
        "kepada Ahmad (orang tua). Bukan Anda? Balas PETUGAS."
    )
    # Inside the 24-hour window it goes as text; once the window has closed, as the template.
    message.resident.last_inbound_at = None
    form = choose_form(message, dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC))
    assert isinstance(form, Template)
    assert (form.name, form.params[0]) == ("loket_serah_terima", case.request_number)
    assert "Bukan Anda? Balas PETUGAS." in form.params[1]


def test_a_hand_over_message_goes_as_free_text_while_the_window_is_open(officer):
    case = printed()
    hand_over(
        receipt_of(case),
        officer=officer,
        relation="pemohon",
        recipient_name="Siti",
        identity_document="KTP-el",
    )
    message = OutboundMessage.objects.get(case=case, kind="hand_over")
    message.resident.last_inbound_at = dt.datetime.now(dt.UTC)
    assert choose_form(message, dt.datetime.now(dt.UTC)) is True


def test_a_document_delivered_over_whatsapp_keeps_its_own_rule_and_needs_no_printing():
    with time_machine.travel(MONDAY, tick=False):
        case = builders.case("KK")
        approve_case(case)
    record = deliver_document(case, b"%PDF-1.7 kk", "kk.pdf")
    case.refresh_from_db()
    assert case.state == State.COLLECTED and record.method == HandOver.Method.WHATSAPP
