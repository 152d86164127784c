"""Files from residents: downloaded at once, checked, filed, acknowledged once; never lost silently."""

import hashlib
import io

import pytest
from PIL import Image

from loket.cases.models import Document, Resident, State
from loket.cases.opening import Request, open_or_update
from loket.channels.whatsapp.envelopes import sign  # noqa: F401
from loket.channels.whatsapp.models import CaseConsent, InboundMessage, OutboundMessage
from loket.jobs.models import Job
from tests.whatsapp.inbound import (  # noqa: F401
    KIA_NUMBER,
    PDF,
    SITI,
    SITI_BSUID,
    deliver,
    inbound_settings,
    jpeg,
    office_numbers,
    photo,
    png,
    text,
    work,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def numbers():
    office_numbers()


def kia_case(*, consent=True, perlu_foto=False):
    resident, _ = Resident.objects.get_or_create(
        channel_number=KIA_NUMBER, user_id=SITI_BSUID, defaults={"wa_id": SITI, "bsuid": SITI_BSUID}
    )
    case, _ = open_or_update(
        resident,
        Request(
            service="KIA",
            subject="3603011105200003",
            fields={"nik_anak": "3603011105200003", "nama_anak": "BUDI SANTOSO"},
            derived={"perlu_foto": perlu_foto},
            warnings=[],
        ),
    )
    CaseConsent.objects.create(case=case, notice_version="2026-11", agreed=True if consent else None)
    return case


def test_a_photo_is_downloaded_checked_and_stored_on_the_waiting_case(fake_graph):
    case = kia_case()
    data = jpeg()
    deliver(photo(fake_graph, data, caption="AKTA"))
    document = Document.objects.get()
    assert document.case == case and document.label == "akta_kelahiran"
    # sha256 of what the resident sent; the stored file is the clean re-encoded copy of it
    assert document.mime_type == "image/jpeg" and document.sha256 == hashlib.sha256(data).hexdigest()
    with document.file.open("rb") as fh:
        kept = fh.read()
    assert kept.startswith(b"\xff\xd8\xff") and Image.open(io.BytesIO(kept)).size == (32, 24)
    assert document.status == "received" and not document.refusal and document.size == len(kept)
    assert InboundMessage.objects.get().media_state == "stored"
    # the token went with both calls: metadata under the configured version, then the bytes
    paths = [r.path for r in fake_graph.requests]
    assert paths[0].startswith("/v26.0/") and all("Bearer" in str(r.headers) for r in fake_graph.requests)


def test_the_real_type_is_sniffed_from_the_bytes_not_the_declared_one(fake_graph):
    kia_case()
    deliver(photo(fake_graph, png(), caption="KK", mime="image/jpeg"))
    document = Document.objects.get()
    # a real PNG (declared as JPEG) opens as PNG and is kept as a clean JPEG copy
    assert document.mime_type == "image/jpeg" and document.file.name.endswith(".jpg")
    with document.file.open("rb") as fh:
        assert Image.open(fh).format == "JPEG"


def test_several_files_sent_together_get_one_acknowledgement_and_complete_the_case(fake_graph):
    case = kia_case()
    OutboundMessage.objects.all().delete()
    deliver(
        photo(fake_graph, jpeg((1, 2, 3)), caption="AKTA", ts=1764400001),
        photo(fake_graph, jpeg((4, 5, 6)), caption="KTP AYAH", ts=1764400002),
        photo(fake_graph, jpeg((7, 8, 9)), caption="ktp ibu", ts=1764400003),
        photo(fake_graph, PDF, caption="KK", kind="document", mime="application/pdf", ts=1764400004),
    )
    (ack,) = OutboundMessage.objects.all()
    assert "4 berkas" in ack.text and case.request_number in ack.text
    assert "lengkap" in ack.text.lower()
    case.refresh_from_db()
    assert case.state == State.QUEUED
    assert case.events.filter(to_state=State.QUEUED, source="channel").exists()


def test_the_acknowledgement_lists_what_is_still_missing(fake_graph):
    case = kia_case()
    deliver(photo(fake_graph, jpeg(), caption="AKTA"))
    ack = OutboundMessage.objects.get()
    assert (
        "Masih kurang" in ack.text and "KTP-el ayah" in ack.text and "Akta" not in ack.text.split("Masih")[1]
    )
    case.refresh_from_db()
    assert case.state == State.WAITING_DOCUMENTS


def test_a_file_naming_a_request_number_joins_that_case_not_the_latest(fake_graph):
    first = kia_case()
    second, _ = open_or_update(
        first.resident,
        Request(service="KIA", subject="3603011105200099", fields={}, derived={}, warnings=[]),
    )
    deliver(photo(fake_graph, jpeg(), caption=f"akta {first.request_number.lower()}"))
    assert Document.objects.get().case == first
    deliver(photo(fake_graph, jpeg((9, 9, 9))))
    # No caption, two requests waiting: the resident is asked which (docs/guided.md), no guess.
    assert Document.objects.order_by("pk").last().case is None
    assert any("untuk yang mana" in m.text for m in OutboundMessage.objects.all())
    assert {first.request_number, second.request_number} <= set(
        " ".join(m.text for m in OutboundMessage.objects.all()).split()
    )


def test_a_file_without_any_waiting_case_is_kept_for_an_officer(fake_graph):
    deliver(photo(fake_graph, jpeg(), caption="KK"))
    document = Document.objects.get()
    assert document.case is None and document.label == "kk" and document.file
    assert Resident.objects.get().conversation.needs_officer
    assert "petugas" in OutboundMessage.objects.get().text.lower()


def test_a_failed_download_is_retried_then_stored(fake_graph):
    kia_case()
    fake_graph.fail_next(2, kind="download", http_status=500)
    deliver(photo(fake_graph, jpeg(), caption="AKTA"))
    message = InboundMessage.objects.get()
    assert message.media_state == "pending" and message.media_attempts == 1
    job = Job.objects.get(name="whatsapp.download_media")
    for _ in range(3):
        Job.objects.filter(pk=job.pk).update(run_after=job.created_at)
        work()
    message.refresh_from_db()
    assert message.media_state == "stored" and message.media_attempts == 3
    assert Document.objects.get().file


def test_after_the_retries_a_file_is_marked_unavailable_and_the_resident_asked_to_resend(
    fake_graph, settings
):
    settings.LOKET_WA_MEDIA_ATTEMPTS = 3
    kia_case()
    fake_graph.fail_next(10, kind="download", http_status=503)
    deliver(photo(fake_graph, jpeg(), caption="AKTA"))
    job = Job.objects.get(name="whatsapp.download_media")
    for _ in range(3):
        Job.objects.filter(pk=job.pk).update(run_after=job.created_at)
        work()
    message = InboundMessage.objects.get()
    assert message.media_state == "unavailable" and "media_unavailable" in message.flags
    assert Document.objects.get().status == "unavailable"
    assert "kirim ulang" in OutboundMessage.objects.get().text


def test_a_file_whose_bytes_do_not_match_metas_sha256_is_not_kept_as_genuine(fake_graph, settings):
    settings.LOKET_WA_MEDIA_ATTEMPTS = 1
    kia_case()
    item = photo(fake_graph, jpeg(), caption="AKTA")
    item["image"]["sha256"] = hashlib.sha256(b"something else").hexdigest()
    deliver(item)
    message = InboundMessage.objects.get()
    assert message.media_state == "unavailable" and message.media_error == "sha256 mismatch"


def test_an_oversized_photo_is_refused_at_once_with_a_reason(fake_graph):
    kia_case()
    deliver(photo(fake_graph, b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024 + 10), caption="AKTA"))
    message = InboundMessage.objects.get()
    assert message.media_state == "unavailable" and "larger" in message.media_error
    assert message.media_attempts == 1


def test_a_voice_note_is_kept_for_an_officer(fake_graph):
    ogg = b"OggS\x00\x02" + b"\x00" * 200
    item = photo(fake_graph, ogg, kind="audio", mime="audio/ogg")
    item["audio"]["voice"] = True
    deliver(item)
    document = Document.objects.get()
    assert document.case is None and document.mime_type == "audio/ogg"
    assert Resident.objects.get().conversation.needs_officer


def test_a_file_sent_as_a_reply_to_our_message_joins_that_messages_case(fake_graph):
    from loket.channels.whatsapp import outbox

    first = kia_case()
    outbox.enqueue(first.resident, text=f"Mohon kirim akta untuk {first.request_number}", case=first)
    work()
    asked = OutboundMessage.objects.get(case=first)
    assert asked.wamid
    second, _ = open_or_update(
        first.resident, Request(service="KIA", subject="3603011105200099", fields={}, derived={}, warnings=[])
    )
    item = photo(fake_graph, jpeg(), caption="AKTA")
    item["context"] = {"from": "6285694012597", "id": asked.wamid}
    deliver(item)
    assert Document.objects.get().case == first
