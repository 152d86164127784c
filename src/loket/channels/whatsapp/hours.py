"""When an officer will look at a request: its office's calendar, and that office's queue and pace.

The calendar is scheduling's (`office_calendar(office)`: national holidays, cuti bersama, the
office's own closures and extra days, the hours per weekday), so the channel never tells a
resident the office opens on a day the scheduling side knows it is shut, nor reads another
office's day off, queue or pace as theirs.

Outside office hours the reply also estimates the resident's turn: the cases ahead in that
service's queue divided by the officers' recent pace (cases decided per working hour over
the last few working days), laid over the coming working hours. It is a rough guide, said
as one ("sekitar"), and left out when there is no recent pace to go on.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from zoneinfo import ZoneInfo

from django.db.models.signals import post_delete, post_save

from loket.cases.models import Case, CaseEvent, State
from loket.core.rows import read_column
from loket.domain.calendar import OfficeCalendar, long_date
from loket.scheduling.models import ExtraServiceDay, OfficeClosure, OfficeHours
from loket.scheduling.office import office_calendar

WIB = ZoneInfo("Asia/Jakarta")
# Every reply reads the calendar: three queries saved per reply. An administrator's change
# is seen at once in this process (signals below) and within this many seconds in others.
CACHE_SECONDS = 30.0
# The pace is measured over this many working days (today's hours so far included).
PACE_WORKING_DAYS = 5
# An estimate further out than this many working days says only "more than".
HORIZON_WORKING_DAYS = 20

# Per office (None: every office's closures together, the installation's view).
_cache: dict[int | None, tuple[float, OfficeCalendar]] = {}
_paces: dict[tuple[int | None, str], tuple[float, float | None]] = {}  # (office, service) -> (expires, pace)


def calendar(office_id: int | None = None) -> OfficeCalendar:
    """The calendar of an office (its closures and extra days; the hours are shared)."""
    cached = _cache.get(office_id)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    fresh = office_calendar(office_id)
    _cache[office_id] = (time.monotonic() + CACHE_SECONDS, fresh)
    return fresh


def forget_calendar(*args, **kwargs) -> None:
    _cache.clear()
    _paces.clear()


def recent_pace(
    service: str, now: dt.datetime, cal: OfficeCalendar, office_id: int | None = None
) -> float | None:
    """`pace`, read at most every CACHE_SECONDS per process: a night of requests shares one count."""
    cached = _paces.get((office_id, service))
    if cached and cached[0] > time.monotonic():
        return cached[1]
    value = pace(service, now, cal, office_id)
    _paces[(office_id, service)] = (time.monotonic() + CACHE_SECONDS, value)
    return value


def _watch_calendar_edits() -> None:
    for model in (OfficeClosure, ExtraServiceDay, OfficeHours):
        post_save.connect(forget_calendar, sender=model, dispatch_uid=f"hours-cache-{model.__name__}")
        post_delete.connect(forget_calendar, sender=model, dispatch_uid=f"hours-cache-del-{model.__name__}")


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(WIB)


def next_officer_time(now: dt.datetime, office_id: int | None = None) -> dt.datetime:
    """`now` (in WIB) if the office is open, else its next opening time (WIB)."""
    return calendar(office_id).next_opening(local(now))


def is_open(now: dt.datetime, office_id: int | None = None) -> bool:
    return calendar(office_id).is_open(local(now))


def officer_time_text(now: dt.datetime, office_id: int | None = None) -> str:
    """'hari ini, pada jam kerja' or 'Senin, 30 November 2026 mulai pukul 07.30 WIB'."""
    when = next_officer_time(now, office_id)
    here = local(now)
    if when == here:
        return "hari ini, pada jam kerja"
    if when.date() == here.date():
        return f"hari ini mulai pukul {when:%H.%M} WIB"
    return f"{long_date(when.date())} mulai pukul {when:%H.%M} WIB"


# --- the resident's turn ------------------------------------------------------------------------


def _working_hours(cal: OfficeCalendar, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
    hours = cal.opening_hours(day)
    if not hours:
        return None
    return dt.datetime.combine(day, hours[0], tzinfo=WIB), dt.datetime.combine(day, hours[1], tzinfo=WIB)


def pace(
    service: str, now: dt.datetime, cal: OfficeCalendar | None = None, office_id: int | None = None
) -> float | None:
    """Cases of `service` (of one office, or of all) decided per working hour over the last
    working days; None if unknown."""
    cal = cal or calendar(office_id)
    here = local(now)
    day, days, hours = here.date(), 0, 0.0
    start = None
    for _ in range(60):
        span = _working_hours(cal, day)
        if span:
            opens, closes = span
            worked = (min(closes, here) - opens).total_seconds() / 3600
            if worked > 0:
                hours += worked
                start = opens
                days += 1
                if days >= PACE_WORKING_DAYS:
                    break
        day -= dt.timedelta(days=1)
    if start is None or hours < 0.5:
        return None
    decisions = CaseEvent.objects.filter(
        case__service=service,
        to_state__in=[State.APPROVED, State.REJECTED, State.NEEDS_CORRECTION],
        at__gte=start,
        at__lte=now,
    )
    if office_id is not None:
        decisions = decisions.filter(case__office_id=office_id)
    decided = decisions.count()
    return decided / hours if decided else None


def cases_ahead(case) -> int:
    """Complete requests of the same service and office already waiting for (or with) an officer."""
    # Once per request answered: written out (core/rows.py).
    params = [case.office_id, case.service, State.QUEUED.value, State.IN_REVIEW.value, case.pk]
    return read_column(_AHEAD, params)[0]


_AHEAD = (
    f"SELECT COUNT(*) FROM {Case._meta.db_table} "  # noqa: S608 - our table
    "WHERE office_id = %s AND service = %s AND state IN (%s, %s) AND id <> %s"
)


def estimated_turn(ahead: int, rate: float, opening: dt.datetime, cal: OfficeCalendar) -> dt.datetime | None:
    """When `ahead` cases plus this one are done at `rate` per working hour, from `opening`."""
    left = (ahead + 1) / rate  # hours of officer time before this case is decided
    day = opening.date()
    for _ in range(HORIZON_WORKING_DAYS * 3):
        span = _working_hours(cal, day)
        if span:
            begin, end = max(span[0], opening), span[1]
            available = (end - begin).total_seconds() / 3600
            if available > 0:
                if left <= available:
                    return begin + dt.timedelta(hours=left)
                left -= available
        day += dt.timedelta(days=1)
    return None


def _round_up_half_hour(moment: dt.datetime) -> dt.datetime:
    minutes = math.ceil((moment.hour * 60 + moment.minute + moment.second / 60) / 30) * 30
    return moment.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(minutes=minutes)


def turn_text(case, now: dt.datetime) -> str:
    """The line a resident reads about when an officer looks at `case`.

    Open office: 'Petugas akan memeriksa hari ini, pada jam kerja.'. Closed: when it opens
    and, from the recent pace, roughly when this request's turn comes.
    """
    cal = calendar(case.office_id)  # the case's office: its closures, its queue, its pace
    here = local(now)
    if cal.is_open(here):
        return "Petugas akan memeriksa hari ini, pada jam kerja."
    opening = cal.next_opening(here)
    when = (
        f"hari ini pukul {opening:%H.%M} WIB"
        if opening.date() == here.date()
        else f"{long_date(opening.date())} pukul {opening:%H.%M} WIB"
    )
    lines = [f"Kantor sedang tutup. Kantor buka lagi {when}."]
    rate = recent_pace(case.service, now, cal, case.office_id)
    ahead = cases_ahead(case)
    turn = estimated_turn(ahead, rate, opening, cal) if rate else None
    before = f"Ada {ahead} permohonan {case.service} lain sebelum Anda. " if ahead else ""
    if turn is None:
        lines.append(before + "Petugas akan memeriksa permohonan Anda sesudah kantor buka.")
        return " ".join(lines)
    turn = _round_up_half_hour(turn)
    if turn.date() == opening.date():
        guess = f"sekitar pukul {turn:%H.%M} WIB hari itu"
    else:
        guess = f"sekitar {long_date(turn.date())}"
    lines.append(f"{before}Perkiraan giliran Anda diperiksa: {guess}. Ini hanya perkiraan.")
    return " ".join(lines)
