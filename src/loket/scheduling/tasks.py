"""Reminders before the date and after a missed one, run by `loket worker`.

Both jobs are periodic and idempotent: a booking is marked with a conditional update
before its message is enqueued, in one transaction, so two workers never send it twice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from loket.cases.models import OPEN_STATES
from loket.domain.calendar import long_date
from loket.jobs.queue import handler, periodic
from loket.messaging import port
from loket.scheduling.models import Booking, Purpose
from loket.scheduling.office import office_calendar, session_label

REMINDER_TEMPLATES = {Purpose.PICKUP: "pengingat_pengambilan", Purpose.APPOINTMENT: "pengingat_perekaman"}
NO_SHOW_TEMPLATE = "pengingat_belum_diambil"

periodic("scheduling.send_reminders", 15 * 60)
periodic("scheduling.check_no_shows", 60 * 60)


def _open(qs):
    return qs.filter(status=Booking.Status.ACTIVE, case__state__in=sorted(OPEN_STATES)).select_related(
        "case__resident"
    )


def _claim(booking: Booking, field: str, now: dt.datetime) -> bool:
    return bool(Booking.objects.filter(pk=booking.pk, **{f"{field}__isnull": True}).update(**{field: now}))


@handler("scheduling.send_reminders")
def send_reminders(payload: dict) -> int:
    """On the working day before the date, from the reminder hour: one template message."""
    now = timezone.localtime()
    if now.hour < settings.LOKET_REMINDER_HOUR:
        return 0
    calendar = office_calendar()
    today = now.date()
    if not calendar.is_working_day(today):
        return 0
    tomorrow = calendar.add_working_days(today, 1)
    sent = 0
    for booking in _open(Booking.objects.filter(day__gt=today, day__lte=tomorrow, reminded_at__isnull=True)):
        when = f"{long_date(booking.day)}, {session_label(booking.day, booking.part, calendar).lower()}"
        what = "perekaman KTP-el" if booking.purpose == Purpose.APPOINTMENT else "pengambilan kartu"
        with transaction.atomic():
            if not _claim(booking, "reminded_at", timezone.now()):
                continue
            port.tell(
                booking.case.resident,
                case=booking.case,
                purpose=port.Purpose.REMINDER,
                text=f"Pengingat: jadwal {what} permohonan {booking.case.request_number} adalah {when}. "
                "Bawa bukti dan dokumen asli.",
                template_name=REMINDER_TEMPLATES[booking.purpose],
                template_params=[
                    booking.case.request_number,
                    long_date(booking.day),
                    booking.get_part_display(),
                ],
            )
            sent += 1
    return sent


@handler("scheduling.check_no_shows")
def check_no_shows(payload: dict) -> dict:
    """Not collected: a reminder after some working days, a flag for the officer later."""
    calendar = office_calendar()
    today = timezone.localdate()
    now = timezone.now()
    reminded = flagged = 0
    for booking in _open(
        Booking.objects.filter(purpose=Purpose.PICKUP, day__lt=today, flagged_at__isnull=True)
    ):
        missed = len(calendar.working_days(booking.day + dt.timedelta(days=1), today))
        if missed >= settings.LOKET_NO_SHOW_FLAG_DAYS:
            flagged += _claim(booking, "flagged_at", now)
        elif missed >= settings.LOKET_NO_SHOW_REMINDER_DAYS and booking.no_show_reminded_at is None:
            with transaction.atomic():
                if not _claim(booking, "no_show_reminded_at", now):
                    continue
                port.tell(
                    booking.case.resident,
                    case=booking.case,
                    purpose=port.Purpose.REMINDER,
                    text=f"Permohonan {booking.case.request_number} belum diambil sejak {long_date(booking.day)}. "
                    "Silakan datang pada jam layanan, atau ketik JADWAL ULANG untuk memilih jadwal baru.",
                    template_name=NO_SHOW_TEMPLATE,
                    template_params=[booking.case.request_number, long_date(booking.day)],
                )
                reminded += 1
    return {"reminded": reminded, "flagged": flagged}
