"""NIK and KK numbers: what their digits tell, and which digits cannot be right.

Pure domain code. Layout (see docs/intake.md): `PPKKCC DDMMYY SSSS`. In a NIK, DDMMYY is
the birth date with 40 added to the day for women; in a KK number it is the date the
family was registered (no +40). Neither has a check digit, so only the date and the
serial can be checked offline; the region code is checked against the region lists by
the intake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

# Western Indonesia Time has no daylight saving: a fixed offset needs no tz database.
WIB = timezone(timedelta(hours=7), "WIB")

# What people put inside long numbers: spaces (also no-break), dots, dashes of any kind.
_NUMBER_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u2212_]+")


def today_in_jakarta() -> date:
    return datetime.now(WIB).date()


def strip_number(text: str) -> str:
    """'3603.1204.0519.0001' and '3603 1204 0519 0001' become '3603120405190001'."""
    return _NUMBER_SEPARATORS.sub("", text)


def anniversary(born: date, years: int) -> date:
    """The day someone born on `born` becomes `years` older.

    A 29 February birthday falls on 1 March in common years (the person is not a year
    older on 28 February, the day before their birthday would be).
    """
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


def age_on(born: date, today: date) -> int:
    """Whole years on `today` (a birthday on `today` counts)."""
    years = today.year - born.year
    if today < anniversary(born, years):
        years -= 1
    return years


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class NikFacts:
    """What a NIK says, and why it cannot be right (`errors`: date_invalid, date_future, serial_zero)."""

    tanggal_lahir: date | None = None
    jenis_kelamin: str | None = None  # L | P
    errors: tuple[str, ...] = ()


def nik_facts(digits: str, today: date, *, child: bool = False) -> NikFacts:
    """Birth date and sex from a 16-digit NIK.

    Century: a child (KIA) is always born in the 2000s; anyone else gets the most recent
    century that puts the birth date on or before `today`.
    """
    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    sex = "P" if day > 40 else "L"
    if day > 40:
        day -= 40
    serial = ("serial_zero",) if digits[12:] == "0000" else ()
    years = [2000 + yy] if child else [2000 + yy, 1900 + yy]
    candidates = [d for d in (_real_date(y, month, day) for y in years) if d is not None]
    if not candidates:
        return NikFacts(errors=("date_invalid", *serial))
    past = [d for d in candidates if d <= today]
    if not past:
        # The date is kept so the resident can be told which date the NIK says.
        return NikFacts(tanggal_lahir=candidates[0], jenis_kelamin=sex, errors=("date_future", *serial))
    return NikFacts(tanggal_lahir=past[0], jenis_kelamin=sex, errors=serial)


def kk_errors(digits: str, today: date) -> tuple[str, ...]:
    """Why a 16-digit KK number cannot be right: date_invalid, date_future, serial_zero.

    The year is 20YY unless that year is still to come (then 19YY): unlike a birth date,
    a registration date in the current year but after today is a typing mistake.
    """
    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    registered = _real_date(year, month, day)
    errors = []
    if registered is None:
        errors.append("date_invalid")
    elif registered > today:
        errors.append("date_future")
    if digits[12:] == "0000":
        errors.append("serial_zero")
    return tuple(errors)


@dataclass(frozen=True)
class KiaFacts:
    perlu_foto: bool
    berlaku_sampai: date


def kia_facts(born: date, today: date) -> KiaFacts:
    """Photo from the 5th birthday on; valid until the 5th birthday, or the day before the 17th."""
    if today >= anniversary(born, 5):
        return KiaFacts(perlu_foto=True, berlaku_sampai=anniversary(born, 17) - timedelta(days=1))
    return KiaFacts(perlu_foto=False, berlaku_sampai=anniversary(born, 5))
