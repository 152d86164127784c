"""Checks and normalisation of each kind of field: numbers, names, free text."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from loket.domain import nik as numbers
from loket.domain.calendar import long_date
from loket.domain.intake.draft import (
    Draft,
    dotted,
    office_regency_name,
    one_line,
    quoted,
    regency_name,
)

if TYPE_CHECKING:
    from loket.domain.intake.services import Field


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
            draft.problem(
                "nik_birth_date_future",
                spec.key,
                date=long_date(facts.tanggal_lahir, weekday=False),
                hint=hint,
            )
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
        elsewhere=regency_name(regions, code.kode_induk),
        regency=office_regency_name(regions),
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
            draft.problem(
                "no_kk_date_future", spec.key, date=long_date(date(2000 + yy, month, day), weekday=False)
            )
        else:
            draft.problem("no_kk_serial_zero", spec.key)
    if ok:
        draft.fields[spec.key] = digits


# --- names and free text ----------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "`": "'", "\u00b4": "'", "\u02bc": "'"})
NAME_MIN, NAME_MAX = 2, 60


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
        # A small slip ("PEMULAH", "HILAN") or a word after it ("HILANG KTP") is forgiven:
        # the three words are far apart.
        close = [word for word in JENIS if key.startswith(word) or fuzz.ratio(key, word) >= 85]
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


CHECKS: dict[str, Callable[[str, Field, Draft], None]] = {
    "nik": check_nik,
    "no_kk": check_no_kk,
    "name": check_name,
    "jenis": check_jenis,
    "alamat": check_alamat,
    "keperluan": check_keperluan,
    "no_skpwni": check_no_skpwni,
}
