"""The case page speaks the officer's words: field labels from the request formats'
declaration, region names from the regions table, never raw keys or codes."""

import re

import pytest

from loket.cases.models import State
from loket.console.labels import field_label, field_rows, places_of
from loket.console.models import Role
from loket.domain.intake.services import SERVICES
from loket.regions.names import region_names
from tests.console.builders import make_case, make_staff, sign_in

pytestmark = pytest.mark.django_db
NIK = "3603035512180003"
KK = "3603031203150007"
# What the parser stores for "#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA".
PARSED = {
    "nik": NIK,
    "no_kk": KK,
    "nama": "SITI AMINAH",
    "desa": "Pasir Bolang",
    "kecamatan": "Tigaraksa",
    "kode_desa": "36.03.03.2002",
    "kode_kecamatan": "36.03.03",
}


def headers(body: str) -> list[str]:
    section = body[body.index('id="data"') : body.index("</table>", body.index('id="data"'))]
    return re.findall(r"<th>([^<]*)</th>", section)


def test_the_case_page_labels_fields_as_the_format_declares_them_and_names_the_region(client):
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    case = make_case(
        state=State.IN_REVIEW,
        assigned_to=officer,
        subject=NIK,
        fields=PARSED,
        kode_desa="36.03.03.2002",
    )
    sign_in(client, officer)
    body = client.get(f"/console/permohonan/{case.pk}/").content.decode()
    labels = headers(body)
    assert labels[:1] == ["Subjek (NIK)"]
    assert [label for label in labels if label in {f.words for f in SERVICES["KIA"].fields}] == [
        "NIK",
        "Nomor KK",
        "Nama",
        "Nama desa/kelurahan",
        "Nama kecamatan",
    ]
    for raw in ("nik", "no_kk", "nama", "kode_desa", "kode_kecamatan", "desa", "kecamatan"):
        assert raw not in labels
    places = body[body.index('id="places"') : body.index("</td>", body.index('id="places"'))]
    assert "Desa Pasir Bolang" in places and "Kecamatan Tigaraksa" in places


def test_labels_come_from_the_declaration_for_every_service():
    assert field_label("KK", "nama_kepala_keluarga") == "Nama kepala keluarga"
    assert field_label("KTP", "jenis") == "Jenis permohonan"
    assert field_label("SKDWNI", "no_skpwni") == "Nomor SKPWNI"
    assert field_label("KIA", "NIK") == "NIK"  # older rows stored upper-case keys
    assert field_label("KIA", "catatan_lain") == "Catatan lain"  # unknown keys are tidied, not hidden


def test_rows_follow_the_declared_order_and_mark_numbers():
    case = make_case(
        service="KTP",
        fields={"jenis": "HILANG", "nama": "BUDI", "nik": NIK, "no_kk": KK, "extra_note": "x"},
    )
    rows = field_rows(case)
    assert [r.label for r in rows] == ["NIK", "Nomor KK", "Nama", "Jenis permohonan", "Extra note"]
    assert [r.number for r in rows] == [True, True, False, False, False]


def test_unknown_region_codes_are_shown_as_they_are():
    case = make_case(kecamatan="99.99.99", kode_desa="", fields={"nik": NIK})
    assert [(p.name, p.code) for p in places_of(case)] == [("99.99.99", "99.99.99")]
    assert region_names(["36.03.03", "99.99.99", ""]) == {"36.03.03": "Tigaraksa"}


def test_a_case_without_region_shows_a_dash(client):
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    case = make_case(
        state=State.IN_REVIEW, assigned_to=officer, kecamatan="", kode_desa="", fields={"nik": NIK}
    )
    sign_in(client, officer)
    body = client.get(f"/console/permohonan/{case.pk}/").content.decode()
    assert re.search(r'id="places">–</td>', body)


def test_an_applicant_without_a_name_or_number_on_record_is_said_so_not_shown_as_dashes(client):
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    case = make_case(state=State.IN_REVIEW, assigned_to=officer, subject=NIK, fields=PARSED)
    type(case.resident).objects.filter(pk=case.resident_id).update(profile_name="", phone="", wa_id="")
    sign_in(client, officer)
    body = client.get(f"/console/permohonan/{case.pk}/").content.decode()
    row = body[body.index("<th>Pemohon</th>") : body.index("</tr>", body.index("<th>Pemohon</th>"))]
    assert "tidak tercatat" in row and "·" not in row
