"""One checklist and one completeness rule for the channel and the console: the office's
configured checklist decides what a resident is asked for, when a case is queued, and a
correction answered over WhatsApp goes back to the officer who asked."""

import pytest

from loket.cases.models import Case, Correction, State
from loket.cases.workflow import CorrectionItem, request_correction
from loket.channels.whatsapp.models import OutboundMessage
from loket.console.models import Role
from loket.console.queue import take_next
from tests.console.builders import make_staff
from tests.whatsapp.inbound import (  # noqa: F401
    PDF,
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


@pytest.fixture(autouse=True)
def numbers():
    office_numbers()


def consent(ts: int) -> dict:
    return message(
        "interactive",
        type="button_reply",
        button_reply={"id": "consent:yes", "title": "Saya setuju"},
        ts=ts,
    )


def test_the_first_reply_asks_for_the_offices_configured_checklist_and_that_list_completes_the_case(
    settings, fake_graph
):
    settings.LOKET_CHECKLIST_OVERRIDES = {"KIA": ["akta_kelahiran", "kk"]}
    deliver(text(KIA_BUDI, ts=1764400000))
    first = OutboundMessage.objects.order_by("pk").first()
    assert "1. Akta kelahiran anak (ketik: AKTA)" in first.text
    assert "2. Kartu Keluarga (KK) (ketik: KK)" in first.text
    assert "KTP-el ayah" not in first.text and "Pas foto" not in first.text

    deliver(consent(1764400010))
    deliver(
        photo(fake_graph, jpeg((1, 1, 1)), caption="AKTA", ts=1764400020),
        photo(fake_graph, PDF, caption="KK", kind="document", mime="application/pdf", ts=1764400021),
    )
    assert Case.objects.get().state == State.QUEUED


def test_a_guardians_card_is_labelled_as_the_guardians_and_counts_for_a_single_parent(settings, fake_graph):
    deliver(text(KIA_BUDI, ts=1764400000))
    case = Case.objects.get()
    Case.objects.filter(pk=case.pk).update(checklist_options={"single_parent": True})
    deliver(consent(1764400010))
    deliver(
        photo(fake_graph, jpeg((1, 1, 1)), caption="AKTA", ts=1764400020),
        photo(fake_graph, jpeg((2, 2, 2)), caption="ktp wali", ts=1764400021),
        photo(fake_graph, jpeg((3, 3, 3)), caption="KK", ts=1764400022),
        photo(fake_graph, jpeg((4, 4, 4)), caption="FOTO", ts=1764400023),
    )
    case.refresh_from_db()
    assert sorted(case.documents.values_list("label", flat=True)) == sorted(
        ["akta_kelahiran", "ktp_wali", "kk", "pas_foto"]
    )
    assert case.state == State.QUEUED


def test_a_file_resent_over_whatsapp_returns_the_corrected_case_to_the_same_officer(fake_graph):
    deliver(text(KIA_BUDI, ts=1764400000))
    deliver(consent(1764400010))
    deliver(
        *[
            photo(fake_graph, jpeg((n, n, n)), caption=caption, ts=1764400020 + n)
            for n, caption in enumerate(["AKTA", "KTP AYAH", "KTP IBU", "KK", "FOTO"], 1)
        ]
    )
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    case = take_next(officer, Case.objects.all())
    assert case is not None and case.state == State.IN_REVIEW
    request_correction(case, [CorrectionItem("kk", ["buram"])], actor=officer)

    # Another file first (not what was asked): the case keeps waiting for the family card.
    deliver(photo(fake_graph, jpeg((9, 9, 9)), caption="AKTA", ts=1764400100))
    assert Case.objects.get(pk=case.pk).state == State.NEEDS_CORRECTION

    deliver(photo(fake_graph, jpeg((7, 7, 7)), caption="KK", ts=1764400200))
    case.refresh_from_db()
    assert case.state == State.QUEUED
    assert case.returned_at is not None and case.preferred_officer == officer and case.assigned_to is None
    assert Correction.objects.get(case=case).resolved_at is not None
    assert case.documents.filter(label="kk").count() == 2
    # The officer who asked gets it back first, before older cases of the queue.
    assert take_next(officer, Case.objects.all()) == case


def test_no_file_queues_a_case_before_the_parent_consents_wherever_it_is_filed_from():
    from django.core.files.base import ContentFile

    from loket.cases.models import Document
    from loket.cases.workflow import attach_resent_document, refresh_completeness
    from loket.channels.whatsapp.models import CaseConsent
    from tests.console.builders import make_case

    case = make_case(
        state=State.WAITING_DOCUMENTS, docs=("akta_kelahiran", "ktp_ayah", "ktp_ibu"), consent=False
    )
    CaseConsent.objects.create(case=case, notice_version="2026-11")
    last = Document(resident=case.resident, caption="KK", mime_type="image/jpeg")
    last.file.save("kk.jpg", ContentFile(b"\xff\xd8\xff kk"), save=False)
    attach_resent_document(case, last, source="console")
    assert Case.objects.get(pk=case.pk).state == State.WAITING_DOCUMENTS

    CaseConsent.objects.filter(case=case).update(agreed=True)
    assert refresh_completeness(case)
    assert Case.objects.get(pk=case.pk).state == State.QUEUED
