"""What a NIK itself says (birth date and sex) and plain explanations of warnings."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


@dataclass
class NikFacts:
    birth_date: dt.date | None
    sex: str  # "Laki-laki" | "Perempuan"
    note: str = ""


def nik_facts(nik: str, service: str = "", today: dt.date | None = None) -> NikFacts | None:
    """Birth date and sex encoded in a NIK (day + 40 for women); None if it is not 16 digits."""
    digits = re.sub(r"\D", "", nik or "")
    if len(digits) != 16:
        return None
    today = today or dt.date.today()
    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    sex = "Perempuan" if day > 40 else "Laki-laki"
    day = day - 40 if day > 40 else day
    # The century is not encoded: a child (KIA) is born in 20YY; otherwise the latest
    # century that is not in the future.
    year = 2000 + yy if service == "KIA" or 2000 + yy <= today.year else 1900 + yy
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return NikFacts(None, sex, "Tanggal lahir dalam NIK tidak valid.")
    note = "" if service == "KIA" else "Abad tahun lahir ditebak; cocokkan dengan KK."
    return NikFacts(born, sex, note)


def explain_warning(warning) -> tuple[str, str]:
    """(title, explanation) of a warning stored on a case: intake stores {code, field, message}."""
    if isinstance(warning, dict):
        code = str(warning.get("code") or "peringatan")
        field = str(warning.get("field") or "")
        text = str(warning.get("message") or warning.get("text") or code)
        return (f"{field}: {code}" if field else code), text
    return "peringatan", str(warning)
