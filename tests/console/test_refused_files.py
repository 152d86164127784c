"""Hostile files end to end: through the real webhook, the media download from the fake Graph
API and the one file check. A file that is not what it claims never completes a checklist
item, the case does not go to the queue, the resident is told plainly which file and what to
send instead, and the officer still sees it, flagged, as a download only."""

import hashlib
import time

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from loket.cases.checklist import checklist_for, document_counts
from loket.cases.models import Case, Document, State
from loket.channels.whatsapp.models import InboundMessage, OutboundMessage
from loket.console.models import AuditEntry, Role
from loket.scheduling.models import Approval, Booking
from tests import hostile_files as hostile
from tests.console.builders import make_staff, sign_in
from tests.whatsapp.inbound import (  # noqa: F401
    SHIFT,
    deliver,
    inbound_settings,
    jpeg,
    message,
    office_numbers,
    photo,
    text,
)

pytestmark = pytest.mark.django_db

KIA_BUDI = "#KIA#3603011105200003#3603012208170006#BUDI SANTOSO#SENTUL#BALARAJA"
CONSENT = {"type": "button_reply", "button_reply": {"id": "consent:yes", "title": "Saya setuju"}}
OTHERS = ["KTP AYAH", "KTP IBU", "KK", "FOTO"]


@pytest.fixture(autouse=True)
def numbers():
    office_numbers()


def now() -> int:
    return int(time.time()) - SHIFT


def waiting_case() -> Case:
    deliver(text(KIA_BUDI, ts=now()))
    deliver(message("interactive", ts=now(), **CONSENT))
    case = Case.objects.get()
    assert case.state == State.WAITING_DOCUMENTS
    return case


def the_others(fake_graph) -> list[dict]:
    return [photo(fake_graph, jpeg((n, n, n)), caption=c, ts=now()) for n, c in enumerate(OTHERS, 1)]


def as_document(fake_graph, data: bytes, mime: str, *, filename: str, caption: str = "") -> dict:
    item = photo(fake_graph, data, kind="document", mime=mime, caption=caption, ts=now())
    item["document"]["filename"] = filename
    return item


def akta_item(case: Case):
    return next(item for item in checklist_for(case) if item.key == "akta_kelahiran")


def officer_for(case: Case):
    return make_staff("petugas", Role.OFFICER, services=["KIA"], kecamatan=[case.kode_kecamatan])


HOSTILE = {
    "exe-as-jpeg": (hostile.exe(), "image", "image/jpeg"),
    "svg-with-script": (hostile.SVG, "document", "image/svg+xml"),
    "html-with-script": (hostile.HTML, "document", "text/html"),
    "png-bomb-20000x20000": (hostile.png_bomb(), "image", "image/png"),
    "text-as-jpeg": (hostile.TEXT, "image", "image/jpeg"),
    "truncated-jpeg": (hostile.truncated_jpeg(), "image", "image/jpeg"),
    "encrypted-pdf": (hostile.pdf(password="rahasia"), "document", "application/pdf"),
    "broken-pdf": (hostile.BROKEN_PDF, "document", "application/pdf"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_never_completes_the_checklist_and_the_resident_is_told_which(
    client, fake_graph, name
):
    data, kind, mime = HOSTILE[name]
    case = waiting_case()
    sent_before = OutboundMessage.objects.count()
    hostile_item = (
        photo(fake_graph, data, caption="AKTA", mime=mime, ts=now())
        if kind == "image"
        else as_document(fake_graph, data, mime, filename="akta.bin", caption="AKTA")
    )
    deliver(*the_others(fake_graph), hostile_item)

    case.refresh_from_db()
    assert case.state == State.WAITING_DOCUMENTS  # not queued
    refused = Document.objects.get(label="akta_kelahiran")
    assert refused.status == Document.Status.REFUSED and refused.refusal and refused.refusal_note
    assert not document_counts(refused) and not akta_item(case).present
    with refused.file.open("rb") as fh:
        assert fh.read() == data  # kept for the officer, as received
    assert refused.file.name.endswith(".bin") and refused.sha256 == hashlib.sha256(data).hexdigest()
    assert "file_refused" in InboundMessage.objects.get(document=refused).flags

    # ONE reply for the batch: what arrived, the refused file by name and what to send instead.
    (reply,) = OutboundMessage.objects.order_by("pk")[sent_before:]
    assert 'Berkas "AKTA" tidak dapat kami terima' in reply.text
    assert "Kirim foto (JPG/PNG) atau PDF" in reply.text
    assert "Masih kurang: Akta kelahiran" in reply.text and "lengkap" not in reply.text

    # The officer sees it flagged on the case page, and can only download it.
    sign_in(client, officer_for(case))
    page = client.get(f"/console/permohonan/{case.pk}/").content.decode()
    assert "Tidak dihitung" in page and refused.get_status_display() in page
    assert f'<img src="/console/permohonan/{case.pk}/dokumen/{refused.pk}/"' not in page
    response = client.get(f"/console/permohonan/{case.pk}/dokumen/{refused.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEntry.objects.filter(action="view_document", document=refused).exists()


@pytest.mark.slow
def test_after_a_refused_file_a_real_one_completes_the_case(fake_graph):
    case = waiting_case()
    deliver(*the_others(fake_graph), photo(fake_graph, hostile.exe(), caption="AKTA", ts=now()))
    assert Case.objects.get(pk=case.pk).state == State.WAITING_DOCUMENTS
    deliver(as_document(fake_graph, hostile.pdf(), "application/pdf", filename="akta.pdf", caption="AKTA"))
    case.refresh_from_db()
    assert case.state == State.QUEUED and akta_item(case).present
    assert "lengkap" in OutboundMessage.objects.order_by("pk").last().text.lower()


@pytest.mark.parametrize(
    ("data", "kind", "mime"),
    [
        (hostile.jpeg(), "image", "image/jpeg"),
        (hostile.png(), "image", "image/png"),
        (hostile.webp(), "image", "image/webp"),
        (hostile.heic(), "document", "image/heic"),
        (hostile.pdf(), "document", "application/pdf"),
    ],
    ids=["jpeg", "png", "webp", "heic", "pdf"],
)
def test_real_photos_and_pdfs_count(fake_graph, data, kind, mime):
    case = waiting_case()
    item = (
        photo(fake_graph, data, caption="AKTA", mime=mime, ts=now())
        if kind == "image"
        else as_document(fake_graph, data, mime, filename="akta", caption="AKTA")
    )
    deliver(*the_others(fake_graph), item)
    case.refresh_from_db()
    assert case.state == State.QUEUED
    akta = Document.objects.get(label="akta_kelahiran")
    assert akta.status == Document.Status.RECEIVED and document_counts(akta)
    assert akta.mime_type == ("application/pdf" if mime == "application/pdf" else "image/jpeg")


def test_a_polyglot_counts_only_as_its_clean_copy(client, fake_graph):
    case = waiting_case()
    data = hostile.polyglot()
    deliver(*the_others(fake_graph), photo(fake_graph, data, caption="AKTA", ts=now()))
    akta = Document.objects.get(label="akta_kelahiran")
    assert Case.objects.get(pk=case.pk).state == State.QUEUED and document_counts(akta)
    with akta.file.open("rb") as fh:
        kept = fh.read()
    assert hostile.ZIP_MARKER not in kept and b"payload.html" not in kept and b"<script>" not in kept
    # what the officer is served is that copy too
    sign_in(client, officer_for(case))
    response = client.get(f"/console/permohonan/{case.pk}/dokumen/{akta.pk}/")
    served = b"".join(response.streaming_content)
    assert served == kept and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_refused_file_without_caption_is_named_by_when_it_was_sent(fake_graph):
    waiting_case()
    deliver(photo(fake_graph, hostile.TEXT, ts=now()))
    received = InboundMessage.objects.get(type="image")
    at = timezone.localtime(received.sent_at).strftime("%H:%M")
    reply = OutboundMessage.objects.order_by("pk").last().text
    assert f"Berkas foto yang Anda kirim pukul {at} tidak dapat kami terima" in reply


def test_a_refused_document_is_named_by_its_filename(fake_graph):
    waiting_case()
    deliver(as_document(fake_graph, hostile.exe(), "application/pdf", filename="akta_anak.pdf"))
    assert (
        'Berkas "akta_anak.pdf" tidak dapat kami terima' in OutboundMessage.objects.order_by("pk").last().text
    )


def test_a_file_over_the_size_limit_gets_a_reply_saying_so_and_the_limit(fake_graph, settings):
    settings.LOKET_DOCUMENT_MAX_MB = 1
    case = waiting_case()
    big = b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 100)
    deliver(as_document(fake_graph, big, "application/pdf", filename="akta.pdf", caption="AKTA"))
    message_row = InboundMessage.objects.get(type="document")
    assert message_row.media_state == "unavailable" and "file_too_large" in message_row.flags
    akta = Document.objects.get(label="akta_kelahiran")
    assert akta.status == Document.Status.REFUSED and akta.refusal == "too_large" and not akta.file
    reply = OutboundMessage.objects.order_by("pk").last().text
    assert 'Berkas "AKTA" tidak dapat kami terima: berkasnya terlalu besar (lebih dari 1 MB).' in reply
    assert "paling besar 1 MB" in reply and "Mohon kirim ulang" not in reply
    assert Case.objects.get(pk=case.pk).state == State.WAITING_DOCUMENTS


def test_a_photo_over_metas_limit_states_that_limit(fake_graph):
    waiting_case()
    deliver(photo(fake_graph, b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024 + 10), caption="AKTA", ts=now()))
    assert "lebih dari 5 MB" in OutboundMessage.objects.order_by("pk").last().text


def test_an_unfiled_refused_file_is_flagged_in_the_inbox_and_cannot_complete_a_case(client, fake_graph):
    deliver(photo(fake_graph, hostile.HTML, caption="AKTA", ts=now()))  # before any request
    loose = Document.objects.get(case__isnull=True)
    assert loose.status == Document.Status.REFUSED
    case = waiting_case()
    deliver(*the_others(fake_graph))
    sign_in(client, officer_for(case))
    inbox = client.get("/console/kotak-masuk/").content.decode()
    assert "Ditolak, tidak dihitung" in inbox and "berkas ditolak" in inbox
    response = client.get(f"/console/kotak-masuk/berkas/{loose.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    # Filing it to the case as the birth certificate does not make the case complete.
    client.post(
        f"/console/kotak-masuk/berkas/{loose.pk}/catat/", {"case": case.pk, "label": "akta_kelahiran"}
    )
    loose.refresh_from_db()
    assert loose.case_id == case.pk and loose.status == Document.Status.REFUSED
    assert Case.objects.get(pk=case.pk).state == State.WAITING_DOCUMENTS


@pytest.mark.slow
def test_the_contract_an_executable_sent_as_the_kk_photo_cannot_be_approved(fake_graph, capsys):
    """Issue 11's contract: a request with consent whose only KK "photo" is an executable sent
    as image/jpeg is not complete, cannot be brought to review, and `loket cases approve`
    refuses it (non-zero exit, the KK named), with nothing booked."""
    case = waiting_case()
    others = [photo(fake_graph, jpeg((n, n, n)), caption=c, ts=now()) for n, c in enumerate(OTHERS, 1)]
    others = [item for item, caption in zip(others, OTHERS, strict=True) if caption != "KK"]
    akta = photo(fake_graph, jpeg((9, 9, 9)), caption="AKTA", ts=now())
    deliver(*others, akta, photo(fake_graph, hostile.exe(), caption="KK", mime="image/jpeg", ts=now()))
    case.refresh_from_db()
    assert case.state == State.WAITING_DOCUMENTS
    kk = Document.objects.get(case=case, label="kk")
    assert kk.status == Document.Status.REFUSED and not document_counts(kk)

    with pytest.raises(CommandError, match="belum lengkap"):
        call_command("case", "move", case.request_number, "queued")
    Case.objects.filter(pk=case.pk).update(state=State.IN_REVIEW)  # as if it got there some other way
    with pytest.raises(CommandError) as refused:
        call_command("cases", "approve", case.request_number)
    assert "Kartu Keluarga" in str(refused.value)
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    assert not Approval.objects.filter(case=case).exists() and not Booking.objects.filter(case=case).exists()
