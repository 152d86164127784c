"""The officer's inbox and the case's whole conversation, fed through the real webhook:
residents who asked for an officer, files that joined no case, flagged messages."""

import time

import pytest

from loket.cases.models import Case, Document, State
from loket.channels.whatsapp.models import Conversation, InboundMessage
from loket.console.models import AuditEntry, Role
from loket.console.queue import take_next
from tests.console.builders import KEC_B, make_staff, sign_in
from tests.whatsapp.inbound import (  # noqa: F401
    PDF,
    SHIFT,
    deliver,
    fixture,
    inbound_settings,
    jpeg,
    message,
    office_numbers,
    photo,
    post,
    text,
    work,
)

pytestmark = pytest.mark.django_db

KIA_BUDI = "#KIA#3603011105200003#3603012208170006#BUDI SANTOSO#SENTUL#BALARAJA"
CONSENT = {"type": "button_reply", "button_reply": {"id": "consent:yes", "title": "Saya setuju"}}


@pytest.fixture(autouse=True)
def numbers():
    office_numbers()


def now() -> int:
    """A WhatsApp timestamp of this very second (the timeline mixes them with our clock)."""
    return int(time.time()) - SHIFT


def complete_request(fake_graph) -> Case:
    deliver(text(KIA_BUDI, ts=now()))
    deliver(message("interactive", ts=now(), **CONSENT))
    deliver(
        *[
            photo(fake_graph, jpeg((n, n, n)), caption=caption, ts=now())
            for n, caption in enumerate(["AKTA", "KTP AYAH", "KTP IBU", "KK", "FOTO"], 1)
        ]
    )
    case = Case.objects.get()
    assert case.state == State.QUEUED
    return case


def officer_for(case: Case, name="petugas", **kw):
    return make_staff(name, Role.OFFICER, services=["KIA"], kecamatan=[case.kode_kecamatan], **kw)


def test_the_case_page_shows_the_whole_conversation_in_time_order(client, fake_graph):
    case = complete_request(fake_graph)
    deliver(message("sticker", ts=now(), id="st-1", mime_type="image/webp"))
    deliver(message("hologram", ts=now(), shape="cube"))
    officer = officer_for(case)
    sign_in(client, officer)
    body = client.get(f"/console/permohonan/{case.pk}/").content.decode()
    chat = body[body.index('id="conversation"') :]
    kk = case.documents.get(label="kk")
    # Inbound: the request text, files as links to the access-checked view, other types summarised.
    assert KIA_BUDI in chat
    assert f'href="/console/permohonan/{case.pk}/dokumen/{kk.pk}/"' in chat
    assert "[sticker]" in chat and "[hologram] jenis pesan belum didukung" in chat
    assert "jenis pesan belum didukung</span>" in chat  # the flag, shown as a tag
    # Outbound with delivery status, between the resident's messages in time.
    assert "Nomor permohonan" in chat and "Terkirim ke WhatsApp" in chat
    # (WhatsApp stamps whole seconds, so only messages seconds apart have a fixed order.)
    ack = chat.index("Kami terima 5 berkas")
    assert chat.index(KIA_BUDI) < chat.index("hanya dipakai Disdukcapil") < ack
    assert chat.index(f"dokumen/{kk.pk}/") < ack
    # Following the file's link really opens it, audited.
    assert client.get(f"/console/permohonan/{case.pk}/dokumen/{kk.pk}/").status_code == 200
    assert AuditEntry.objects.filter(action="view_document", document=kk).exists()


def test_petugas_puts_the_resident_in_the_inbox_of_officers_of_their_area_until_handled(client, fake_graph):
    case = complete_request(fake_graph)
    deliver(text("PETUGAS", ts=now()))
    talk = Conversation.objects.get(resident=case.resident)
    outsider = make_staff("luar", Role.OFFICER, services=["KIA"], kecamatan=[KEC_B])
    sign_in(client, outsider)
    assert case.request_number not in client.get("/console/kotak-masuk/").content.decode()
    assert client.post(f"/console/kotak-masuk/percakapan/{talk.pk}/selesai/").status_code == 404

    officer = officer_for(case)
    sign_in(client, officer)
    body = client.get("/console/kotak-masuk/").content.decode()
    assert case.request_number in body and "Tandai selesai" in body
    assert "6281298765432" not in body
    client.post(f"/console/kotak-masuk/percakapan/{talk.pk}/selesai/")
    talk.refresh_from_db()
    assert not talk.needs_officer
    assert "Tandai selesai" not in client.get("/console/kotak-masuk/").content.decode()
    assert AuditEntry.objects.filter(actor=officer, action="inbox_handled").count() == 1
    assert AuditEntry.objects.filter(actor=officer, action="view_inbox").count() == 2


def test_files_sent_before_the_request_are_filed_by_the_officer_and_complete_the_case(client, fake_graph):
    # Photos first, the request afterwards: no case to join yet, so they wait for an officer.
    deliver(
        *[
            photo(fake_graph, jpeg((n, n, n)), caption=caption, ts=now())
            for n, caption in enumerate(["AKTA", "KTP AYAH", "KTP IBU", "FOTO"], 1)
        ]
    )
    loose = list(Document.objects.filter(case__isnull=True).order_by("pk"))
    assert len(loose) == 4
    deliver(text(KIA_BUDI, ts=now()))
    deliver(message("interactive", ts=now(), **CONSENT))
    deliver(photo(fake_graph, PDF, caption="KK", kind="document", mime="application/pdf", ts=now()))
    case = Case.objects.get()
    assert case.state == State.WAITING_DOCUMENTS
    officer = officer_for(case)

    sign_in(client, officer)
    body = client.get("/console/kotak-masuk/").content.decode()
    assert f"/console/kotak-masuk/berkas/{loose[0].pk}/" in body and case.request_number in body
    assert client.get(f"/console/kotak-masuk/berkas/{loose[0].pk}/").status_code == 200
    for doc in loose:
        response = client.post(f"/console/kotak-masuk/berkas/{doc.pk}/catat/", {"case": case.pk})
        assert response.status_code == 302
    case.refresh_from_db()
    # The one completeness rule: the last one filed completes the case, which joins the queue.
    assert sorted(case.documents.values_list("label", flat=True)) == sorted(
        ["akta_kelahiran", "ktp_ayah", "ktp_ibu", "pas_foto", "kk"]
    )
    assert case.state == State.QUEUED
    assert AuditEntry.objects.filter(action="file_document", case=case).count() == 4
    assert AuditEntry.objects.filter(action="view_document", document=loose[0]).exists()
    # On the case page the files are now links to the case's document view.
    page = client.get(f"/console/permohonan/{case.pk}/").content.decode()
    assert f"/console/permohonan/{case.pk}/dokumen/{loose[0].pk}/" in page


def test_an_officer_files_a_loose_file_to_a_case_in_review_with_the_label_they_choose(client, fake_graph):
    case = complete_request(fake_graph)
    officer = officer_for(case)
    assert take_next(officer, Case.objects.all()) == case
    # Sent while the case is in review: no case waits for a file, so it waits for an officer.
    deliver(photo(fake_graph, jpeg((8, 8, 8)), caption="ini yang baru", ts=now()))
    loose = Document.objects.get(case__isnull=True)
    assert Conversation.objects.get(resident=case.resident).needs_officer
    sign_in(client, officer)
    client.post(f"/console/kotak-masuk/berkas/{loose.pk}/catat/", {"case": case.pk, "label": "kk"})
    loose.refresh_from_db()
    assert loose.case_id == case.pk and loose.label == "kk"
    assert Case.objects.get(pk=case.pk).state == State.IN_REVIEW


def test_a_file_cannot_be_filed_to_another_residents_case(client, fake_graph):
    case = complete_request(fake_graph)
    officer = officer_for(case)
    take_next(officer, Case.objects.all())
    deliver(photo(fake_graph, jpeg((8, 8, 8)), caption="KK", ts=now()))
    loose = Document.objects.get(case__isnull=True)
    other = Case.objects.create(
        request_number="KIA-20261130-0999",
        service="KIA",
        subject="3603035512180099",
        resident=type(case.resident).objects.create(channel_number="x", user_id="628111"),
        kode_kecamatan=case.kode_kecamatan,
    )
    sign_in(client, officer)
    client.post(f"/console/kotak-masuk/berkas/{loose.pk}/catat/", {"case": other.pk})
    loose.refresh_from_db()
    assert loose.case is None and not other.documents.exists()


def test_flagged_messages_go_to_officers_and_unknown_office_numbers_to_administrators(client, fake_graph):
    case = complete_request(fake_graph)
    deliver(message("hologram", ts=now(), shape="cube"))
    post(fixture("unknown_number.json"))
    work()
    assert InboundMessage.objects.filter(flags=["unknown_number"]).exists()

    officer = officer_for(case)
    sign_in(client, officer)
    body = client.get("/console/kotak-masuk/").content.decode()
    assert "hologram" in body and "jenis pesan belum didukung" in body
    assert "unknown_number:555000555000555" not in body

    admin = make_staff("admin", Role.ADMIN)
    sign_in(client, admin)
    body = client.get("/console/kotak-masuk/").content.decode()
    assert "unknown_number:555000555000555" in body
    assert "hologram" not in body and case.request_number not in body  # no residents' content
