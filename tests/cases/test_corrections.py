"""Corrections name what is wrong per document; a resend brings the case back to the same officer."""

import pytest
from django.core.files.base import ContentFile

from loket.cases.models import Case, Document, State
from loket.cases.workflow import (
    CorrectionItem,
    WorkflowError,
    attach_resent_document,
    reject,
    request_correction,
)
from loket.channels.whatsapp.models import OutboundMessage
from loket.console.models import Role
from loket.console.queue import take_next
from tests.console.builders import make_case, make_staff

pytestmark = pytest.mark.django_db


def in_review(officer):
    return make_case(state=State.IN_REVIEW, assigned_to=officer)


def resend(case, caption):
    doc = Document(resident=case.resident, caption=caption, mime_type="image/jpeg")
    doc.file.save("ulang.jpg", ContentFile(b"baru"), save=False)
    return attach_resent_document(case, doc)


def test_one_message_lists_only_what_to_resend_with_reasons():
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    case = in_review(officer)
    request_correction(
        case,
        [
            CorrectionItem("ktp_ibu", ["buram", "terpotong"]),
            CorrectionItem("kk", ["nama_beda_kk"], note="nama ayah tertulis berbeda"),
        ],
        actor=officer,
    )
    case.refresh_from_db()
    assert case.state == State.NEEDS_CORRECTION
    [message] = OutboundMessage.objects.filter(case=case)
    text = message.text
    assert "1. KTP-el ibu: fotonya buram, tulisannya tidak terbaca; fotonya terpotong" in text
    assert (
        "2. Kartu Keluarga (KK): namanya berbeda dengan yang tertulis di KK; nama ayah tertulis berbeda."
        in text
    )
    assert "Akta" not in text and "KTP-el ayah" not in text
    flagged = dict(case.documents.values_list("label", "status"))
    assert flagged["ktp_ibu"] == flagged["kk"] == Document.Status.NEEDS_CORRECTION
    assert flagged["akta_kelahiran"] == Document.Status.RECEIVED


def test_a_correction_without_any_reason_is_refused_and_nothing_is_sent():
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    case = in_review(officer)
    with pytest.raises(WorkflowError, match="Sebutkan alasan"):
        request_correction(case, [CorrectionItem("kk", [])], actor=officer)
    with pytest.raises(WorkflowError, match="minimal satu"):
        request_correction(case, [], actor=officer)
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    assert not OutboundMessage.objects.exists()


def test_the_case_waits_until_everything_asked_for_is_resent():
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    case = in_review(officer)
    request_correction(
        case, [CorrectionItem("ktp_ibu", ["buram"]), CorrectionItem("kk", ["terpotong"])], actor=officer
    )
    resend(case, "KTP IBU")
    case.refresh_from_db()
    assert case.state == State.NEEDS_CORRECTION
    resend(case, "KK")
    case.refresh_from_db()
    assert case.state == State.QUEUED
    assert case.documents.count() == 6
    assert case.corrections.get().resolved_at is not None


def test_a_resent_case_goes_to_the_front_of_the_same_officers_queue_only():
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    colleague = make_staff("rekan", Role.OFFICER, services=["KIA"])
    older = make_case(state=State.QUEUED)
    case = in_review(officer)
    request_correction(case, [CorrectionItem("kk", ["buram"])], actor=officer)
    resend(case, "KK")
    # The colleague gets the older waiting case, not the one reserved for its officer.
    assert take_next(colleague, Case.objects.all()) == older
    assert take_next(colleague, Case.objects.all()) is None
    assert take_next(officer, Case.objects.all()) == case


def test_rejection_tells_the_reason_and_what_to_do_instead():
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    case = in_review(officer)
    with pytest.raises(WorkflowError):
        reject(case, reason="Bukan warga", instead="", actor=officer)
    reject(
        case,
        reason="Alamat di luar Kabupaten Tangerang.",
        instead="Ajukan ke Dukcapil tempat tinggal Anda.",
        actor=officer,
    )
    case.refresh_from_db()
    assert case.state == State.REJECTED
    text = OutboundMessage.objects.get(case=case).text
    assert "Alamat di luar Kabupaten Tangerang." in text
    assert "Yang dapat Anda lakukan: Ajukan ke Dukcapil tempat tinggal Anda." in text
