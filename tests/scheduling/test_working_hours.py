"""Working hours on the office calendar: what the service-time figures count."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from loket.domain.calendar import OfficeCalendar

D, T = dt.date, dt.datetime


def test_cuti_bersama_and_christmas_are_not_working_hours():
    # Wed 23 Dec 2026 10:00-16:00, Thu 24 (cuti bersama), Fri 25 (Natal), weekend, Mon 07:30-09:00.
    assert OfficeCalendar().working_hours_between(T(2026, 12, 23, 10), T(2026, 12, 28, 9)) == 6 + 1.5


def test_an_office_closure_is_not_working_hours():
    start, end = T(2026, 11, 2, 9), T(2026, 11, 4, 9)  # Monday 09:00 to Wednesday 09:00
    assert OfficeCalendar().working_hours_between(start, end) == 7 + 8.5 + 1.5
    closed_tuesday = OfficeCalendar(closures=frozenset({D(2026, 11, 3)}))
    assert closed_tuesday.working_hours_between(start, end) == 7 + 1.5


def test_each_weekday_counts_its_own_hours_and_an_extra_saturday_counts_too():
    calendar = OfficeCalendar(extra_days=frozenset({D(2026, 11, 7)}))
    # Friday 6 Nov 2026 closes at 16:30; Saturday 7 is an extra service day (08:00-12:00).
    assert calendar.working_hours_between(T(2026, 11, 6, 16), T(2026, 11, 9, 7)) == 0.5 + 4
    longer_monday = OfficeCalendar(hours={**calendar.hours, 0: (dt.time(7), dt.time(17))})
    assert longer_monday.working_hours_between(T(2026, 11, 9, 6), T(2026, 11, 9, 18)) == 10


def test_outside_office_hours_and_backwards_ranges_count_nothing():
    calendar = OfficeCalendar()
    assert calendar.working_hours_between(T(2026, 11, 2, 17), T(2026, 11, 3, 7)) == 0
    assert calendar.working_hours_between(T(2026, 11, 3, 9), T(2026, 11, 2, 9)) == 0
    assert calendar.working_hours_between(T(2026, 11, 28, 9), T(2026, 11, 29, 11)) == 0  # weekend


def _walked(calendar: OfficeCalendar, start: T, end: T) -> float:
    """The plain definition, day by day, to check the memoised sums against."""
    total, day = 0.0, start.date()
    while day <= end.date():
        hours = calendar.opening_hours(day)
        if hours:
            opens = max(T.combine(day, hours[0]), start)
            closes = min(T.combine(day, hours[1]), end)
            total += max((closes - opens).total_seconds(), 0) / 3600
        day += dt.timedelta(days=1)
    return total


CALENDAR = OfficeCalendar(closures=frozenset({D(2026, 11, 3), D(2027, 1, 4)}), extra_days={D(2026, 12, 26)})


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(min_value=T(2025, 12, 1), max_value=T(2027, 12, 31)),
    length=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=500)),
)
def test_the_memoised_sum_matches_walking_the_days(start, length):
    end = start + length
    assert abs(CALENDAR.working_hours_between(start, end) - _walked(CALENDAR, start, end)) < 1e-6


def test_working_days_after_a_date():
    # After Wed 23 Dec 2026 up to Thu 31 Dec: Mon 28, Tue 29, Wed 30, Thu 31.
    assert OfficeCalendar().working_days_after(D(2026, 12, 23), D(2026, 12, 31)) == 4
    assert OfficeCalendar().working_days_after(D(2026, 12, 31), D(2026, 12, 31)) == 0
