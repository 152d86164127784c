"""The console's approve action: it asks first (with the date it will book), the guard's
refusals are shown in Bahasa, a supervisor may override with a reason, and the result
names the booked date and links the receipt."""

import datetime as dt
import html

import pytest
import time_machine

from loket.cases.models import State
from loket.channels.whatsapp.models import CaseConsent, OutboundMessage
from loket.console.models import AuditEntry, Role
from loket.scheduling.models import Approval, Booking, Slot
from loket.scheduling.office import long_date
from tests.console.builders import KIA_DOCS, add_document, make_case, make_staff, sign_in

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def on_monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def officer(client):
    user = make_staff("petugas", Role.OFFICER, services=["KIA"])
    sign_in(client, user)
    return user


def url(case) -> str:
    return f"/console/permohonan/{case.pk}/setujui/"


def text(response) -> str:
    return html.unescape(response.content.decode())


def nothing_booked(case) -> None:
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    assert not Approval.objects.exists() and not Booking.objects.exists()
    assert not Slot.objects.filter(booked__gt=0).exists()
    assert not OutboundMessage.objects.filter(case=case).exists()


def test_the_confirmation_shows_the_date_it_will_book_and_books_nothing(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    body = text(client.get(url(case)))
    assert (
        "pengambilan pada <strong>Jumat, 18 Desember 2026</strong>, pagi" in body and 'id="confirm"' in body
    )
    nothing_booked(case)
    # A POST without the confirmation (a script, an old form) only shows the question again.
    response = client.post(url(case))
    assert response.status_code == 302 and response["Location"] == url(case)
    nothing_booked(case)


def test_confirming_approves_and_tells_the_date_with_a_link_to_the_receipt(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    body = text(client.post(url(case), {"confirm": "1"}, follow=True))
    booking = Booking.objects.get(case=case)
    assert booking.day == dt.date(2026, 12, 18)
    assert f"Permohonan {case.request_number} disetujui. Pengambilan: {long_date(booking.day)}, pagi" in body
    receipt_url = f"/console/permohonan/{case.pk}/bukti.pdf"
    assert f'href="{receipt_url}"' in body
    pdf = client.get(receipt_url)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert AuditEntry.objects.filter(action="view_receipt", case=case, actor=officer).exists()
    # The case page links it too, and so does the counter (its own test).
    assert f'<a href="{receipt_url}" id="receipt-link"' in text(client.get(f"/console/permohonan/{case.pk}/"))


def test_a_double_submit_books_once(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    client.post(url(case), {"confirm": "1"})
    again = text(client.post(url(case), {"confirm": "1"}, follow=True))
    assert "tidak dapat disetujui" in again or "tidak sedang diperiksa" in again
    assert Booking.objects.filter(case=case).count() == 1
    assert OutboundMessage.objects.filter(case=case, kind="receipt").count() == 1


def test_a_case_without_documents_shows_what_is_missing_and_cannot_be_confirmed(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer, docs=("kk",))
    case_page = text(client.get(f"/console/permohonan/{case.pk}/"))
    assert 'id="not-yet"' in case_page and "Akta kelahiran anak, KTP-el ayah, KTP-el ibu." in case_page
    body = text(client.get(url(case)))
    assert "Belum dapat disetujui" in body
    assert "Dokumen belum ada atau tidak dapat dipakai: Akta kelahiran anak, KTP-el ayah, KTP-el ibu." in body
    assert 'id="confirm"' not in body and "override_reason" not in body
    response = text(client.post(url(case), {"confirm": "1"}, follow=True))
    assert f"Permohonan {case.request_number} belum dapat disetujui" in response
    nothing_booked(case)
    assert AuditEntry.objects.filter(action="approve_refused", case=case, actor=officer).exists()


def test_an_error_level_problem_in_the_data_is_shown_and_refused(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    case.fields = {**case.fields, "nama": "SITI 4MINAH"}
    case.save()
    body = text(client.post(url(case), {"confirm": "1"}, follow=True))
    assert "Data: " in body and "tidak boleh berisi angka" in body
    nothing_booked(case)


def test_no_consent_is_refused(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    CaseConsent.objects.filter(case=case).delete()
    body = text(client.post(url(case), {"confirm": "1"}, follow=True))
    assert "Persetujuan pemrosesan data dari pemohon belum tercatat." in body
    nothing_booked(case)


def test_a_child_who_turned_17_is_refused_on_the_day_of_approval(client, officer):
    # Born 10 December 2009: 16 on the request day.
    case = make_case(state=State.IN_REVIEW, assigned_to=officer, subject="3603035012090007")
    add_document(case, "pas_foto")
    assert "Ya, setujui" in text(client.get(url(case)))
    with time_machine.travel(dt.datetime(2026, 12, 10, 3, 0, tzinfo=dt.UTC), tick=False):
        sign_in(client, officer)
        body = text(client.post(url(case), {"confirm": "1"}, follow=True))
    assert "KIA hanya untuk anak di bawah 17 tahun" in body
    nothing_booked(case)


def test_an_officer_cannot_override(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer, docs=())
    body = text(
        client.post(url(case), {"confirm": "1", "override_reason": "Saya sudah cek aslinya."}, follow=True)
    )
    assert "Hanya supervisor yang dapat menyetujui" in body
    nothing_booked(case)


def test_a_supervisor_overrides_with_a_reason_audited_and_shown_on_the_case(client):
    supervisor = make_staff("supervisor", Role.SUPERVISOR)
    sign_in(client, supervisor)
    case = make_case(state=State.IN_REVIEW, assigned_to=supervisor, docs=KIA_DOCS[:2])
    page = text(client.get(url(case)))
    assert 'name="override_reason"' in page and 'id="confirm"' not in page
    short = text(client.post(url(case), {"confirm": "1", "override_reason": "ok"}, follow=True))
    assert "Tulis alasan pengecualian" in short
    nothing_booked(case)
    reason = "KTP-el kedua orang tua diperiksa langsung di loket."
    client.post(url(case), {"confirm": "1", "override_reason": reason})
    case.refresh_from_db()
    assert case.state == State.APPROVED
    approval = Approval.objects.get(case=case)
    assert approval.override_reason == reason and approval.actor == supervisor
    assert any("KTP-el ibu, Kartu Keluarga (KK)" in r for r in approval.overridden)
    entry = AuditEntry.objects.get(action="approve_override", case=case)
    assert entry.actor == supervisor and reason not in entry.detail  # no free text in the audit detail
    case_page = text(client.get(f"/console/permohonan/{case.pk}/"))
    assert "Disetujui dengan pengecualian supervisor oleh supervisor" in case_page and reason in case_page
