"""What a resident gets back: requests open cases, consent first, STATUS/BATAL on any number."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from loket.cases.models import Case, CaseEvent, Resident, State
from loket.cases.workflow import reject
from loket.channels.whatsapp.models import CaseConsent, OutboundMessage
from tests.whatsapp.inbound import (  # noqa: F401
    KIA_NUMBER,
    KK_NUMBER,
    SITI,
    deliver,
    inbound_settings,
    message,
    office_numbers,
    text,
)

pytestmark = pytest.mark.django_db

KIA_BUDI = "#KIA#3603011105200003#3603012208170006#BUDI SANTOSO#SENTUL#BALARAJA"
KIA_SITI = "#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA"


@pytest.fixture(autouse=True)
def numbers():
    office_numbers()


def replies() -> list[OutboundMessage]:
    return list(OutboundMessage.objects.order_by("pk"))


def consent_button(answer: str = "consent:yes", **kw) -> dict:
    title = "Saya setuju" if answer.endswith("yes") else "Tidak setuju"
    return message("interactive", type="button_reply", button_reply={"id": answer, "title": title}, **kw)


def test_a_first_request_opens_a_case_and_asks_the_parent_for_consent_first():
    deliver(text(KIA_BUDI))
    case = Case.objects.get()
    assert re.fullmatch(r"KIA-\d{8}-0001", case.request_number)
    assert (case.service, case.subject, case.state) == ("KIA", "3603011105200003", State.WAITING_DOCUMENTS)
    assert (case.kode_kecamatan, case.kode_desa) == ("36.03.01", "36.03.01.2010")
    assert case.fields["nama"] == "BUDI SANTOSO" and case.derived["perlu_foto"] is True
    # One message: the answer, then the privacy notice with its buttons under it.
    (answer,) = replies()
    # at once: the request number, what was understood, what to send, when an officer looks
    assert answer.text.startswith("Permohonan Anda kami terima.")
    assert case.request_number in answer.text and "BUDI SANTOSO" in answer.text
    for needed in ("Akta kelahiran anak", "KTP-el ayah", "KTP-el ibu", "Kartu Keluarga", "Pas foto"):
        assert needed in answer.text
    assert "Petugas akan memeriksa" in answer.text
    # and the privacy notice asking the parent or guardian to agree
    assert answer.interactive["type"] == "button" and answer.case == case
    assert answer.interactive["body"]["text"] == answer.text and len(answer.text) <= 1024
    assert [b["reply"]["id"] for b in answer.interactive["action"]["buttons"]] == [
        "consent:yes",
        "consent:no",
    ]
    assert "orang tua" in answer.text and "hapus" in answer.text
    consent = CaseConsent.objects.get()
    assert consent.answered_at is None and consent.agreed is None


def test_an_answer_too_long_to_carry_the_buttons_goes_first_then_the_notice(monkeypatch):
    from loket.channels.whatsapp.conversation import consent

    monkeypatch.setattr(consent, "INTERACTIVE_BODY_LIMIT", 600)
    deliver(text(KIA_BUDI))
    case = Case.objects.get()
    answer, notice = replies()
    assert answer.interactive is None and case.request_number in answer.text
    assert "Akta kelahiran anak" in answer.text
    assert notice.interactive["type"] == "button" and notice.case == case
    assert notice.text.startswith(f"Nomor permohonan: {case.request_number}")
    assert "orang tua" in notice.text and len(notice.text) <= 600


def test_agreeing_records_consent_on_the_case_and_sends_the_request_number_and_checklist():
    deliver(text(KIA_BUDI, ts=1764400000))
    deliver(consent_button(ts=1764400060))
    case = Case.objects.get()
    consent = CaseConsent.objects.get(case=case)
    assert consent.agreed is True and consent.answer_wamid
    assert Resident.objects.get().consent_at is not None
    assert CaseEvent.objects.filter(case=case, note__contains="menyetujui").exists()
    thanks = replies()[-1]
    assert case.request_number in thanks.text and "persetujuan" in thanks.text
    assert "Akta kelahiran anak (AKTA)" in thanks.text


def test_refusing_consent_cancels_the_case():
    deliver(text(KIA_BUDI, ts=1764400000))
    deliver(text("tidak setuju", ts=1764400060))
    case = Case.objects.get()
    assert case.state == State.CANCELLED and CaseConsent.objects.get().agreed is False
    assert "batalkan" in replies()[-1].text


def test_the_same_request_again_updates_its_case_and_another_child_gets_a_second():
    deliver(text(KIA_BUDI, ts=1764400000))
    deliver(consent_button(ts=1764400010))
    deliver(text(KIA_BUDI.replace("BUDI SANTOSO", "BUDI SANTOSA"), ts=1764400020))
    case = Case.objects.get()
    assert case.fields["nama"] == "BUDI SANTOSA"
    assert "kami perbarui" in replies()[-1].text and case.request_number in replies()[-1].text
    deliver(text(KIA_SITI, ts=1764400030))
    assert Case.objects.count() == 2
    # consent is given once per resident: the second child's case is answered at once
    assert "kami terima" in replies()[-1].text
    second = Case.objects.exclude(pk=case.pk).get()
    assert second.request_number.endswith("-0002") and second.consent.agreed is True


def test_a_request_with_problems_gets_the_parsers_explanation_and_no_case():
    deliver(text("#KIA#3603011105200003#BUDI"))
    assert Case.objects.count() == 0
    assert "belum" in replies()[0].text and "#KIA#" in replies()[0].text


def test_a_request_sent_to_the_wrong_number_is_pointed_to_the_right_one():
    deliver(text(KIA_BUDI), number=KK_NUMBER)
    assert Case.objects.count() == 0
    assert "085694012597" in replies()[0].text


def test_status_lists_open_requests_across_the_offices_numbers_in_any_letter_case():
    deliver(text(KIA_BUDI, ts=1764400000))
    deliver(consent_button(ts=1764400010))
    kia = Case.objects.get()
    deliver(text("Status", ts=1764400020), number=KK_NUMBER)
    answer = replies()[-1]
    assert answer.resident.channel_number == KK_NUMBER  # answered from the number it was sent to
    assert kia.request_number in answer.text and "Menunggu dokumen" in answer.text
    assert "Akta kelahiran anak" in answer.text


def test_batal_cancels_the_named_request_and_only_the_residents_own():
    deliver(text(KIA_BUDI, ts=1764400000))
    deliver(consent_button(ts=1764400010))
    case = Case.objects.get()
    deliver(text(f"batal {case.request_number.lower()}", ts=1764400020), number=KK_NUMBER)
    case.refresh_from_db()
    assert case.state == State.CANCELLED and "dibatalkan" in replies()[-1].text
    assert case.events.filter(to_state=State.CANCELLED, source="channel").exists()
    deliver(
        text(f"BATAL {case.request_number}", ts=1764400030, frm="6281300000009"),
        wa_id="6281300000009",
        bsuid="ID.9",
    )
    assert "berstatus" in replies()[-1].text or "tidak kami temukan" in replies()[-1].text
    deliver(text("BATAL KIA-20990101-0001", ts=1764400040))
    assert "tidak kami temukan" in replies()[-1].text


def test_a_stranger_cannot_cancel_someone_elses_request():
    deliver(text(KIA_BUDI, ts=1764400000))
    case = Case.objects.get()
    deliver(text(f"BATAL {case.request_number}", frm="6281300000009"), wa_id="6281300000009", bsuid="ID.9")
    case.refresh_from_db()
    assert case.state == State.WAITING_DOCUMENTS
    assert "tidak kami temukan" in replies()[-1].text


def test_documents_sent_before_consent_wait_and_the_case_queues_once_consent_is_given(fake_graph):
    from tests.whatsapp.inbound import PDF, jpeg, photo

    deliver(text(KIA_BUDI, ts=1764400000))
    deliver(
        photo(fake_graph, jpeg((1, 1, 1)), caption="AKTA", ts=1764400001),
        photo(fake_graph, jpeg((2, 2, 2)), caption="KTP AYAH", ts=1764400002),
        photo(fake_graph, jpeg((3, 3, 3)), caption="KTP IBU", ts=1764400003),
        photo(fake_graph, PDF, caption="KK", kind="document", mime="application/pdf", ts=1764400004),
        photo(fake_graph, jpeg((5, 5, 5)), caption="FOTO", ts=1764400005),
    )
    case = Case.objects.get()
    assert case.documents.count() == 5 and case.state == State.WAITING_DOCUMENTS
    deliver(consent_button(ts=1764400100))
    case.refresh_from_db()
    assert case.state == State.QUEUED


def test_replies_really_reach_the_graph_api_from_the_number_written_to(fake_graph):
    deliver(text(KIA_BUDI, ts=1764400000))
    deliver(text("STATUS", ts=1764400010), number=KK_NUMBER)
    (answer,) = fake_graph.messages(KIA_NUMBER)
    assert answer.to == SITI and answer.type == "interactive"
    assert Case.objects.get().request_number in answer.text
    assert answer.body["interactive"]["action"]["buttons"][0]["reply"]["id"] == "consent:yes"
    (status,) = fake_graph.messages(KK_NUMBER)
    assert Case.objects.get().request_number in status.text


def test_status_also_lists_requests_finished_in_the_last_thirty_days_with_the_reason():
    deliver(text(KIA_BUDI, ts=1764400000))
    deliver(consent_button(ts=1764400010))
    deliver(text(KIA_SITI, ts=1764400020))
    budi, siti = Case.objects.order_by("pk")
    reject(budi, reason="Data tidak ditemukan di database kependudukan", instead="Datang ke kantor Dukcapil.")
    siti.move_to(State.CANCELLED, source="channel")
    old = Case.objects.create(
        request_number="KIA-20260101-0001",
        service="KIA",
        subject="3603035512180099",
        resident=budi.resident,
        state=State.COLLECTED,
        state_changed_at=timezone.now() - dt.timedelta(days=31),
    )
    deliver(text("STATUS", ts=1764400030))
    answer = replies()[-1].text
    assert answer.startswith("Saat ini tidak ada permohonan Anda yang sedang berjalan.")
    assert "Selesai dalam 30 hari terakhir:" in answer
    assert f"{budi.request_number}: Ditolak" in answer
    assert "Alasan: Data tidak ditemukan di database kependudukan" in answer
    assert f"{siti.request_number}: Dibatalkan" in answer
    assert old.request_number not in answer  # finished longer ago
    assert "BATAL" not in answer  # nothing left to cancel
