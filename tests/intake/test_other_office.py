"""Another office: its own region list and regency, passed to the domain (`regions.configure`;
the Django side passes LOKET_REGION_FILE / LOKET_REGION_CODE, see test_parse_command.py)."""

import pytest

from loket.domain import regions
from loket.domain.regions import office_regions

from .builders import check, codes, kk, ktp, warning_codes

KOTA_TANGERANG = (
    "kode,level,nama,kode_kecamatan,nama_kecamatan\n"
    "36.71.01,kecamatan,Tangerang,36.71.01,Tangerang\n"
    "36.71.01.1001,kelurahan,Sukarasa,36.71.01,Tangerang\n"
    "36.71.01.1002,kelurahan,Sukasari,36.71.01,Tangerang\n"
)


@pytest.fixture
def kota_tangerang(tmp_path):
    region_file = tmp_path / "wilayah_3671.csv"
    region_file.write_text(KOTA_TANGERANG)
    before = regions.configured()
    regions.configure(region_file=region_file, regency_code="36.71")
    try:
        yield office_regions()
    finally:
        regions.configure(before.region_file, before.alias_file, before.regency_code)
    assert office_regions().regency_code == before.regency_code


def test_configuration_from_empty_settings_is_the_packaged_office():
    before = regions.configured()
    try:
        office = regions.configure(region_file="", alias_file="", regency_code="")
        assert office == regions.OfficeRegions()  # what settings hold when nothing is set
        assert office.alias_file == regions.PACKAGED_ALIAS_FILE
        # A region file of the office's own: the packaged aliases (Tangerang's) do not apply.
        assert regions.configure(region_file="/tmp/x.csv").alias_file is None
    finally:
        regions.configure(before.region_file, before.alias_file, before.regency_code)


def test_a_missing_region_file_fails_loudly_on_first_use(tmp_path):
    before = regions.configured()
    try:
        regions.configure(region_file=tmp_path / "none.csv", regency_code="36.71")
        with pytest.raises(FileNotFoundError):
            office_regions()
    finally:
        regions.configure(before.region_file, before.alias_file, before.regency_code)
    assert office_regions().regency_code == "36.03"


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
