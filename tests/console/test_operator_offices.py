"""The village operator form on an installation of two offices (docs/offices.md): an office
without a desa list lets the operator pick the kecamatan and type the desa (kept as written,
flagged `desa_unverified` for the officer); an office with one keeps its desa picker; the
parent's record is on a number of the operator's own office."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from loket.cases.models import Case, Resident
from loket.channels.whatsapp.models import OutboundMessage
from loket.channels.whatsapp.numbers import register_number
from loket.console.models import AuditEntry, Role
from loket.offices.models import Office, first_office
from tests.approvable import tiny_jpeg
from tests.console.builders import KEC_A, sign_in
from tests.offices.world import make_office_staff
from tests.whatsapp.inbound import inbound_settings, work  # noqa: F401 - autouse: secrets, fake Graph

pytestmark = pytest.mark.django_db

A_NUMBER, B_NUMBER = "109876543210987", "109876543219999"
KOTA_KEC = "36.71.01"  # Kecamatan Tangerang, Kota Tangerang
KOTA_OTHER_KEC = "36.71.02"  # another kecamatan of the city, outside the operator's area
# A family of Kecamatan Tangerang: KK of 12 Mar 2015, a girl born 15 Dec 2018.
KOTA_KK = "3671011203150007"
KOTA_CHILD = "3671015512180003"
PASIR_BOLANG = "36.03.03.2002"  # a desa of Tigaraksa (office A)
KIA_DOCS = ("akta_kelahiran", "ktp_ayah", "ktp_ibu", "kk", "pas_foto")


def kota(*, services=("KIA",), a_services=()) -> Office:
    """Office A (from the settings, with its desa list) and office B, Kota Tangerang, without
    one; B's number serves `services`, A's number (registered first) `a_services`."""
    a = first_office()
    call_command("office", "add", "--code", "36.71", "--name", "Kota Tangerang", stdout=io.StringIO())
    if a_services:
        register_number(A_NUMBER, "6285694012597", list(a_services), a.code)
    office = Office.objects.get(code="36.71")
    if services:
        register_number(B_NUMBER, "6285694019999", list(services), "36.71")
    return office


def operator_of(office: Office, username: str, **area):
    return make_office_staff(username, Role.OPERATOR, office, **area)


def photo(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_jpeg(), content_type="image/jpeg")


def kota_form(client, **overrides) -> dict:
    page = client.get("/console/operator/baru/KIA/")
    assert page.status_code == 200
    data = {
        "token": page.context["token"],
        "nik": KOTA_CHILD,
        "no_kk": KOTA_KK,
        "nama": "Siti Aminah",
        "kecamatan": KOTA_KEC,
        "desa_nama": "Kampung Baru",
        "telepon": "0812 9876 5432",
    }
    data.update({f"doc_{key}": photo(f"{key}.jpg") for key in KIA_DOCS})
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_an_office_without_a_desa_list_asks_the_kecamatan_and_the_desa_typed(client):
    office = kota()
    assert not office.has_desa_list
    sign_in(client, operator_of(office, "kader-kota", kecamatan=[KOTA_KEC]))
    body = client.get("/console/operator/baru/KIA/").content.decode()
    assert 'name="kecamatan"' in body and f'value="{KOTA_KEC}" selected' in body
    assert 'name="desa_nama"' in body and "tulis nama desa/kelurahan seperti di Kartu Keluarga" in body
    assert 'name="desa"' not in body and "pilih desa/kelurahan" not in body


def test_an_office_with_a_desa_list_keeps_the_picker(client):
    kota()
    sign_in(client, operator_of(first_office(), "kader-pasir", desa=[PASIR_BOLANG]))
    body = client.get("/console/operator/baru/KIA/").content.decode()
    assert 'name="desa"' in body and f'value="{PASIR_BOLANG}"' in body
    assert 'name="desa_nama"' not in body and 'name="kecamatan"' not in body


def test_the_typed_desa_is_kept_as_written_and_flagged_for_the_officer(client):
    office = kota()
    sign_in(client, operator_of(office, "kader-kota", kecamatan=[KOTA_KEC]))
    response = client.post("/console/operator/baru/KIA/", kota_form(client))
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert (case.office, case.source, case.kode_kecamatan, case.kode_desa) == (
        office,
        "operator",
        KOTA_KEC,
        "",
    )
    assert case.fields["desa"] == "KAMPUNG BARU" and "kode_desa" not in case.fields
    assert case.fields["kode_kecamatan"] == KOTA_KEC
    assert [w["code"] for w in case.warnings] == ["desa_unverified"]
    assert case.resident.office == office and case.resident.channel_number == B_NUMBER
    assert AuditEntry.objects.filter(
        action="operator_submit", detail=f"KIA kecamatan {KOTA_KEC}, desa ditulis"
    ).exists()
    ask = OutboundMessage.objects.get(case=case)
    assert ask.text.startswith("kader-kota (operator Desa/Kel. Kampung Baru) membantu")


def test_a_missing_desa_and_a_kecamatan_outside_the_area_are_named_with_the_rest(client):
    office = kota()
    sign_in(client, operator_of(office, "kader-kota", kecamatan=[KOTA_KEC]))
    for kecamatan in (KOTA_OTHER_KEC, KEC_A, ""):  # the city's other kecamatan, office A's, none
        response = client.post(
            "/console/operator/baru/KIA/",
            kota_form(client, kecamatan=kecamatan, desa_nama="", no_kk="36710112031500"),
        )
        body = response.content.decode()
        assert response.status_code == 422
        assert "Pilih kecamatan di wilayah Anda." in body
        assert "Tulis nama desa/kelurahan seperti di Kartu Keluarga." in body
        assert "Nomor KK harus 16 angka, yang Anda tulis 14 angka." in body  # named at once
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "typed,said",
    [
        ("Kampung#Baru", "Nama desa/kelurahan tidak boleh berisi tanda #."),
        ("X" * 61, "tidak ada di Kecamatan Tangerang"),  # longer than any place name: refused
    ],
)
def test_a_hostile_desa_name_is_refused_at_the_desa(client, typed, said):
    office = kota()
    sign_in(client, operator_of(office, "kader-kota", kecamatan=[KOTA_KEC]))
    response = client.post("/console/operator/baru/KIA/", kota_form(client, desa_nama=typed))
    assert response.status_code == 422
    assert said in response.content.decode()
    assert 'id="e-desa_nama"' in response.content.decode()
    assert not Case.objects.exists()


def test_a_service_without_a_desa_field_asks_only_the_kecamatan(client):
    office = kota(services=("KIA", "SKDWNI"))
    sign_in(client, operator_of(office, "kader-kota", kecamatan=[KOTA_KEC]))
    page = client.get("/console/operator/baru/SKDWNI/")
    assert 'name="kecamatan"' in page.content.decode() and 'name="desa_nama"' not in page.content.decode()
    data = {
        "token": page.context["token"],
        "no_skpwni": "SKPWNI/3506/22032021/0101",
        "keperluan": "BEKERJA DI TANGERANG",
        "kecamatan": KOTA_KEC,
        "telepon": "0812 9876 5432",
    }
    response = client.post("/console/operator/baru/SKDWNI/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert (case.office, case.kode_kecamatan, case.kode_desa) == (office, KOTA_KEC, "")


# --- the parent's number: one of the operator's own office -------------------------------------


def pasir_form(client) -> dict:
    page = client.get("/console/operator/baru/KIA/")
    data = {
        "token": page.context["token"],
        "nik": "3603035512180003",
        "no_kk": "3603031203150007",
        "nama": "Siti Aminah",
        "desa": PASIR_BOLANG,
        "telepon": "0812 9876 5432",
    }
    return data


def test_each_operators_parent_is_on_a_number_of_the_operators_office(client):
    """Both offices serve KIA; A's number comes first: B's operator still gets B's number."""
    kota_office = kota(a_services=("KIA",))
    sign_in(client, operator_of(kota_office, "kader-kota", kecamatan=[KOTA_KEC]))
    assert client.post("/console/operator/baru/KIA/", kota_form(client)).status_code == 302
    client.logout()
    sign_in(client, operator_of(first_office(), "kader-pasir", desa=[PASIR_BOLANG]))
    assert client.post("/console/operator/baru/KIA/", pasir_form(client)).status_code == 302
    by_office = {
        c.office.code: (c.resident.channel_number, c.resident.office.code) for c in Case.objects.all()
    }
    assert by_office == {"36.71": (B_NUMBER, "36.71"), "36.03": (A_NUMBER, "36.03")}
    # The same parent's phone is two residents, one per office (each office its own record).
    assert Resident.objects.filter(wa_id="6281298765432").count() == 2


def test_a_parent_without_whatsapp_is_recorded_on_the_operators_office_number(client):
    kota_office = kota(a_services=("KIA",))
    sign_in(client, operator_of(kota_office, "kader-kota", kecamatan=[KOTA_KEC]))
    data = kota_form(client, telepon=None, tanpa_wa="1", persetujuan=photo("surat.jpg"))
    assert client.post("/console/operator/baru/KIA/", data).status_code == 302
    resident = Case.objects.get().resident
    assert (resident.channel_number, resident.office) == (B_NUMBER, kota_office)


@pytest.mark.parametrize("paper", [False, True])
def test_an_office_without_a_number_for_the_service_is_told_so_and_nothing_is_opened(client, paper):
    """A's number serves KIA, B's none: B's operator is refused, never sent to A's number."""
    kota_office = kota(services=(), a_services=("KIA",))
    sign_in(client, operator_of(kota_office, "kader-kota", kecamatan=[KOTA_KEC]))
    extra = {"telepon": None, "tanpa_wa": "1", "persetujuan": photo("surat.jpg")} if paper else {}
    response = client.post("/console/operator/baru/KIA/", kota_form(client, **extra))
    assert response.status_code == 503
    assert "Kota Tangerang belum punya nomor WhatsApp untuk layanan KIA" in response.content.decode()
    assert not Case.objects.exists() and not Resident.objects.exists()
    assert not OutboundMessage.objects.exists()
