"""Give a case the earliest session with room, never more bookings than capacity.

Each session (and each whole day) is a `Slot` row; taking a place is one conditional
UPDATE `booked = booked + 1 WHERE booked < capacity`. PostgreSQL re-checks the condition
after waiting for a concurrent writer's commit, and SQLite's IMMEDIATE transactions run
one writer at a time, so two approvals can never take the last place twice. The check
constraint on the table would refuse it anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from loket.domain.calendar import OfficeCalendar, iter_working_days
from loket.scheduling.models import Part, ServiceSchedule, Slot

PARTS = (Part.PAGI, Part.SIANG)


class NoRoom(Exception):
    """No session with room within the booking horizon. `str()` is fit for an officer."""


@dataclass(frozen=True)
class Session:
    day: dt.date
    part: str


class _Full(Exception):
    pass


def _slot(schedule: ServiceSchedule, purpose: str, day: dt.date, part: str) -> Slot:
    try:
        return Slot.objects.get(schedule=schedule, purpose=purpose, day=day, part=part)
    except Slot.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            return Slot.objects.create(
                schedule=schedule, purpose=purpose, day=day, part=part, capacity=schedule.capacity_of(part)
            )
    except IntegrityError:  # created meanwhile by a concurrent approval
        return Slot.objects.get(schedule=schedule, purpose=purpose, day=day, part=part)


def _take(slot_id: int) -> bool:
    return bool(Slot.objects.filter(pk=slot_id, booked__lt=F("capacity")).update(booked=F("booked") + 1))


def _full_slots(schedule, purpose, start: dt.date) -> set[tuple[dt.date, str]]:
    """Sessions already full (a hint to skip them quickly; the update decides)."""
    return {
        (day, part)
        for day, part in Slot.objects.filter(
            schedule=schedule, purpose=purpose, day__gte=start, booked__gte=F("capacity")
        ).values_list("day", "part")
    }


def candidate_sessions(
    schedule: ServiceSchedule, purpose: str, earliest: dt.date, calendar: OfficeCalendar
) -> Iterator[Session]:
    """Sessions on working days from `earliest`, within the horizon, not known to be full."""
    full = _full_slots(schedule, purpose, earliest)
    days = iter_working_days(earliest, calendar.closures, calendar.extra_days)
    for _ in range(settings.LOKET_BOOKING_HORIZON_DAYS):
        day = next(days)
        if (day, "") in full:
            continue
        for part in PARTS:
            if (day, part) not in full and schedule.capacity_of(part) > 0:
                yield Session(day, part)


def allocate(schedule: ServiceSchedule, purpose: str, earliest: dt.date, calendar: OfficeCalendar) -> Session:
    """Take a place in the earliest session on or after `earliest` with room.

    Run inside the caller's transaction: if it rolls back, the place is given back.
    """
    for session in candidate_sessions(schedule, purpose, earliest, calendar):
        if try_take(schedule, purpose, session):
            return session
    raise NoRoom(
        f"Tidak ada sesi {schedule.label} yang masih kosong dalam "
        f"{settings.LOKET_BOOKING_HORIZON_DAYS} hari kerja sejak {earliest:%d-%m-%Y}. "
        "Tambah kapasitas atau hari layanan."
    )


def try_take(schedule: ServiceSchedule, purpose: str, session: Session) -> bool:
    """Take one place in this session if both the session and its day have room."""
    session_slot = _slot(schedule, purpose, session.day, session.part)
    day_slot = _slot(schedule, purpose, session.day, "")
    try:
        with transaction.atomic():
            # Always session first, then day: the same lock order in every transaction.
            if not _take(session_slot.pk) or not _take(day_slot.pk):
                raise _Full
    except _Full:
        return False
    return True


def release(schedule: ServiceSchedule, purpose: str, day: dt.date, part: str) -> None:
    """Give a place back (rescheduled or cancelled booking)."""
    Slot.objects.filter(
        schedule=schedule, purpose=purpose, day=day, part__in=[part, ""], booked__gt=0
    ).update(booked=F("booked") - 1)


def available_sessions(
    schedule: ServiceSchedule, purpose: str, earliest: dt.date, calendar: OfficeCalendar, limit: int
) -> list[Session]:
    """The next sessions that still have room (for a resident to choose from)."""
    slots = {
        (s.day, s.part): s for s in Slot.objects.filter(schedule=schedule, purpose=purpose, day__gte=earliest)
    }
    out = []
    for session in candidate_sessions(schedule, purpose, earliest, calendar):
        day_slot = slots.get((session.day, ""))
        part_slot = slots.get((session.day, session.part))
        if day_slot and day_slot.booked >= day_slot.capacity:
            continue
        if part_slot and part_slot.booked >= part_slot.capacity:
            continue
        out.append(session)
        if len(out) >= limit:
            break
    return out
