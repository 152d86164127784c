"""`loket migrate` gives every fresh database the official region codes."""

import pytest
from django.core.management import call_command

from loket.regions.models import Region, RegionAlias

pytestmark = pytest.mark.django_db


def test_migrate_loads_every_kecamatan_and_desa_of_kabupaten_tangerang():
    regency = Region.objects.get(kode="36.03")
    kecamatan = Region.objects.filter(parent=regency, level="kecamatan")
    assert kecamatan.count() == 29
    desa = Region.objects.filter(parent__in=kecamatan, level__in=["desa", "kelurahan"])
    assert desa.count() == 274


def test_migrate_loads_the_national_list_for_nik_prefixes():
    assert Region.objects.filter(level="provinsi").count() == 38
    assert Region.objects.filter(level="kabupaten_kota").count() == 514
    assert Region.objects.get(kode="36.74").nama == "Kota Tangerang Selatan"


def test_regions_hang_from_their_parents():
    caringin_legok = Region.objects.get(kode="36.03.20.2002")
    assert caringin_legok.nama == "Caringin"
    assert caringin_legok.parent.nama == "Legok"
    assert caringin_legok.parent.parent.parent.nama == "Banten"


def test_aliases_are_loaded():
    alias = RegionAlias.objects.get(alias="Kampung Melayu Timur")
    assert alias.region.kode == "36.03.13.2006"


def test_another_office_loads_its_own_list(tmp_path):
    csv = tmp_path / "wilayah_3671.csv"
    csv.write_text(
        "kode,level,nama,kode_kecamatan,nama_kecamatan\n"
        "36.71.01,kecamatan,Tangerang,36.71.01,Tangerang\n"
        "36.71.01.1001,kelurahan,Sukarasa,36.71.01,Tangerang\n"
    )
    call_command("regions", "load", str(csv))
    assert Region.objects.get(kode="36.71.01.1001").parent.kode == "36.71.01"
    # loading again changes nothing
    call_command("regions", "load", str(csv))
    assert Region.objects.filter(kode="36.71.01.1001").count() == 1
