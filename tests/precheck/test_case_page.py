"""The case page shows, per counted document, what the pre-check read and compared: ✔ what
matched, ✘ what did not with BOTH values side by side, "tidak terbaca", "belum diperiksa".
Only people who may open the case page see it."""

from __future__ import annotations

import re

import pytest

from loket.cases.models import State
from loket.console.models import Role
from tests.approvable import KK_NUMBER
from tests.console.builders import KEC_A, KEC_B, make_case, make_staff, sign_in
from tests.precheck.builders import FACE, documents_of, read

pytestmark = pytest.mark.django_db

OTHER_KK = "3603031203159999"


@pytest.fixture
def officer(client):
    user = make_staff("petugas", Role.OFFICER, services=["KIA"], kecamatan=[KEC_A])
    sign_in(client, user)
    return user


def block(html: str, pk: int) -> str:
    """The pre-check block of one document (its lines, whitespace collapsed)."""
    found = re.search(rf'<div class="precheck small" id="precheck-{pk}">(.*?)</div>', html, re.S)
    assert found, f"no pre-check block for document {pk}"
    return re.sub(r"\s+", " ", found.group(1))


def test_a_kk_number_that_differs_is_shown_with_both_values_side_by_side(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    assert case.fields["no_kk"] == KK_NUMBER
    docs = documents_of(case)
    read(docs["kk"], kind="kk", numbers=[OTHER_KK, case.subject])
    html = client.get(f"/console/permohonan/{case.pk}/").content.decode()
    kk = block(html, docs["kk"].pk)
    assert (
        f'Nomor KK: <strong class="warn">berbeda</strong> · diminta <span class="mono">{KK_NUMBER}</span>'
        f' / terbaca <span class="mono">{OTHER_KK}</span>'
    ) in kk
    assert f'NIK anak: cocok <span class="mono">{case.subject}</span>' in kk
    assert "Jenis dokumen: cocok" in kk


def test_parents_niks_read_on_their_ktp_are_looked_for_on_the_kk(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    docs = documents_of(case)
    father, mother = "3603031505880001", "3603034707900002"
    read(docs["ktp_ayah"], kind="ktp", numbers=[father])
    read(docs["ktp_ibu"], kind="ktp", numbers=[mother])
    read(docs["kk"], kind="kk", numbers=[KK_NUMBER, case.subject, father, "3603034707900009"])
    html = client.get(f"/console/permohonan/{case.pk}/").content.decode()
    kk = block(html, docs["kk"].pk)
    assert f'NIK ayah (dari KTP-el): cocok <span class="mono">{father}</span>' in kk
    assert (
        f'NIK ibu (dari KTP-el): <strong class="warn">berbeda</strong> · diminta <span class="mono">{mother}</span>'
        ' / terbaca <span class="mono">3603034707900009</span>'
    ) in kk
    assert f'Nomor KK: cocok <span class="mono">{KK_NUMBER}</span>' in kk


def test_a_document_filed_under_the_wrong_item_shows_both_kinds(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    docs = documents_of(case)
    read(docs["akta_kelahiran"], kind="ktp", numbers=["3603031505880001"])
    akta = block(client.get(f"/console/permohonan/{case.pk}/").content.decode(), docs["akta_kelahiran"].pk)
    assert (
        'Jenis dokumen: <strong class="warn">berbeda</strong> · diminta <span class="mono">akta kelahiran</span>'
        ' / terbaca <span class="mono">KTP-el</span>'
    ) in akta
    assert 'NIK anak: <strong class="warn">berbeda</strong>' in akta


def test_an_unreadable_image_claims_no_match(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    docs = documents_of(case)
    read(docs["kk"], kind="unknown", numbers=[], readable=False)
    read(docs["akta_kelahiran"], kind="", status="failed", error="Berkas tidak dapat dibaca (OSError).")
    read(docs["ktp_ibu"], kind="", status="timeout", error="Tidak selesai dalam 20 detik.")
    html = client.get(f"/console/permohonan/{case.pk}/").content.decode()
    kk = block(html, docs["kk"].pk)
    assert "cocok" not in kk and "✔" not in kk
    assert 'Nomor KK: <span class="warn">tidak terbaca</span>' in kk
    for label in ("akta_kelahiran", "ktp_ibu"):
        text = block(html, docs[label].pk)
        assert "tidak terbaca" in text and "✔" not in text and "cocok" not in text
    assert "Berkas tidak dapat dibaca (OSError)." in html
    # A document whose reading has not run yet: "belum diperiksa", nothing claimed.
    ayah = block(html, docs["ktp_ayah"].pk)
    assert "belum diperiksa" in ayah and "✔" not in ayah


def test_the_childs_photo_face_colour_sharpness_and_no_background_rule_by_default(client, officer, settings):
    case = make_case(
        state=State.IN_REVIEW,
        assigned_to=officer,
        docs=("akta_kelahiran", "ktp_ayah", "ktp_ibu", "kk", "pas_foto"),
    )
    photo = documents_of(case)["pas_foto"]
    read(
        photo,
        kind="photo",
        engine="",
        photo={**FACE, "blurred": True, "sharpness": 12.0, "colour": False, "background": "biru"},
    )
    text = block(client.get(f"/console/permohonan/{case.pk}/").content.decode(), photo.pk)
    assert "Foto wajah (bukan dokumen): cocok" in text
    assert 'Berwarna: <strong class="warn">berbeda</strong>' in text and "hitam putih" in text
    assert 'Tajam (tidak buram): <strong class="warn">berbeda</strong>' in text and "buram (12)" in text
    assert "Latar belakang" not in text  # off by default: sources disagree
    settings.LOKET_PRECHECK_BACKGROUND = "merah"
    text = block(client.get(f"/console/permohonan/{case.pk}/").content.decode(), photo.pk)
    assert (
        'Latar belakang: <strong class="warn">berbeda</strong> · diminta <span class="mono">merah</span>'
        ' / terbaca <span class="mono">biru</span>'
    ) in text


def test_a_reading_of_a_replaced_file_is_not_shown(client, officer):
    """A resend replaces the file: the old reading no longer speaks for the document."""
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    kk = documents_of(case)["kk"]
    read(kk, kind="kk", numbers=[KK_NUMBER])
    kk.sha256 = "b" * 64
    kk.save()
    text = block(client.get(f"/console/permohonan/{case.pk}/").content.decode(), kk.pk)
    assert "belum diperiksa" in text and "cocok" not in text


@pytest.mark.parametrize("role", [Role.COUNTER, Role.ADMIN])
def test_roles_that_may_not_open_a_case_never_see_its_readings(client, role):
    case = make_case(state=State.QUEUED)
    read(documents_of(case)["kk"], kind="kk", numbers=[OTHER_KK])
    sign_in(client, make_staff(f"orang-{role}", role, services=["KIA"], kecamatan=[KEC_A]))
    response = client.get(f"/console/permohonan/{case.pk}/")
    assert response.status_code == 403
    assert OTHER_KK.encode() not in response.content


def test_an_officer_of_another_area_gets_404_and_no_readings(client):
    case = make_case(state=State.QUEUED, kecamatan=KEC_A)
    read(documents_of(case)["kk"], kind="kk", numbers=[OTHER_KK])
    sign_in(client, make_staff("lain", Role.OFFICER, services=["KIA"], kecamatan=[KEC_B]))
    response = client.get(f"/console/permohonan/{case.pk}/")
    assert response.status_code == 404
    assert OTHER_KK.encode() not in response.content
