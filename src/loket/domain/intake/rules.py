"""Checks and normalisation of each kind of field, and the rules across fields of a service."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from loket.domain import nik as numbers
from loket.domain.intake.problems import Problem, problem, warning
from loket.domain.regions import Match, NationalCode, Place, RegionIndex, normalise_name

if TYPE_CHECKING:
    from loket.domain.intake.services import Field, Service


@dataclass
class Draft:
    """A request while it is being checked: good values so far, and what is wrong."""

    service: Service
    today: date
    regions: RegionIndex
    fields: dict[str, object] = field(default_factory=dict)
    derived: dict[str, object] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    birth_date: date | None = None

    def problem(self, code: str, field_key: str, /, **params: object) -> None:
        self.problems.append(problem(code, field_key, **params))

    def warn(self, code: str, field_key: str, /, **params: object) -> None:
        self.warnings.append(warning(code, field_key, **params))


ServiceRule = Callable[[Draft], None]

# Echoing a long text back to a resident helps nobody: cut it.
ECHO_LIMIT = 40


def quoted(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > ECHO_LIMIT:
        text = text[: ECHO_LIMIT - 1] + "…"
    return f'"{text}"'


def dotted(digits: str) -> str:
    return ".".join(digits[i : i + 2] for i in range(0, len(digits), 2))


MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def long_date(day: date) -> str:
    """'15 Desember 2018': a date as residents write it."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


# --- numbers ----------------------------------------------------------------------------------


def _sixteen_digits(raw: str, spec: Field, draft: Draft, prefix: str) -> str | None:
    digits = numbers.strip_number(raw)
    if not digits.isascii() or not digits.isdigit():
        draft.problem(f"{prefix}_not_number", spec.key, value=quoted(raw))
        return None
    if len(digits) != 16:
        draft.problem(f"{prefix}_length", spec.key, count=len(digits))
        return None
    return digits


def check_nik(raw: str, spec: Field, draft: Draft) -> None:
    digits = _sixteen_digits(raw, spec, draft, "nik")
    if digits is None:
        return
    _nik_region_warning(digits, spec, draft)
    facts = numbers.nik_facts(digits, draft.today, child=draft.service.child)
    for error in facts.errors:
        if error == "date_invalid":
            draft.problem("nik_birth_date_invalid", spec.key, part=digits[6:12])
        elif error == "date_future":
            assert facts.tanggal_lahir is not None
            hint = ""
            adult = numbers.nik_facts(digits, draft.today).tanggal_lahir
            if draft.service.child and adult and 17 <= numbers.age_on(adult, draft.today) <= 80:
                # Often the parent's own NIK, typed where the child's belongs.
                hint = " KIA hanya untuk anak yang lahir tahun 2000 atau sesudahnya: tulis NIK anak, bukan NIK orang tua."
            draft.problem("nik_birth_date_future", spec.key, date=long_date(facts.tanggal_lahir), hint=hint)
        else:
            draft.problem("nik_serial_zero", spec.key)
    if facts.errors:
        return
    assert facts.tanggal_lahir is not None
    draft.fields[spec.key] = digits
    draft.birth_date = facts.tanggal_lahir
    draft.derived.update(
        tanggal_lahir=facts.tanggal_lahir.isoformat(),
        jenis_kelamin=facts.jenis_kelamin,
        umur=numbers.age_on(facts.tanggal_lahir, draft.today),
    )


def _nik_region_warning(digits: str, spec: Field, draft: Draft) -> None:
    """A NIK keeps the code where it was first issued: an odd code is for the officer only."""
    regions = draft.regions
    code = regions.national_code(digits[:6])
    if code is None or code.level != "kecamatan":
        draft.warn("nik_region_unknown", spec.key, code=dotted(digits[:6]))
        return
    if code.kode.startswith(regions.regency_code + "."):
        return
    draft.warn(
        "nik_region_outside_office",
        spec.key,
        code=code.kode,
        place=code.nama,
        elsewhere=_regency_name(regions, code.kode_induk),
        regency=_office_regency_name(regions),
    )


def check_no_kk(raw: str, spec: Field, draft: Draft) -> None:
    digits = _sixteen_digits(raw, spec, draft, "no_kk")
    if digits is None:
        return
    code = draft.regions.national_code(digits[:6])
    ok = True
    if code is None or code.level != "kecamatan":
        draft.problem("no_kk_region_unknown", spec.key, part=digits[:6])
        ok = False
    for error in numbers.kk_errors(digits, draft.today):
        ok = False
        if error == "date_invalid":
            draft.problem("no_kk_date_invalid", spec.key, part=digits[6:12])
        elif error == "date_future":
            day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
            draft.problem("no_kk_date_future", spec.key, date=long_date(date(2000 + yy, month, day)))
        else:
            draft.problem("no_kk_serial_zero", spec.key)
    if ok:
        draft.fields[spec.key] = digits


# --- names and free text ----------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "`": "'", "\u00b4": "'", "\u02bc": "'"})
NAME_MIN, NAME_MAX = 2, 60


def one_line(text: str) -> str:
    return " ".join(text.split())


def check_name(raw: str, spec: Field, draft: Draft) -> None:
    name = one_line(raw.translate(_APOSTROPHES)).upper()
    if any(ch.isdigit() for ch in name):
        draft.problem("name_has_digits", spec.key, words=spec.words, value=quoted(name))
        return
    bad = sorted({ch for ch in name if not (ch.isalpha() or ch in " '.-")})
    if bad:
        shown = " ".join(ch if ch.isprintable() else f"U+{ord(ch):04X}" for ch in bad[:5])
        draft.problem("name_invalid_characters", spec.key, words=spec.words, chars=shown)
        return
    if len(name) < NAME_MIN or not any(ch.isalpha() for ch in name):
        draft.problem("name_too_short", spec.key, words=spec.words)
        return
    if len(name) > NAME_MAX:
        draft.problem("name_too_long", spec.key, words=spec.words, count=len(name))
        return
    draft.fields[spec.key] = name


JENIS = ("PEMULA", "HILANG", "RUSAK")


def check_jenis(raw: str, spec: Field, draft: Draft) -> None:
    key = re.sub(r"[^A-Z]", "", one_line(raw).upper())
    if key not in JENIS and len(key) <= 20:
        # A small slip ("PEMULAH", "HILAN") is forgiven: the three words are far apart.
        close = [word for word in JENIS if fuzz.ratio(key, word) >= 80]
        key = close[0] if len(close) == 1 else key
    if key in JENIS:
        draft.fields[spec.key] = key
    else:
        draft.problem("jenis_unknown", spec.key, value=quoted(raw))


ALAMAT_MIN, ALAMAT_MAX = 10, 200


def check_alamat(raw: str, spec: Field, draft: Draft) -> None:
    text = one_line(raw)
    if len(text) < ALAMAT_MIN:
        draft.problem("alamat_too_short", spec.key)
    elif len(text) > ALAMAT_MAX:
        draft.problem("alamat_too_long", spec.key, count=len(text))
    else:
        draft.fields[spec.key] = text


KEPERLUAN_MAX = 300


def check_keperluan(raw: str, spec: Field, draft: Draft) -> None:
    text = one_line(raw)
    if len(text) > KEPERLUAN_MAX:
        draft.problem("keperluan_too_long", spec.key, count=len(text))
    else:
        draft.fields[spec.key] = text


_SKPWNI = re.compile(r"[0-9A-Z/.\-]+")


def check_no_skpwni(raw: str, spec: Field, draft: Draft) -> None:
    # Lenient: officers verify the letter itself; spaces people put around '/' are dropped.
    text = re.sub(r"\s+", "", raw).upper()
    if len(text) <= 60 and _SKPWNI.fullmatch(text) and any(ch.isdigit() for ch in text):
        draft.fields[spec.key] = text
    else:
        draft.problem("no_skpwni_invalid", spec.key)


# --- places -----------------------------------------------------------------------------------

# A place name longer than this is not a place name: no matching effort is spent on it.
PLACE_MAX = 60


# "Kec. Tigaraksa", "Desa Pasir Bolang", "Kel. Sukamulya": the kind of place is not its name.
_PLACE_WORD = re.compile(r"^(kecamatan|kec|desa|ds|kelurahan|kel)\b\.?\s*", re.IGNORECASE)


# "PASIR BOLANG RT 02/03", "TIGARAKSA KAB. TANGERANG": what follows is not the name.
_PLACE_TAIL = re.compile(r"[\s,]+(rt|rw|kab|kabupaten|kota|prov|provinsi)\b.*$", re.IGNORECASE)


def place_name(raw: str) -> str:
    text = one_line(raw)
    stripped = _PLACE_TAIL.sub("", _PLACE_WORD.sub("", text, count=1))
    return stripped if stripped else text


def _office_regency_name(regions: RegionIndex) -> str:
    return regions.regency.nama if regions.regency else f"wilayah {regions.regency_code}"


def _regency_name(regions: RegionIndex, kode: str) -> str:
    regency = regions.national.get(kode)
    if regency is None:
        return f"wilayah {kode}"
    province = regions.national.get(regency.kode_induk)
    return f"{regency.nama}, Provinsi {province.nama}" if province else regency.nama


def _or_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " atau " + names[-1]


def _and_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " dan " + names[-1]


def _desa_label(place: Place) -> str:
    return f"{'Kelurahan' if place.level == 'kelurahan' else 'Desa'} {place.nama}"


def _match(text: str, matcher: Callable[[str], Match]) -> Match:
    return matcher(text) if len(text) <= PLACE_MAX else Match()


def check_places(desa_raw: str, kecamatan_raw: str, desa: Field, kecamatan: Field, draft: Draft) -> None:
    """Kecamatan in the office's regency, then the desa within that kecamatan."""
    regions = draft.regions
    regency = _office_regency_name(regions)
    kec_text, desa_text = place_name(kecamatan_raw), place_name(desa_raw)
    kec = _match(kec_text, regions.match_kecamatan) if kec_text else Match()
    if kec.found:
        assert kec.place is not None
        draft.fields[kecamatan.key] = kec.place.nama
        draft.fields["kode_kecamatan"] = kec.place.kode
    elif kec_text:
        _kecamatan_problem(kec_text, kec, desa_text, kecamatan, draft, regency)
    if not desa_text:
        return
    if kec.found:
        assert kec.place is not None
        _desa_in_kecamatan(desa_text, kec.place, desa, draft)
    elif not any(p.code == "kecamatan_outside_office" for p in draft.problems):
        # The kecamatan is not settled; the desa is still checked on its own (it may be
        # the hint that fixes the kecamatan), but a desa found somewhere is no problem here.
        anywhere = _match(desa_text, regions.desa_anywhere)
        if not anywhere.found and not anywhere.candidates:
            draft.problem("desa_unknown", desa.key, value=quoted(desa_text), where=regency)


def _kecamatan_problem(
    text: str, match: Match, desa_text: str, spec: Field, draft: Draft, regency: str
) -> None:
    regions = draft.regions
    if match.ambiguous:
        options = _or_list([p.nama for p in match.candidates])
        draft.problem("kecamatan_ambiguous", spec.key, value=quoted(text), options=options)
        return
    elsewhere = _kecamatan_elsewhere(text, regions)
    if elsewhere:
        draft.problem(
            "kecamatan_outside_office",
            spec.key,
            place=elsewhere[0].nama,
            elsewhere=_and_list(sorted({_regency_name(regions, n.kode_induk) for n in elsewhere})),
            regency=regency,
        )
        return
    hint = ""
    desa_match = _match(desa_text, regions.desa_anywhere) if desa_text else Match()
    swapped = _match(desa_text, regions.match_kecamatan) if desa_text else Match()
    if swapped.found and _match(text, regions.desa_anywhere).found:
        hint = " Sepertinya nama desa dan kecamatan tertukar: tulis DESA dulu, lalu KECAMATAN."
    elif desa_match.found:
        assert desa_match.place is not None
        hint = f" {_desa_label(desa_match.place)} ada di Kecamatan {desa_match.place.nama_kecamatan}."
    draft.problem("kecamatan_unknown", spec.key, value=quoted(text), regency=regency, hint=hint)


def _kecamatan_elsewhere(text: str, regions: RegionIndex) -> list[NationalCode]:
    """Kecamatan of that exact name in other regencies (Ciputat is in Tangerang Selatan)."""
    return _national_kecamatan_by_name(regions).get(normalise_name(text), [])


@lru_cache(maxsize=4)
def _national_kecamatan_by_name(regions: RegionIndex) -> dict[str, list[NationalCode]]:
    by_name: dict[str, list[NationalCode]] = {}
    for code in regions.national.values():
        if code.level == "kecamatan" and not code.kode.startswith(regions.regency_code + "."):
            by_name.setdefault(normalise_name(code.nama), []).append(code)
    return by_name


def _desa_in_kecamatan(text: str, kecamatan: Place, spec: Field, draft: Draft) -> None:
    regions = draft.regions
    inside = _match(text, lambda t: regions.match_desa(t, kecamatan.kode))
    if inside.found and inside.how in ("exact", "alias"):
        _accept_desa(inside.place, spec, draft)
        return
    # Before trusting a near miss inside the kecamatan, look for the exact name elsewhere:
    # "Caringin" typed with kecamatan Tigaraksa is Caringin of Cisoka or Legok, not a
    # Tigaraksa desa that happens to look alike.
    exact_elsewhere = [p for p in regions.desa_named(text) if p.kode_kecamatan != kecamatan.kode]
    if inside.found and not exact_elsewhere:
        _accept_desa(inside.place, spec, draft)
        return
    if inside.ambiguous:
        hint = "".join(f" {_desa_label(p)} ada di Kecamatan {p.nama_kecamatan}." for p in exact_elsewhere)
        options = _or_list([_desa_label(p) for p in inside.candidates])
        draft.problem("desa_ambiguous", spec.key, value=quoted(text), options=options, hint=hint)
        return
    found_elsewhere = exact_elsewhere or [
        p for p in _match(text, regions.desa_anywhere).candidates if p.kode_kecamatan != kecamatan.kode
    ]
    if found_elsewhere:
        by_label: dict[str, list[str]] = {}
        for place in found_elsewhere:
            by_label.setdefault(_desa_label(place), []).append(f"Kecamatan {place.nama_kecamatan}")
        if len(by_label) == 1:
            ((desa_label, kecamatan_names),) = by_label.items()
            where = f"{desa_label} ada di {_and_list(kecamatan_names)}."
        else:
            desa_label = quoted(text)
            where = "Yang mirip: " + ", ".join(f"{d} di {_and_list(k)}" for d, k in by_label.items()) + "."
        hint = f" Atau maksud Anda {_desa_label(inside.place)}?" if inside.place else ""
        draft.problem(
            "desa_not_in_kecamatan",
            spec.key,
            desa=desa_label,
            kecamatan=kecamatan.nama,
            where=where,
            hint=hint,
        )
        return
    draft.problem("desa_unknown", spec.key, value=quoted(text), where=f"Kecamatan {kecamatan.nama}")


def _accept_desa(place: Place | None, spec: Field, draft: Draft) -> None:
    assert place is not None
    draft.fields[spec.key] = place.nama
    draft.fields["kode_desa"] = place.kode


CHECKS: dict[str, Callable[[str, Field, Draft], None]] = {
    "nik": check_nik,
    "no_kk": check_no_kk,
    "name": check_name,
    "jenis": check_jenis,
    "alamat": check_alamat,
    "keperluan": check_keperluan,
    "no_skpwni": check_no_skpwni,
}


# Control characters (but tab and line feed), format characters such as zero-width
# spaces and direction marks, and lone surrogates: nothing a field should keep.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]"
)


def normalise_text(text: str) -> str:
    """NFKC folds full-width '＃' and digits; invisible and control characters go."""
    text = unicodedata.normalize("NFKC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _INVISIBLE.sub("", text)


# --- rules across fields ----------------------------------------------------------------------


def kia_child_under_17(draft: Draft) -> None:
    """A KIA is for a child under 17 on the request date; tell what the card will be."""
    born = draft.birth_date
    if born is None:
        return
    age = numbers.age_on(born, draft.today)
    if age >= 17:
        from loket.domain.intake.services import SERVICES

        ktp = SERVICES["KTP"]
        age_problem = problem(
            "kia_age_17", "nik", date=long_date(born), age=age, ktp_number=ktp.number, ktp_format=ktp.format
        )
        draft.problems.append(replace(age_problem, redirect=ktp.keyword))
        return
    facts = numbers.kia_facts(born, draft.today)
    draft.derived.update(perlu_foto=facts.perlu_foto, kia_berlaku_sampai=facts.berlaku_sampai.isoformat())


def pemula_under_17(draft: Draft) -> None:
    """Married residents may get their first KTP-el younger than 17: the officer checks."""
    born = draft.birth_date
    if born is None or draft.fields.get("jenis") != "PEMULA":
        return
    age = numbers.age_on(born, draft.today)
    if age < 17:
        draft.warn("ktp_pemula_under_17", "nik", age=age, date=long_date(born))
