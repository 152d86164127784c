"""The office's working-day calendar. Pure Python: no Django.

A working day is Monday to Friday (Perpres 21/2023), minus Indonesia's national holidays
and the government's collective leave (cuti bersama) from the `holidays` package, minus
the office's own closures, plus its extra service days (a Saturday service, or a holiday
the office decides to open). A closure wins over an extra day on the same date: sending a
resident to a shut door is worse than a day's delay.

Dates the package marks as estimates (Islamic holidays before the decree) count as closed;
`holiday_data_warnings` tells administrators about them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import holidays

COUNTRY = "ID"
CATEGORIES = ("public", "government")
LANGUAGE = "id"
# The package's name for a collective-leave day starts with this (Indonesian names).
CUTI_BERSAMA = "Cuti Bersama"

# Perpres 21/2023: Mon-Thu 07:30-16:00, Fri 07:30-16:30. Saturday hours only apply on an
# extra service day (a typical half-day Saturday service).
DEFAULT_HOURS: dict[int, tuple[dt.time, dt.time]] = {
    0: (dt.time(7, 30), dt.time(16, 0)),
    1: (dt.time(7, 30), dt.time(16, 0)),
    2: (dt.time(7, 30), dt.time(16, 0)),
    3: (dt.time(7, 30), dt.time(16, 0)),
    4: (dt.time(7, 30), dt.time(16, 30)),
    5: (dt.time(8, 0), dt.time(12, 0)),
    6: (dt.time(8, 0), dt.time(12, 0)),
}

# A search for the next working day gives up after this many calendar days: no office is
# closed for a year, so hitting it means the data is broken.
MAX_SCAN_DAYS = 366

# Dates as residents and officers read them, in Bahasa Indonesia: every date the project
# writes out in words comes from `long_date` or `short_date` (no locale: the server's
# locale is not the office's).
DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTH_NAMES = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
SHORT_DAY_NAMES = ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min")
SHORT_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def long_date(day: dt.date, *, weekday: bool = True) -> str:
    """'Selasa, 15 Desember 2026' (an appointment, an opening); with `weekday=False`
    '15 Desember 2018' (a birth date, as a resident writes it)."""
    text = f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
    return f"{DAY_NAMES[day.weekday()]}, {text}" if weekday else text


_NUMERIC_DATE = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})$")
_WORDED_DATE = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})$")


def parse_date(text: str) -> dt.date | None:
    """A date as a resident types it: '05-03-2021', '5/3/2021', '5.3.2021', '5 Maret 2021',
    '5 mar 2021' (Bahasa month names, full or short, any case). None when it is no date
    (or no real one: '31-02-2021')."""
    words = " ".join(str(text or "").split()).strip().rstrip(".")
    found = _NUMERIC_DATE.match(words)
    if found:
        day, month, year = (int(g) for g in found.groups())
    else:
        found = _WORDED_DATE.match(words)
        if not found:
            return None
        name = found.group(2).lower()
        months = [m.lower() for m in MONTH_NAMES]
        shorts = [m.lower() for m in SHORT_MONTH_NAMES]
        if name in months:
            month = months.index(name) + 1
        elif name in shorts:
            month = shorts.index(name) + 1
        else:
            return None
        day, year = int(found.group(1)), int(found.group(3))
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def short_date(day: dt.date) -> str:
    """'Sel 15 Des': where space is short (a WhatsApp list row title holds 24 characters)."""
    return f"{SHORT_DAY_NAMES[day.weekday()]} {day.day} {SHORT_MONTH_NAMES[day.month - 1]}"


@lru_cache(maxsize=64)
def _year_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(COUNTRY, years=year, categories=CATEGORIES, language=LANGUAGE)


def holidays_in(year: int) -> dict[dt.date, str]:
    """National holidays and cuti bersama of a year, with their Indonesian names."""
    return dict(_year_holidays(year))


def holiday_name(day: dt.date) -> str | None:
    return _year_holidays(day.year).get(day)


def estimated_dates(year: int) -> dict[dt.date, str]:
    """Dates the package only estimates (not yet fixed by the government's decree)."""
    table = _year_holidays(year)
    suffix = table.tr(table.estimated_label).replace("%s", "").strip()
    return {day: name for day, name in table.items() if suffix and suffix in name}


def has_decree_data(year: int) -> bool:
    """Whether the package knows the year's joint decree (SKB): it lists cuti bersama then.

    The holidays of a year are computed for any year, but cuti bersama only appear once
    the package has learned that year's decree; their absence means the data is a guess.
    """
    return any(name.startswith(CUTI_BERSAMA) for name in _year_holidays(year).values())


@dataclass(frozen=True)
class CalendarWarning:
    code: str  # "no-decree" | "estimated"
    year: int
    message: str
    dates: tuple[dt.date, ...] = ()  # the estimated dates, for a warning in another language


def holiday_data_warnings(today: dt.date) -> list[CalendarWarning]:
    """Problems an administrator should know about, for this year and the coming one."""
    warnings = []
    for year in (today.year, today.year + 1):
        if not has_decree_data(year):
            warnings.append(
                CalendarWarning(
                    "no-decree",
                    year,
                    f"Calendar has no national holiday decree data (cuti bersama) for {year}: "
                    "upgrade the 'holidays' package or add the closures by hand.",
                )
            )
        estimates = {d: n for d, n in estimated_dates(year).items() if d >= today}
        if estimates:
            listed = ", ".join(f"{d.isoformat()} ({n})" for d, n in sorted(estimates.items()))
            warnings.append(
                CalendarWarning(
                    "estimated",
                    year,
                    f"Holiday dates for {year} are estimates, counted as closed until confirmed: {listed}. "
                    "Check them against the SKB and add a closure or extra service day if they moved.",
                    tuple(sorted(estimates)),
                )
            )
    return warnings


@dataclass(frozen=True)
class OfficeCalendar:
    """The office's exceptions on top of the national calendar."""

    closures: Collection[dt.date] = frozenset()
    extra_days: Collection[dt.date] = frozenset()
    hours: dict[int, tuple[dt.time, dt.time]] = field(default_factory=lambda: dict(DEFAULT_HOURS))

    def is_working_day(self, day: dt.date) -> bool:
        return is_working_day(day, self.closures, self.extra_days)

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        return add_working_days(day, n, self.closures, self.extra_days)

    def working_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        return working_days(start, end, self.closures, self.extra_days)

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day on or after `day`."""
        return next(iter_working_days(day, self.closures, self.extra_days))

    def opening_hours(self, day: dt.date) -> tuple[dt.time, dt.time] | None:
        if not self.is_working_day(day):
            return None
        return self.hours.get(day.weekday())

    def is_open(self, moment: dt.datetime) -> bool:
        """`moment` in the office's local time (naive, or aware in the office's zone)."""
        hours = self.opening_hours(moment.date())
        return hours is not None and hours[0] <= moment.time().replace(tzinfo=None) < hours[1]

    def next_opening(self, moment: dt.datetime) -> dt.datetime:
        """When the office opens next (`moment` itself if it is open then)."""
        if self.is_open(moment):
            return moment
        day = moment.date()
        for _ in range(MAX_SCAN_DAYS):
            hours = self.opening_hours(day)
            if hours:
                opens = dt.datetime.combine(day, hours[0], tzinfo=moment.tzinfo)
                if opens > moment:
                    return opens
            day += dt.timedelta(days=1)
        raise ValueError("no opening time within a year: check the calendar's closures")

    def working_hours_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Office hours from `start` to `end` (both in the office's local time, naive or aware
        in that zone): the service-time figures. Only working days count, each with its
        weekday's opening hours; the days' figures are memoised per year on this calendar."""
        a, b = start.replace(tzinfo=None), end.replace(tzinfo=None)
        if b <= a:
            return 0.0
        if a.date() == b.date():
            return self._open_seconds(a.date(), a.time(), b.time()) / 3600
        first = self._open_seconds(a.date(), a.time(), None)
        last = self._open_seconds(b.date(), None, b.time())
        return (first + self._full_days_seconds(a.date() + dt.timedelta(days=1), b.date()) + last) / 3600

    def working_days_after(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when `end` is not later)."""
        return len(self.working_days(start + dt.timedelta(days=1), end)) if end > start else 0

    def _year_table(self, year: int) -> tuple[list[tuple[dt.time, dt.time] | None], list[float], int]:
        """Per day of `year`: its opening hours (None when closed), and the office seconds
        open before it (one more entry: the year's total), and the ordinal of 1 January. Kept on this calendar, and per
        process for calendars alike (the database's calendar is read afresh for each
        event): a million cases' figures then cost two look-ups each."""
        memo = self.__dict__.get("_year_memo")
        if memo is None:
            memo = {}
            object.__setattr__(self, "_year_memo", memo)  # frozen: a cache, not state
        table = memo.get(year)
        if table is None:
            key = (frozenset(self.closures), frozenset(self.extra_days), tuple(sorted(self.hours.items())))
            table = memo[year] = _office_year_table(*key, year)
        return table

    def _open_seconds(self, day: dt.date, since: dt.time | None, until: dt.time | None) -> float:
        hours, _, first = self._year_table(day.year)
        opening = hours[day.toordinal() - first]
        if opening is None:
            return 0.0
        opens = opening[0] if since is None else max(opening[0], since)
        closes = opening[1] if until is None else min(opening[1], until)
        return max(_seconds_between(opens, closes), 0.0)

    def _full_days_seconds(self, first: dt.date, stop: dt.date) -> float:
        """Office seconds of the whole days from `first` up to (not including) `stop`."""
        if stop <= first:
            return 0.0
        _, head, head_first = self._year_table(first.year)
        start_index = first.toordinal() - head_first
        if first.year == stop.year:
            return head[stop.toordinal() - head_first] - head[start_index]
        total = head[-1] - head[start_index]
        for year in range(first.year + 1, stop.year):
            total += self._year_table(year)[1][-1]
        _, tail, tail_first = self._year_table(stop.year)
        return total + tail[stop.toordinal() - tail_first]


def is_working_day(
    day: dt.date, closures: Collection[dt.date] = (), extra_days: Collection[dt.date] = ()
) -> bool:
    if day in closures:
        return False
    if day in extra_days:
        return True
    return day.weekday() < 5 and holiday_name(day) is None


def iter_working_days(
    start: dt.date, closures: Collection[dt.date] = (), extra_days: Collection[dt.date] = ()
) -> Iterator[dt.date]:
    """Working days from `start` (included) onwards."""
    day = start
    idle = 0
    while True:
        if is_working_day(day, closures, extra_days):
            idle = 0
            yield day
        else:
            idle += 1
            if idle > MAX_SCAN_DAYS:
                raise ValueError("no working day within a year: check the calendar's closures")
        day += dt.timedelta(days=1)


def add_working_days(
    day: dt.date, n: int, closures: Collection[dt.date] = (), extra_days: Collection[dt.date] = ()
) -> dt.date:
    """The date `n` working days after `day` (`day` itself never counts). n=0 gives `day`."""
    if n < 0:
        raise ValueError("n must be zero or more")
    if n == 0:
        return day
    days = iter_working_days(day + dt.timedelta(days=1), closures, extra_days)
    for _ in range(n - 1):
        next(days)
    return next(days)


def working_days(
    start: dt.date, end: dt.date, closures: Collection[dt.date] = (), extra_days: Collection[dt.date] = ()
) -> list[dt.date]:
    """Working days from `start` to `end`, both included."""
    out = []
    day = start
    while day <= end:
        if is_working_day(day, closures, extra_days):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def _seconds_between(opens: dt.time, closes: dt.time) -> float:
    return (
        (closes.hour - opens.hour) * 3600
        + (closes.minute - opens.minute) * 60
        + (closes.second - opens.second)
        + (closes.microsecond - opens.microsecond) / 1e6
    )


@lru_cache(maxsize=32)
def _office_year_table(
    closures: frozenset[dt.date],
    extra_days: frozenset[dt.date],
    hours: tuple[tuple[int, tuple[dt.time, dt.time]], ...],
    year: int,
) -> tuple[list[tuple[dt.time, dt.time] | None], list[float], int]:
    calendar = OfficeCalendar(closures=closures, extra_days=extra_days, hours=dict(hours))
    day, opening_hours, cumulative = dt.date(year, 1, 1), [], [0.0]
    while day.year == year:
        opening = calendar.opening_hours(day)
        opening_hours.append(opening)
        cumulative.append(cumulative[-1] + (max(_seconds_between(*opening), 0.0) if opening else 0.0))
        day += dt.timedelta(days=1)
    return opening_hours, cumulative, dt.date(year, 1, 1).toordinal()
