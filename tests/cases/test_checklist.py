"""The document checklist: national defaults, the office's configuration, local practice."""

import pytest
from django.core.files.base import ContentFile

from loket.cases.checklist import checklist_for, document_counts, is_complete, label_for_caption
from loket.cases.models import Document, State
from loket.cases.workflow import attach_resent_document, refresh_completeness
from tests.console.builders import add_document, make_case

pytestmark = pytest.mark.django_db


def keys(case):
    return [item.key for item in checklist_for(case)]


def test_kia_needs_the_birth_certificate_both_parents_ktp_and_the_family_card():
    case = make_case(state=State.WAITING_DOCUMENTS, docs=())
    assert keys(case) == ["akta_kelahiran", "ktp_ayah", "ktp_ibu", "kk"]


def test_a_photo_only_when_the_child_is_five_or_older(settings):
    settings.LOKET_KIA_PHOTO_SIZE = "4x6"
    case = make_case(state=State.WAITING_DOCUMENTS, docs=(), derived={"perlu_foto": True})
    items = {item.key: item for item in checklist_for(case)}
    assert "pas_foto" in items
    assert "4x6" in items["pas_foto"].note


def test_a_lost_ktp_needs_the_police_report_and_a_damaged_one_the_card():
    lost = make_case("KTP", State.WAITING_DOCUMENTS, docs=(), fields={"jenis": "HILANG"})
    damaged = make_case("KTP", State.WAITING_DOCUMENTS, docs=(), fields={"jenis": "RUSAK"})
    assert keys(lost) == ["surat_kehilangan", "kk"]
    assert keys(damaged) == ["ktp_rusak", "kk"]


def test_the_office_may_replace_a_services_list(settings):
    settings.LOKET_CHECKLIST_OVERRIDES = {"KIA": ["akta_kelahiran", "kk"]}
    case = make_case(state=State.WAITING_DOCUMENTS, docs=())
    assert keys(case) == ["akta_kelahiran", "kk"]


def test_a_single_parent_or_guardian_needs_one_ktp(settings):
    case = make_case(state=State.WAITING_DOCUMENTS, docs=("akta_kelahiran", "ktp_ibu", "kk"))
    assert not is_complete(case)
    case.checklist_options = {"single_parent": True}
    case.save()
    assert keys(case) == ["akta_kelahiran", "ktp_orang_tua", "kk"]
    assert is_complete(case)
    settings.LOKET_KIA_SINGLE_PARENT = False
    assert not is_complete(case)


def test_both_parents_in_one_family_card_is_a_local_note_not_a_rule(settings):
    case = make_case(state=State.WAITING_DOCUMENTS, docs=())
    assert not next(i for i in checklist_for(case) if i.key == "kk").note
    settings.LOKET_KIA_PARENTS_IN_ONE_KK = True
    assert "kedua orang tua" in next(i for i in checklist_for(case) if i.key == "kk").note


def test_a_case_enters_the_queue_when_the_last_required_document_arrives():
    case = make_case(state=State.WAITING_DOCUMENTS, docs=("akta_kelahiran", "ktp_ayah", "ktp_ibu"))
    assert not refresh_completeness(case)
    late = Document(resident=case.resident, caption="Kartu Keluarga", mime_type="image/jpeg")
    late.file.save("kk.jpg", ContentFile(b"x"), save=False)
    attach_resent_document(case, late)
    case.refresh_from_db()
    assert late.label == "kk"
    assert case.state == State.QUEUED


def test_a_file_that_failed_to_download_does_not_count():
    case = make_case(state=State.WAITING_DOCUMENTS, docs=("akta_kelahiran", "ktp_ayah", "ktp_ibu"))
    add_document(case, "kk", status=Document.Status.UNAVAILABLE)
    assert not is_complete(case)


def test_a_refused_file_never_counts_whatever_else_is_said_of_it():
    case = make_case(state=State.WAITING_DOCUMENTS, docs=("akta_kelahiran", "ktp_ayah", "ktp_ibu"))
    refused = add_document(case, "kk", status=Document.Status.REFUSED, refusal="type")
    assert not document_counts(refused) and not is_complete(case)
    assert not refresh_completeness(case)
    # A refusal recorded on a document whose status was later changed still does not count.
    Document.objects.filter(pk=refused.pk).update(status=Document.Status.ACCEPTED)
    refused.refresh_from_db()
    assert not document_counts(refused) and not is_complete(case)
    Document.objects.filter(pk=refused.pk).update(refusal="")
    assert is_complete(case)


def test_captions_label_files_including_the_guardians_ktp():
    assert label_for_caption("foto akta") == "akta_kelahiran"
    assert label_for_caption("ktp wali") == "ktp_wali"
    assert label_for_caption("selfie") == ""


@pytest.mark.parametrize(
    "caption", ["KTP WALI", "ktp ayah", "foto akta", "KK", "KTP", "surat kehilangan", "KTP ORANG TUA", "x"]
)
def test_the_console_and_the_channel_read_captions_the_same_way(caption):
    from loket.domain.checklists import kind_from_caption

    kind = kind_from_caption(caption)
    assert label_for_caption(caption) == (kind.key if kind else "")
