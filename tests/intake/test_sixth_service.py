"""A sixth service is one more declaration: splitting, checks, replies and help follow it."""

import pytest

from loket.domain.intake import SERVICES, Field, Service, canonical_message
from loket.domain.intake.services import DESA, KECAMATAN, NIK

from .builders import ADULT_NIK, check, codes

AKTA = Service(
    keyword="AKTA",
    aliases=("AKTE",),
    name="Akta Kelahiran",
    fields=(NIK, Field("nama_ayah", "NAMA AYAH", "name", "Nama ayah"), DESA, KECAMATAN),
    subject="nik",
    default_number="081100000009",
)


@pytest.fixture
def with_akta(monkeypatch):
    monkeypatch.setitem(SERVICES, "AKTA", AKTA)


def test_a_declared_sixth_service_is_understood_and_checked(with_akta):
    result = check(f"Permisi, #akte#{ADULT_NIK}#BUDI SANTOSO#CARINGIN#LEGOK#")
    assert result.ok, codes(result)
    assert result.service == "AKTA"
    assert result.fields["nama_ayah"] == "BUDI SANTOSO"
    assert result.fields["kode_desa"] == "36.03.20.2002"
    assert result.subject == ADULT_NIK
    assert canonical_message("AKTA", result.fields) == f"#AKTA#{ADULT_NIK}#BUDI SANTOSO#CARINGIN#LEGOK"
    bad = check(f"#AKTA#{ADULT_NIK}#B4DI#CARINGIN#LEGOK")
    assert codes(bad) == [("name_has_digits", "nama_ayah")]
    assert "#AKTA#" + ADULT_NIK + "#NAMA AYAH#CARINGIN#LEGOK" in bad.reply_text()


def test_the_help_lists_a_declared_sixth_service(with_akta):
    message = check("halo").problems[0].message
    assert "Akta Kelahiran, kirim ke 081100000009:\n#AKTA#NIK#NAMA AYAH#DESA#KECAMATAN" in message
