"""When an officer will look at a new request: the office's working hours.

A simple default (Mon-Thu 07:30-16:00, Fri 07:30-16:30 WIB, no holidays) kept in this one
module on purpose: the scheduling capability replaces `next_officer_time` with the real
working-day calendar.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")
OPENS = dt.time(7, 30)
CLOSES = {0: dt.time(16, 0), 1: dt.time(16, 0), 2: dt.time(16, 0), 3: dt.time(16, 0), 4: dt.time(16, 30)}
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
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


def next_officer_time(now: dt.datetime) -> dt.datetime:
    """`now` if the office is open, else the next opening time (WIB)."""
    local = now.astimezone(WIB)
    for offset in range(8):
        day = local.date() + dt.timedelta(days=offset)
        closes = CLOSES.get(day.weekday())
        if closes is None:
            continue
        opens_at = dt.datetime.combine(day, OPENS, tzinfo=WIB)
        closes_at = dt.datetime.combine(day, closes, tzinfo=WIB)
        if local < opens_at:
            return opens_at
        if local < closes_at:
            return local
    raise AssertionError("a week always has a working day")


def officer_time_text(now: dt.datetime) -> str:
    """'hari ini, pada jam kerja' or 'Senin, 30 November 2026 mulai pukul 07.30 WIB'."""
    when = next_officer_time(now)
    local = now.astimezone(WIB)
    if when == local:
        return "hari ini, pada jam kerja"
    if when.date() == local.date():
        return f"hari ini mulai pukul {when:%H.%M} WIB"
    return f"{DAYS[when.weekday()]}, {when.day} {MONTHS[when.month - 1]} {when.year} mulai pukul {when:%H.%M} WIB"
