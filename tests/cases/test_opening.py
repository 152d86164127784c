"""Opening a case from a request: one per resident, service and subject; a repeat updates it."""

import re

import pytest

from loket.cases.models import Case, Resident, State
from loket.cases.opening import Request, missing_documents, open_or_update, queue_if_complete

pytestmark = pytest.mark.django_db


def resident(user_id="6281298765432"):
    return Resident.objects.create(channel_number="109876543210987", user_id=user_id, wa_id=user_id)


def kia(subject="3603011105200003", **fields):
    return Request(
        service="KIA",
        subject=subject,
        fields={"nik": subject, "nama": "BUDI", **fields},
        derived={"perlu_foto": False},
        warnings=[{"code": "nik_region", "message": "NIK dari luar kabupaten"}],
        raw_text="#KIA#...",
        kode_kecamatan="36.03.01",
        kode_desa="36.03.01.2010",
    )


def test_a_request_opens_a_case_with_a_numbered_request_and_its_place():
    case, created = open_or_update(resident(), kia())
    assert created and re.fullmatch(r"KIA-\d{8}-0001", case.request_number)
    assert (case.state, case.kode_kecamatan, case.kode_desa) == (
        State.WAITING_DOCUMENTS,
        "36.03.01",
        "36.03.01.2010",
    )
    assert case.warnings[0]["code"] == "nik_region"
    assert case.events.get().note == "Permohonan dibuka lewat WhatsApp."


def test_the_same_request_again_updates_the_open_case():
    someone = resident()
    first, _ = open_or_update(someone, kia())
    again, created = open_or_update(someone, kia(nama="BUDI SANTOSO"))
    assert not created and again.pk == first.pk and again.fields["nama"] == "BUDI SANTOSO"
    assert Case.objects.count() == 1


def test_another_child_or_another_resident_gets_its_own_case():
    someone = resident()
    open_or_update(someone, kia())
    second, created = open_or_update(someone, kia(subject="3603011105200099"))
    assert created and second.request_number.endswith("-0002")
    _, created = open_or_update(resident("6281300000001"), kia())
    assert created and Case.objects.count() == 3


def test_a_closed_case_does_not_block_a_new_request_for_the_same_child():
    someone = resident()
    first, _ = open_or_update(someone, kia())
    first.move_to(State.CANCELLED)
    second, created = open_or_update(someone, kia())
    assert created and second.pk != first.pk


def test_the_case_queues_only_with_consent_and_every_required_document():
    case, _ = open_or_update(resident(), kia())
    assert [k.key for k in missing_documents(case)] == ["akta_kelahiran", "ktp_ayah", "ktp_ibu", "kk"]
    for label in ["akta_kelahiran", "ktp_ayah", "ktp_ibu", "kk"]:
        case.documents.create(resident=case.resident, label=label, file=f"cases/{case.pk}/{label}.jpg")
    assert missing_documents(case) == []
    assert not queue_if_complete(case, consent_given=False)
    assert queue_if_complete(case, consent_given=True)
    case.refresh_from_db()
    assert case.state == State.QUEUED
