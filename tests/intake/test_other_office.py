"""Another office: its own region list and regency, named in the environment."""

import pytest

from loket.domain.regions import office_regions

from .builders import check, codes, kk, ktp, warning_codes

KOTA_TANGERANG = (
    "kode,level,nama,kode_kecamatan,nama_kecamatan\n"
    "36.71.01,kecamatan,Tangerang,36.71.01,Tangerang\n"
    "36.71.01.1001,kelurahan,Sukarasa,36.71.01,Tangerang\n"
    "36.71.01.1002,kelurahan,Sukasari,36.71.01,Tangerang\n"
)


@pytest.fixture
def kota_tangerang(tmp_path, monkeypatch):
    region_file = tmp_path / "wilayah_3671.csv"
    region_file.write_text(KOTA_TANGERANG)
    monkeypatch.setenv("LOKET_REGION_FILE", str(region_file))
    monkeypatch.setenv("LOKET_REGION_CODE", "36.71")
    yield office_regions()


def test_another_office_matches_its_own_places(kota_tangerang):
    result = check(kk(no_kk="3671011203150007", desa="SUKARASA", kecamatan="TANGERANG"))
    assert result.ok, codes(result)
    assert result.fields["kode_desa"] == "36.71.01.1001"


def test_for_another_office_kabupaten_tangerang_is_outside(kota_tangerang):
    result = check(kk(desa="PASIR BOLANG", kecamatan="TIGARAKSA"))
    assert codes(result) == [("kecamatan_outside_office", "kecamatan")]
    assert "Kota Tangerang" in result.problems[0].message


def test_nik_warnings_follow_the_office_regency(kota_tangerang):
    result = check(ktp(desa="SUKARASA", kecamatan="TANGERANG"))
    assert result.ok, codes(result)
    assert warning_codes(result) == [("nik_region_outside_office", "nik")]
    assert "layanan WhatsApp Dukcapil Kota Tangerang." in check("halo").problems[0].message
