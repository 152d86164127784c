"""Builders for intake tests: valid numbers and messages, changed one piece at a time."""

from __future__ import annotations

from datetime import date

from loket.domain.intake import ParseResult, parse

# The request date of most tests: a Monday.
TODAY = date(2026, 11, 30)

# A girl born 15 Dec 2018 first registered in Tigaraksa; her family card from 12 Mar 2015.
CHILD_NIK = "3603035512180003"
FAMILY_KK = "3603031203150007"
# A man born 12 Mar 1990 in Tigaraksa.
ADULT_NIK = "3603031203900007"


def nik(born: date, *, female: bool = False, prefix: str = "360303", serial: str = "0001") -> str:
    day = born.day + (40 if female else 0)
    return f"{prefix}{day:02d}{born.month:02d}{born.year % 100:02d}{serial}"


def kia(
    nik: str = CHILD_NIK,
    no_kk: str = FAMILY_KK,
    nama: str = "SITI AMINAH",
    desa: str = "PASIR BOLANG",
    kecamatan: str = "TIGARAKSA",
) -> str:
    return f"#KIA#{nik}#{no_kk}#{nama}#{desa}#{kecamatan}"


def ktp(nik: str = ADULT_NIK, jenis: str = "HILANG", desa: str = "CARINGIN", kecamatan: str = "LEGOK") -> str:
    return f"#KTP#{nik}#{FAMILY_KK}#AHMAD FAUZI#{desa}#{kecamatan}#{jenis}"


def kk(
    no_kk: str = FAMILY_KK,
    nama: str = "AHMAD FAUZI",
    desa: str = "PASIR BOLANG",
    kecamatan: str = "TIGARAKSA",
) -> str:
    return f"#KK#{no_kk}#{nama}#{desa}#{kecamatan}"


def skpwni(alamat: str = "JL. MELATI NO. 5 RT 02/03, KEL. CIBUBUR, KEC. CIRACAS, JAKARTA TIMUR") -> str:
    return f"#SKPWNI#{ADULT_NIK}#{FAMILY_KK}#AHMAD FAUZI#{alamat}"


def skdwni(no_skpwni: str = "SKPWNI/3506/22032021/0101", keperluan: str = "Pindah ikut suami") -> str:
    return f"#SKDWNI#{no_skpwni}#{keperluan}"


def check(text: str, today: date = TODAY) -> ParseResult:
    return parse(text, today)


def codes(result: ParseResult) -> list[tuple[str, str]]:
    return [(p.code, p.field) for p in result.problems]


def warning_codes(result: ParseResult) -> list[tuple[str, str]]:
    return [(w.code, w.field) for w in result.warnings]
