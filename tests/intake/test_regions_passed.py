"""parse(text, today, regions): the regions of the office the message came to, passed in, with
the configured index untouched; an office without a desa list accepts the desa as written and
flags it (`desa_unverified`). Pure domain: no database."""

from __future__ import annotations

import pytest

from loket.domain import regions
from loket.domain.intake import SERVICES, canonical_message, parse
from loket.domain.intake import guided as flow
from loket.domain.regions import office_regions

from .builders import FAMILY_KK, TODAY, check, kia

KOTA_TANGERANG = (
    "kode,level,nama,kode_kecamatan,nama_kecamatan\n"
    "36.71.01,kecamatan,Tangerang,36.71.01,Tangerang\n"
    "36.71.01.1001,kelurahan,Sukarasa,36.71.01,Tangerang\n"
)
# A KK issued in Kecamatan Tangerang (36.71.01), 12 Mar 2015; a child born there 15 Dec 2018.
KOTA_KK = "3671011203150007"
KOTA_CHILD = "3671015512180003"


def kota_kia(desa: str = "SUKARASA", kecamatan: str = "TANGERANG") -> str:
    return kia(nik=KOTA_CHILD, no_kk=KOTA_KK, desa=desa, kecamatan=kecamatan)


@pytest.fixture
def kota(tmp_path) -> regions.RegionIndex:
    path = tmp_path / "wilayah_3671.csv"
    path.write_text(KOTA_TANGERANG)
    return regions.office_index(path, "36.71", path.stat().st_mtime)


@pytest.fixture
def kota_without_desa(tmp_path) -> regions.RegionIndex:
    """What `loket office add --code 36.71` writes: kecamatan only (no desa list)."""
    path = tmp_path / "wilayah_3671_kecamatan.csv"
    path.write_text(
        "kode,level,nama,kode_kecamatan,nama_kecamatan\n"
        "36.71.01,kecamatan,Tangerang,36.71.01,Tangerang\n"
        "36.71.02,kecamatan,Jatiuwung,36.71.02,Jatiuwung\n"
    )
    return regions.office_index(path, "36.71", path.stat().st_mtime)


def test_a_request_is_checked_against_the_regions_passed(kota):
    result = parse(kota_kia(), TODAY, regions=kota)
    assert result.ok, result.problems
    assert result.fields["kode_kecamatan"] == "36.71.01"
    assert result.fields["kode_desa"] == "36.71.01.1001"
    assert result.warnings == []
    # The configured office (Kabupaten Tangerang) is untouched: the same text is refused there,
    # and a Kabupaten request is refused by Kota Tangerang's index.
    assert office_regions().regency_code == "36.03"
    refused = parse(kota_kia(), TODAY)
    assert not refused.ok
    assert not parse(kia(), TODAY, regions=kota).ok
    assert check(kia()).ok


def test_the_help_text_greets_from_the_office_passed(kota):
    assert "Dukcapil Kota Tangerang" in parse("halo", TODAY, regions=kota).problems[0].message
    assert "Dukcapil Kabupaten Tangerang" in parse("halo", TODAY).problems[0].message


def test_the_problems_name_the_office_passed(kota):
    result = parse(kota_kia(kecamatan="TIGARAKSA"), TODAY, regions=kota)
    assert [p.code for p in result.problems] == ["kecamatan_outside_office"]
    assert "Kota Tangerang" in result.problems[0].message


def test_without_a_desa_list_the_desa_is_kept_as_written_and_flagged(kota_without_desa):
    result = parse(kota_kia(desa="kampung  baru"), TODAY, regions=kota_without_desa)
    assert result.ok, result.problems
    assert result.fields["desa"] == "KAMPUNG BARU"
    assert result.fields["kode_kecamatan"] == "36.71.01"
    assert "kode_desa" not in result.fields
    assert [(w.code, w.field) for w in result.warnings] == [("desa_unverified", "desa")]
    assert "Kecamatan Tangerang" in result.warnings[0].message
    # The request round-trips (the approval guard parses the case's canonical message again).
    again = parse(canonical_message("KIA", result.fields), TODAY, regions=kota_without_desa)
    assert again.ok and again.fields == result.fields


def test_without_a_desa_list_the_kecamatan_is_still_checked(kota_without_desa):
    result = parse(kota_kia(desa="SUKARASA", kecamatan="ANTAH BERANTAH"), TODAY, regions=kota_without_desa)
    assert [p.code for p in result.problems] == ["kecamatan_unknown"]  # no desa_unknown beside it
    assert not result.warnings
    blank = parse(kota_kia(desa=""), TODAY, regions=kota_without_desa)
    assert [p.code for p in blank.problems] == ["field_missing"]


def test_a_desa_only_file_gets_its_kecamatan_from_the_national_list(tmp_path):
    path = tmp_path / "desa.csv"
    path.write_text(
        "kode,level,nama,kode_kecamatan,nama_kecamatan\n36.71.01.1001,kelurahan,Sukarasa,36.71.01,Tangerang\n"
    )
    index = regions.office_index(path, "36.71", path.stat().st_mtime)
    assert index.has_desa("36.71.01") and not index.has_desa("36.71.02")
    assert index.match_kecamatan("Jatiuwung").found
    result = parse(kota_kia(), TODAY, regions=index)
    assert result.ok and result.fields["kode_desa"] == "36.71.01.1001"
    # A kecamatan of that office with no desa in the file: accepted as written, flagged.
    other = parse(kota_kia(desa="ALAM JAYA", kecamatan="JATIUWUNG"), TODAY, regions=index)
    assert other.ok and [w.code for w in other.warnings] == ["desa_unverified"]


def test_the_packaged_office_keeps_refusing_an_unknown_desa():
    # Office A (a desa list loaded): an unknown desa is a problem, never a warning.
    result = check(kia(desa="ANTAH BERANTAH"))
    assert [p.code for p in result.problems] == ["desa_unknown"]
    assert not any(w.code == "desa_unverified" for w in result.warnings)


def test_a_guided_answer_uses_the_regions_passed(kota_without_desa):
    service = SERVICES["KIA"]
    answers: dict[str, object] = {"no_kk": FAMILY_KK}
    kec = flow.check(service, "kecamatan", "Tangerang", answers, today=TODAY, regions=kota_without_desa)
    assert kec.ok and kec.extra == {"kode_kecamatan": "36.71.01"}
    answers["kecamatan"] = kec.value
    desa = flow.check(service, "desa", "Kampung Baru", answers, today=TODAY, regions=kota_without_desa)
    assert desa.ok and desa.value == "KAMPUNG BARU"
