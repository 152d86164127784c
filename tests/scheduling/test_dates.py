"""Dates in Bahasa Indonesia come from one helper in the domain calendar."""

import datetime as dt
import re
from pathlib import Path

import pytest

from loket.domain.calendar import DAY_NAMES, MONTH_NAMES, long_date, short_date
from loket.domain.intake import parse

D = dt.date
SRC = Path(__file__).resolve().parents[2] / "src" / "loket"


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (D(2026, 12, 15), "Selasa, 15 Desember 2026"),
        (D(2027, 1, 1), "Jumat, 1 Januari 2027"),
        (D(2026, 8, 17), "Senin, 17 Agustus 2026"),
        (D(2028, 2, 29), "Selasa, 29 Februari 2028"),
        (D(2026, 5, 31), "Minggu, 31 Mei 2026"),
    ],
)
def test_long_date_reads_as_an_appointment(day, text):
    assert long_date(day) == text


def test_without_the_weekday_a_date_reads_as_a_resident_writes_a_birth_date():
    assert long_date(D(2018, 12, 15), weekday=False) == "15 Desember 2018"
    assert long_date(D(2019, 3, 1), weekday=False) == "1 Maret 2019"


def test_every_month_and_weekday_has_its_indonesian_name():
    # A year from Monday 2 January 2023 walks every weekday and every month in order.
    seen_days = {long_date(D(2023, 1, 2) + dt.timedelta(days=i)).split(",")[0] for i in range(7)}
    assert seen_days == set(DAY_NAMES)
    months = [long_date(D(2023, m, 1), weekday=False).split()[1] for m in range(1, 13)]
    assert months == list(MONTH_NAMES)
    assert months[7] == "Agustus" and months[10] == "November"


def test_short_date_fits_a_list_row_title():
    assert short_date(D(2026, 12, 22)) == "Sel 22 Des"
    assert short_date(D(2027, 8, 1)) == "Min 1 Agu"
    longest = max((short_date(D(2027, 1, 1) + dt.timedelta(days=i)) for i in range(366)), key=len)
    assert len(longest + " siang") <= 24


def test_the_intake_explains_a_future_birth_date_with_the_same_month_names():
    # NIK 3603035512300003: born 15 December 2030 (day 55 = 15 for a girl), after `today`.
    result = parse(
        "#KIA#3603035512300003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA", D(2026, 12, 1)
    )
    messages = " ".join(p.message for p in result.problems)
    assert "15 Desember 2030" in messages and "Senin" not in messages


def test_no_other_module_spells_out_the_month_names():
    """One source: a second table of month names anywhere under src/loket fails here."""
    pattern = re.compile(r"\"(Januari|Februari|Agustus|Oktober|Desember)\"")
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts
        and path != SRC / "domain" / "calendar.py"
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
