"""The case page: data with the NIK's facts, warnings, documents, conversation, actions; audit."""

import csv
import datetime as dt
import html
import io
import logging

import pytest
from django.utils import timezone

from loket.cases.models import Case, State
from loket.channels.whatsapp.models import OutboundMessage
from loket.console.models import AuditEntry, CannedReply, Role
from loket.scheduling.office import long_date
from tests.console.builders import KIA_DOCS, add_document, make_case, make_staff, sign_in

pytestmark = pytest.mark.django_db
NIK = "3603035512180003"  # girl (55 = 15 + 40), born 15-12-2018
MASKED = "3603 •••• •••• 0003"


@pytest.fixture
def officer(client):
    user = make_staff("petugas", Role.OFFICER, services=["KIA"])
    sign_in(client, user)
    return user


def page(client, case):
    return client.get(f"/console/permohonan/{case.pk}/").content.decode()


def test_the_case_page_shows_the_whole_nik_with_birth_date_and_sex_and_audits_the_view(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer, subject=NIK, fields={"NIK": NIK})
    body = page(client, case)
    assert NIK in body
    assert "lahir 15-12-2018, Perempuan" in body
    entry = AuditEntry.objects.get(action="view_case")
    assert (entry.actor, entry.case, entry.address) == (officer, case, "127.0.0.1")


def test_lists_and_exports_show_the_nik_masked(client):
    supervisor = make_staff("sup", Role.SUPERVISOR)
    sign_in(client, supervisor)
    make_case(subject=NIK, fields={"NIK": NIK})
    queue = client.get("/console/antrean/KIA/").content.decode()
    assert MASKED in queue and NIK not in queue
    export = client.get("/console/antrean/KIA/ekspor.csv").content.decode()
    rows = list(csv.reader(io.StringIO(export)))
    assert rows[1][2] == MASKED and NIK not in export
    assert AuditEntry.objects.filter(action="export", actor=supervisor).exists()


def test_every_warning_is_explained(client, officer):
    warning = {
        "code": "nik_region_unknown",
        "field": "NIK",
        "message": "Kode wilayah NIK tidak ada dalam daftar.",
    }
    case = make_case(state=State.IN_REVIEW, assigned_to=officer, warnings=[warning])
    body = page(client, case)
    assert "NIK: nik_region_unknown" in body and "Kode wilayah NIK tidak ada dalam daftar." in body


def test_the_checklist_is_ticked_from_the_documents(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer, docs=("akta_kelahiran", "kk"))
    body = page(client, case)
    assert body.count('class="ok"') == 2 and body.count('class="missing"') == 2


def test_documents_are_served_only_through_the_checked_view_and_each_view_is_audited(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer, docs=())
    doc = add_document(case, "akta_kelahiran", mime="application/pdf", content=b"%PDF-1.4 contoh")
    response = client.get(f"/console/permohonan/{case.pk}/dokumen/{doc.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 contoh"
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # the case page's PDF viewer only
    assert AuditEntry.objects.get(action="view_document").document == doc
    other = make_case(docs=("kk",))
    foreign = other.documents.get()
    assert client.get(f"/console/permohonan/{case.pk}/dokumen/{foreign.pk}/").status_code == 404
    assert client.get(f"/media/{doc.file.name}").status_code == 404


def test_an_unsafe_file_type_is_downloaded_not_rendered(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer, docs=())
    doc = add_document(case, "kk", mime="text/html", content=b"<script>alert(1)</script>")
    response = client.get(f"/console/permohonan/{case.pk}/dokumen/{doc.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_the_conversation_shows_each_replys_delivery_status(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    OutboundMessage.objects.create(resident=case.resident, case=case, text="Sudah kami terima", status="read")
    body = page(client, case)
    assert "Sudah kami terima" in body and "Dibaca" in body


def test_the_reply_box_says_whether_the_24_hour_window_is_open(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    assert "Jendela 24 jam tertutup" in page(client, case)
    case.resident.last_inbound_at = timezone.now() - dt.timedelta(hours=2)
    case.resident.save()
    assert "Jendela 24 jam terbuka" in page(client, case)


def test_a_reply_goes_to_the_outbox_and_canned_replies_are_offered(client, officer):
    CannedReply.objects.create(title="Terima kasih", text="Terima kasih, kami periksa.")
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    assert "Terima kasih, kami periksa." in page(client, case)
    client.post(f"/console/permohonan/{case.pk}/balas/", {"text": "Mohon tunggu sebentar."})
    message = OutboundMessage.objects.get(case=case)
    assert (message.text, message.kind) == ("Mohon tunggu sebentar.", OutboundMessage.Kind.OFFICER)
    assert AuditEntry.objects.filter(action="reply", case=case).exists()


def test_a_correction_from_the_console_sends_one_message_and_is_audited(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    response = client.post(
        f"/console/permohonan/{case.pk}/perbaikan/",
        {"label": ["ktp_ibu"], "reason_ktp_ibu": ["buram"], "note_ktp_ibu": "", "note": ""},
    )
    assert response["Location"] == "/console/antrean/KIA/"
    case.refresh_from_db()
    assert case.state == State.NEEDS_CORRECTION
    assert "KTP-el ibu: fotonya buram" in OutboundMessage.objects.get(case=case).text
    assert AuditEntry.objects.get(action="correction").detail == "ktp_ibu"


def test_approval_from_the_console_books_pickup_and_enqueues_the_receipt(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    response = client.post(f"/console/permohonan/{case.pk}/setujui/", {"confirm": "1"}, follow=True)
    case.refresh_from_db()
    assert case.state == State.APPROVED
    booking = case.bookings.get()
    body = response.content.decode()
    assert f"Permohonan {case.request_number} disetujui. Pengambilan: {long_date(booking.day)}" in body
    assert f'<a href="/console/permohonan/{case.pk}/bukti.pdf">Unduh bukti (PDF)</a>' in body
    receipt = OutboundMessage.objects.get(case=case, kind=OutboundMessage.Kind.RECEIPT)
    assert receipt.document.read().startswith(b"%PDF-")
    assert AuditEntry.objects.filter(action="approve", case=case).exists()


def test_approval_of_a_case_not_in_review_is_refused_and_nothing_is_sent(client):
    supervisor = make_staff("sup", Role.SUPERVISOR)
    sign_in(client, supervisor)
    case = make_case(state=State.QUEUED)
    response = client.post(f"/console/permohonan/{case.pk}/setujui/", {"confirm": "1"}, follow=True)
    assert "tidak dapat disetujui" in html.unescape(response.content.decode())
    case.refresh_from_db()
    assert case.state == State.QUEUED
    assert not OutboundMessage.objects.filter(case=case).exists()


def test_rejection_without_a_reason_is_refused(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    response = client.post(
        f"/console/permohonan/{case.pk}/tolak/", {"reason": "", "instead": ""}, follow=True
    )
    assert "Tulis alasan penolakan" in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW


def test_handing_a_case_to_a_colleague(client, officer):
    colleague = make_staff("rekan", Role.OFFICER, services=["KIA"])
    make_staff("lain-layanan", Role.OFFICER, services=["KK"])
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    body = page(client, case)
    assert "rekan" in body and "lain-layanan" not in body
    client.post(f"/console/permohonan/{case.pk}/serahkan/", {"to": colleague.pk})
    case.refresh_from_db()
    assert (case.state, case.assigned_to) == (State.IN_REVIEW, colleague)
    assert "Diserahkan ke rekan" in case.events.last().note


def test_the_case_page_shows_its_history_and_duplicates(client, officer):
    make_case(subject=NIK)
    case = make_case(state=State.IN_REVIEW, assigned_to=officer, subject=NIK)
    body = page(client, case)
    assert "Kemungkinan ganda" in body
    assert "Menunggu dokumen → Lengkap, dalam antrean" in body


def test_supervisors_search_the_audit(client):
    supervisor = make_staff("sup", Role.SUPERVISOR)
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    other = make_case()
    sign_in(client, officer)
    page(client, case)
    page(client, other)
    sign_in(client, supervisor)
    body = client.get(
        "/console/audit/", {"nomor": case.request_number, "petugas": "petugas"}
    ).content.decode()
    assert case.request_number in body and other.request_number not in body
    assert "Tidak ada catatan." in client.get("/console/audit/", {"aksi": "reject"}).content.decode()


def test_supervisors_edit_canned_replies_and_officers_cannot(client):
    supervisor = make_staff("sup", Role.SUPERVISOR)
    sign_in(client, supervisor)
    client.post("/console/balasan/", {"title": "Jam buka", "text": "Senin-Jumat 08.00-15.00", "service": ""})
    reply = CannedReply.objects.get()
    client.post(
        "/console/balasan/", {"pk": reply.pk, "title": "Jam buka", "text": "Senin-Kamis", "service": "KIA"}
    )
    reply.refresh_from_db()
    assert (reply.text, reply.service) == ("Senin-Kamis", "KIA")
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    sign_in(client, officer)
    assert client.post("/console/balasan/", {"pk": reply.pk, "title": "x", "text": "y"}).status_code == 403


def test_no_personal_data_reaches_the_logs(client, officer, caplog):
    caplog.set_level(logging.DEBUG)
    case = make_case(state=State.IN_REVIEW, assigned_to=officer, subject=NIK, docs=(*KIA_DOCS, "pas_foto"))
    page(client, case)
    client.post(f"/console/permohonan/{case.pk}/balas/", {"text": "Halo"})
    client.get(f"/console/permohonan/{case.pk}/setujui/")
    client.post(f"/console/permohonan/{case.pk}/setujui/", {"confirm": "1"})
    assert NIK not in caplog.text and "SITI AMINAH" not in caplog.text.upper()
    assert Case.objects.get(pk=case.pk).state == State.APPROVED


def test_a_reason_alone_chooses_its_document_and_a_ticked_document_needs_a_reason(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    response = client.post(f"/console/permohonan/{case.pk}/perbaikan/", {"label": ["kk"]}, follow=True)
    assert "Sebutkan alasan untuk Kartu Keluarga (KK)" in response.content.decode()
    client.post(f"/console/permohonan/{case.pk}/perbaikan/", {"reason_ktp_ayah": ["terpotong"]})
    case.refresh_from_db()
    assert case.state == State.NEEDS_CORRECTION
    assert "KTP-el ayah: fotonya terpotong" in OutboundMessage.objects.get(case=case).text


def test_a_supervisor_reassigns_a_case_another_officer_holds(client):
    supervisor = make_staff("sup", Role.SUPERVISOR)
    away = make_staff("pergi", Role.OFFICER, services=["KIA"])
    present = make_staff("ada", Role.OFFICER, services=["KIA"])
    case = make_case(state=State.IN_REVIEW, assigned_to=away)
    sign_in(client, supervisor)
    client.post(f"/console/permohonan/{case.pk}/serahkan/", {"to": present.pk})
    case.refresh_from_db()
    assert case.assigned_to == present
    assert AuditEntry.objects.get(action="hand_over").detail == f"to={present.pk}"


def test_a_case_cannot_be_handed_to_someone_outside_its_area(client, officer):
    elsewhere = make_staff("jauh", Role.OFFICER, services=["KIA"], kecamatan=["36.03.12"])
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)  # in 36.03.03
    response = client.post(f"/console/permohonan/{case.pk}/serahkan/", {"to": elsewhere.pk}, follow=True)
    assert "Pilih rekan yang melayani layanan dan wilayah ini." in response.content.decode()
    case.refresh_from_db()
    assert case.assigned_to == officer
