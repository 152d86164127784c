"""Working time for the service figures: office hours on working days (Indonesian public
holidays from the `holidays` package). Kept small on purpose; the scheduling app owns
the office's full calendar (collective leave, closures)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.utils import timezone

from loket.domain import coverage as domain


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("ID", years=year).keys())


def is_holiday(day: dt.date) -> bool:
    return day in _holidays_of(day.year)


@lru_cache(maxsize=200_000)
def working_days_between(start: dt.date, end: dt.date) -> int:
    return domain.working_days_between(start, end, is_holiday)


def working_hours(start: dt.datetime, end: dt.datetime) -> float:
    """Office hours between two aware datetimes, in the office's time zone."""
    a = timezone.localtime(start).replace(tzinfo=None)
    b = timezone.localtime(end).replace(tzinfo=None)
    if b <= a:
        return 0.0
    if (b.date() - a.date()).days <= 1:
        return domain.working_hours_between(a, b, is_holiday)
    # Whole working days in between count a full office day each (memoised by date pair).
    first = domain.working_hours_between(a, dt.datetime.combine(a.date(), dt.time.max), is_holiday)
    last = domain.working_hours_between(dt.datetime.combine(b.date(), dt.time.min), b, is_holiday)
    middle = working_days_between(a.date(), b.date() - dt.timedelta(days=1))
    hours_per_day = (
        dt.datetime.combine(a.date(), domain.OFFICE_CLOSE) - dt.datetime.combine(a.date(), domain.OFFICE_OPEN)
    ).total_seconds() / 3600
    return first + middle * hours_per_day + last
