"""The working-day calendar around the 2026-2027 holidays and cuti bersama."""

import datetime as dt

import pytest

from loket.domain.calendar import (
    OfficeCalendar,
    add_working_days,
    estimated_dates,
    has_decree_data,
    holiday_data_warnings,
    holidays_in,
    is_working_day,
    working_days,
)

D = dt.date


def test_2026_has_seventeen_holidays_and_eight_days_of_cuti_bersama():
    names = holidays_in(2026)
    cuti = [d for d, n in names.items() if n.startswith("Cuti Bersama")]
    assert len(names) - len(cuti) == 17
    assert sorted(cuti) == [
        D(2026, 2, 16), D(2026, 3, 18), D(2026, 3, 20), D(2026, 3, 23),
        D(2026, 3, 24), D(2026, 5, 15), D(2026, 5, 28), D(2026, 12, 24),
    ]  # fmt: skip
    assert names[D(2026, 8, 17)] == "Hari Kemerdekaan Republik Indonesia"


@pytest.mark.parametrize(
    "day",
    [
        D(2026, 12, 24),
        D(2026, 12, 25),
        D(2026, 3, 20),
        D(2026, 3, 23),
        D(2027, 1, 1),
        D(2027, 2, 5),
        D(2027, 3, 9),
    ],
)
def test_holidays_and_cuti_bersama_are_not_working_days(day):
    assert not is_working_day(day)


def test_estimated_dates_count_as_closed_and_are_reported():
    estimates = estimated_dates(2027)
    assert D(2027, 3, 10) in estimates and D(2027, 5, 17) in estimates
    assert not is_working_day(D(2027, 3, 10))
    assert D(2026, 3, 21) not in estimated_dates(2026)


def test_the_given_date_never_counts():
    # Wednesday 23 Dec 2026: Thu 24 (cuti bersama), Fri 25 (Natal), weekend -> Mon 28.
    assert add_working_days(D(2026, 12, 23), 1) == D(2026, 12, 28)
    # A Saturday start: the Monday after is the first working day.
    assert add_working_days(D(2026, 11, 28), 1) == D(2026, 11, 30)
    assert add_working_days(D(2026, 11, 30), 1) == D(2026, 12, 1)


def test_lebaran_2026_is_skipped():
    # Tue 17 Mar; 18 cuti, 19 Nyepi, 20 cuti, 21-22 Idul Fitri, 23-24 cuti.
    assert add_working_days(D(2026, 3, 17), 1) == D(2026, 3, 25)
    assert working_days(D(2026, 3, 16), D(2026, 3, 27)) == [
        D(2026, 3, 16), D(2026, 3, 17), D(2026, 3, 25), D(2026, 3, 26), D(2026, 3, 27),
    ]  # fmt: skip


def test_fourteen_working_days_across_the_new_year():
    # From Mon 14 Dec 2026: skips 24-25 Dec, 1 Jan and 5 Jan 2027 (Isra Mikraj).
    assert add_working_days(D(2026, 12, 14), 14) == D(2027, 1, 7)


def test_closures_and_extra_days():
    office = OfficeCalendar(closures={D(2026, 12, 1)}, extra_days={D(2026, 12, 5), D(2026, 12, 24)})
    assert office.add_working_days(D(2026, 11, 30), 1) == D(2026, 12, 2)
    assert office.working_days(D(2026, 12, 4), D(2026, 12, 7)) == [
        D(2026, 12, 4),
        D(2026, 12, 5),
        D(2026, 12, 7),
    ]
    assert office.is_working_day(D(2026, 12, 24))  # the office opens on a cuti bersama day
    both = OfficeCalendar(closures={D(2026, 12, 5)}, extra_days={D(2026, 12, 5)})
    assert not both.is_working_day(D(2026, 12, 5))


def test_office_hours_follow_perpres_21_2023():
    office = OfficeCalendar()
    assert office.is_open(dt.datetime(2026, 12, 3, 15, 59))  # Thursday
    assert not office.is_open(dt.datetime(2026, 12, 3, 16, 0))
    assert office.is_open(dt.datetime(2026, 12, 4, 16, 15))  # Friday until 16:30
    assert not office.is_open(dt.datetime(2026, 12, 5, 9, 0))  # Saturday
    # Wednesday 23 Dec evening -> Monday 28 Dec 07:30.
    assert office.next_opening(dt.datetime(2026, 12, 23, 18, 0)) == dt.datetime(2026, 12, 28, 7, 30)
    assert office.next_opening(dt.datetime(2026, 12, 28, 6, 0)) == dt.datetime(2026, 12, 28, 7, 30)


def test_a_saturday_service_day_opens_with_saturday_hours():
    office = OfficeCalendar(extra_days={D(2026, 12, 5)})
    assert office.is_open(dt.datetime(2026, 12, 5, 9, 0))
    assert not office.is_open(dt.datetime(2026, 12, 5, 13, 0))


def test_warnings_name_missing_decree_years_and_estimates():
    assert has_decree_data(2026) and has_decree_data(2027)
    assert not has_decree_data(2028)
    in_2027 = holiday_data_warnings(D(2027, 1, 4))
    assert [(w.code, w.year) for w in in_2027] == [
        ("estimated", 2027),
        ("no-decree", 2028),
        ("estimated", 2028),
    ]
    assert "2027-03-10" in in_2027[0].message and "2027-05-17" in in_2027[0].message
    # After Idul Adha 2027 the past estimates no longer matter.
    assert [w.code for w in holiday_data_warnings(D(2027, 6, 1)) if w.year == 2027] == []
    assert [w.code for w in holiday_data_warnings(D(2026, 6, 1))] == ["estimated"]


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 12, 1), -1)
