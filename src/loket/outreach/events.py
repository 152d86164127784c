"""The dates a child's reminders are about (pure: no Django, no settings).

- `kia_5`: the KIA without a photo, issued below age 5, is valid until the day the child
  turns 5 (`domain.nik.kia_facts(...).berlaku_sampai`); from then on the KIA needs a photo.
- `ktp_17`: on the 17th birthday the same NIK continues on the KTP-el, after in-person
  biometric recording.

Source: Permendagri 2/2016 on the KIA, and UU 24/2013 Pasal 63 on the KTP-el (the facts and
their sources are written down in docs/outreach.md, "Reminders about children"). A 29 February birthday falls on 1 March in common years (`domain.nik.anniversary`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from loket.domain.nik import anniversary, kia_facts

KIA_5 = "kia_5"
KTP_17 = "ktp_17"
EVENTS = (KIA_5, KTP_17)


@dataclass(frozen=True)
class Due:
    event: str
    on: dt.date  # the day the event happens (the birthday)


def event_day(born: dt.date, event: str) -> dt.date:
    if event == KIA_5:
        # The KIA without a photo ends the day the child turns 5.
        return kia_facts(born, born).berlaku_sampai
    if event == KTP_17:
        return anniversary(born, 17)
    raise ValueError(f"unknown event {event!r}")


def due_events(born: dt.date, today: dt.date, *, lead_days: int, grace_days: int) -> list[Due]:
    """The events whose reminder window holds `today`: from `lead_days` before the day to
    `grace_days` after it (a run missed for a while, or an opt-in a little late, still tells)."""
    found = []
    for event in EVENTS:
        day = event_day(born, event)
        if day - dt.timedelta(days=lead_days) <= today <= day + dt.timedelta(days=grace_days):
            found.append(Due(event, day))
    return found


def birth_window(today: dt.date, event: str, *, lead_days: int, grace_days: int) -> tuple[dt.date, dt.date]:
    """Birth dates (inclusive) that can have `event` due today: a coarse filter for the query,
    one day wider each side for 29 February; `due_events` decides exactly."""
    years = 5 if event == KIA_5 else 17
    earliest_day = today - dt.timedelta(days=grace_days)  # the event day may be this early
    latest_day = today + dt.timedelta(days=lead_days)  # ... or this late
    return (
        _years_before(earliest_day, years) - dt.timedelta(days=1),
        _years_before(latest_day, years) + dt.timedelta(days=1),
    )


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return dt.date(day.year - years, 2, 28)


def last_event_day(born: dt.date) -> dt.date:
    return max(event_day(born, event) for event in EVENTS)
