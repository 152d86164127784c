"""The one declaration of the request formats residents send over WhatsApp.

A sixth service is one more `Service(...)` in SERVICES (keyword and aliases, fields in
order, rules) plus its tests: splitting, field checks, replies and docs all read from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from loket.domain.intake import rules
from loket.domain.intake.rules import ServiceRule


@dataclass(frozen=True)
class Field:
    key: str  # JSON key in `fields`
    label: str  # placeholder in the format shown to residents: NO_KK, NAMA KEPALA KELUARGA
    kind: str  # nik | no_kk | name | desa | kecamatan | jenis | alamat | no_skpwni | keperluan
    words: str  # how a message names it, in Bahasa Indonesia: "NIK", "nomor KK"


NIK = Field("nik", "NIK", "nik", "NIK")
NO_KK = Field("no_kk", "NO_KK", "no_kk", "Nomor KK")
NAMA = Field("nama", "NAMA", "name", "Nama")
DESA = Field("desa", "DESA", "desa", "Nama desa/kelurahan")
KECAMATAN = Field("kecamatan", "KECAMATAN", "kecamatan", "Nama kecamatan")


@dataclass(frozen=True)
class Service:
    keyword: str  # KIA
    aliases: tuple[str, ...]  # other keywords residents use for it
    name: str  # Bahasa Indonesia, for residents: "Kartu Identitas Anak (KIA)"
    fields: tuple[Field, ...]
    subject: str  # the key of the field that identifies what the request is about
    default_number: str  # the office's WhatsApp number for this service (`configure` overrides)
    # For officers (console lists, menus, figures), short: "Kartu Identitas Anak"; `name`
    # (what residents read, with the keyword in brackets) when left empty.
    short_name: str = ""
    # Place in officers' lists, the dashboards and the demo data: KIA first (the office's
    # coverage target). Residents' menus follow the declaration order below instead.
    officer_rank: int = 99
    # Share of requests in the generated demo data (`loket coverage demo-data`), roughly a
    # regency's month; 0: none generated.
    demo_weight: int = 0
    child: bool = False  # the NIK is a child's: born in the 2000s
    rules: tuple[ServiceRule, ...] = field(default=())  # checks across fields (each skips what failed)
    # Everyday words that name the service inside a sentence ("mau bikin kartu anak"): the
    # guided conversation starts from them (the typed format reads only keyword and aliases).
    phrases: tuple[str, ...] = ()

    @property
    def format(self) -> str:
        """The format as residents are shown it: #KIA#NIK#NO_KK#NAMA#DESA#KECAMATAN."""
        return "#" + "#".join([self.keyword, *(f.label for f in self.fields)])

    @cached_property
    def keyword_keys(self) -> frozenset[str]:
        return frozenset(keyword_key(word) for word in (self.keyword, *self.aliases))

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    @property
    def officer_name(self) -> str:
        return self.short_name or self.name

    @property
    def number(self) -> str:
        return _numbers.get(self.keyword, self.default_number)


SERVICES: dict[str, Service] = {
    s.keyword: s
    for s in [
        Service(
            keyword="KK",
            aliases=(),
            name="Kartu Keluarga (KK)",
            fields=(
                NO_KK,
                Field("nama_kepala_keluarga", "NAMA KEPALA KELUARGA", "name", "Nama kepala keluarga"),
                DESA,
                KECAMATAN,
            ),
            subject="no_kk",
            default_number="081282372016",
            short_name="Kartu Keluarga",
            officer_rank=3,
            demo_weight=25,
            phrases=("KARTU KELUARGA",),
        ),
        Service(
            keyword="KTP",
            aliases=("KTPEL", "KTP-EL"),
            name="KTP Elektronik (KTP-el)",
            fields=(
                NIK,
                NO_KK,
                NAMA,
                DESA,
                KECAMATAN,
                Field("jenis", "PEMULA/HILANG/RUSAK", "jenis", "Jenis permohonan"),
            ),
            subject="nik",
            default_number="081212492477",
            short_name="KTP-el",
            officer_rank=2,
            demo_weight=25,
            rules=(rules.pemula_under_17, rules.nik_not_no_kk),
            phrases=("E KTP", "EKTP", "KTP ELEKTRONIK"),
        ),
        Service(
            keyword="KIA",
            aliases=(),
            name="Kartu Identitas Anak (KIA)",
            fields=(NIK, NO_KK, NAMA, DESA, KECAMATAN),
            subject="nik",
            default_number="085694012597",
            short_name="Kartu Identitas Anak",
            officer_rank=1,
            demo_weight=40,
            child=True,
            rules=(rules.kia_child_under_17, rules.nik_not_no_kk),
            phrases=("KARTU ANAK", "KARTU IDENTITAS ANAK"),
        ),
        Service(
            keyword="SKPWNI",
            aliases=(),
            name="Surat Pindah Keluar (SKPWNI)",
            fields=(NIK, NO_KK, NAMA, Field("alamat_pindah", "ALAMAT PINDAH", "alamat", "Alamat pindah")),
            subject="nik",
            default_number="081338020399",
            short_name="Surat pindah keluar",
            officer_rank=4,
            demo_weight=5,
            phrases=("PINDAH KELUAR", "SURAT PINDAH KELUAR", "PINDAH KE LUAR"),
        ),
        Service(
            keyword="SKDWNI",
            aliases=("SKDWN",),
            name="Surat Pindah Datang (SKDWNI)",
            fields=(
                Field("no_skpwni", "NO_SKPWNI", "no_skpwni", "Nomor SKPWNI"),
                Field("keperluan", "KEPERLUAN", "keperluan", "Keperluan"),
            ),
            subject="no_skpwni",
            default_number="081338020399",
            short_name="Surat pindah datang",
            officer_rank=5,
            demo_weight=5,
            phrases=("PINDAH DATANG", "PINDAH MASUK", "PINDAHAN DATANG"),
        ),
    ]
}


def for_officers() -> list[Service]:
    """The services in officers' order (`officer_rank`; declaration order among equals)."""
    return sorted(SERVICES.values(), key=lambda service: service.officer_rank)


def keyword_key(text: str) -> str:
    """'ktp-el', 'KTP EL' and 'Ktpel' meet: upper-case letters and digits only."""
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def service_for_keyword(text: str) -> Service | None:
    """The service a keyword names ('kia', 'KTP-EL', 'skdwn'), or None."""
    if len(text) > 20:
        return None
    key = keyword_key(text)
    return next((service for service in SERVICES.values() if key in service.keyword_keys), None)


# The office's numbers where they differ from `default_number`, set by the Django side from
# LOKET_SERVICE_NUMBERS (`configure`): the domain reads no environment.
_numbers: dict[str, str] = {}


def parse_service_numbers(raw: str) -> dict[str, str]:
    """'KIA=0856..., kk = 0812...' -> {"KIA": "0856...", "KK": "0812..."}; blank items are skipped."""
    numbers: dict[str, str] = {}
    for item in raw.split(","):
        keyword, _, number = item.partition("=")
        if keyword.strip() and number.strip():
            numbers[keyword.strip().upper()] = number.strip()
    return numbers


def configure(*, numbers: dict[str, str]) -> None:
    """The office's WhatsApp number per service keyword, for those that differ from the default."""
    _numbers.clear()
    _numbers.update({keyword.upper(): number for keyword, number in numbers.items()})


def service_numbers() -> dict[str, str]:
    """The configured office numbers per service keyword (only those that differ)."""
    return dict(_numbers)
