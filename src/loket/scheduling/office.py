"""The office's calendar as stored: national holidays plus the administrator's exceptions."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from loket.domain.calendar import (
    DEFAULT_HOURS,
    CalendarWarning,
    OfficeCalendar,
    holiday_data_warnings,
    long_date,
)
from loket.offices.models import Office
from loket.scheduling.models import ExtraServiceDay, OfficeClosure, OfficeHours

# Sessions split the day at the midday break: pagi until 12:00, siang from 13:00.
MIDDAY = dt.time(12, 0)
AFTERNOON = dt.time(13, 0)


def office_calendar(office_id: int | None = None) -> OfficeCalendar:
    """Read fresh on each call: an administrator's change applies to the next approval.

    With an office: that office's closures and extra service days (each office keeps its
    own); without: every office's (the only office's, on an installation of one). Opening
    hours are the installation's (docs/offices.md)."""
    hours = dict(DEFAULT_HOURS)
    hours.update({row.weekday: (row.opens, row.closes) for row in OfficeHours.objects.all()})
    closures = OfficeClosure.objects.all()
    extra = ExtraServiceDay.objects.all()
    if office_id is not None:
        closures, extra = closures.filter(office_id=office_id), extra.filter(office_id=office_id)
    return OfficeCalendar(
        closures=frozenset(closures.values_list("date", flat=True)),
        extra_days=frozenset(extra.values_list("date", flat=True)),
        hours=hours,
    )


def session_hours(calendar: OfficeCalendar, day: dt.date, part: str) -> tuple[dt.time, dt.time]:
    opens, closes = calendar.hours.get(day.weekday(), DEFAULT_HOURS[day.weekday()])
    if part == "pagi":
        return opens, min(closes, MIDDAY)
    return max(opens, AFTERNOON), closes


def session_label(day: dt.date, part: str, calendar: OfficeCalendar | None = None) -> str:
    """'Pagi, pukul 07.30-12.00'."""
    start, end = session_hours(calendar or office_calendar(), day, part)
    return f"{part.capitalize()}, pukul {start:%H.%M}-{end:%H.%M}"


def today() -> dt.date:
    return timezone.localdate()


def calendar_warnings(on: dt.date | None = None) -> list[CalendarWarning]:
    """For `loket check` and the dashboard: holiday data missing or estimated."""
    return holiday_data_warnings(on or today())


def calendar_warning_text(warning: CalendarWarning) -> str:
    """The warning for the console's administrators and supervisors, in Bahasa Indonesia."""
    if warning.code == "no-decree":
        return (
            f"Kalender belum memuat cuti bersama tahun {warning.year}. Perbarui paket 'holidays', "
            "atau tambahkan hari tutup kantor sendiri setelah SKB terbit."
        )
    dates = "; ".join(long_date(day) for day in warning.dates)
    return (
        f"Tanggal libur tahun {warning.year} berikut masih perkiraan dan dianggap kantor tutup: {dates}. "
        "Cocokkan dengan SKB; bila bergeser, tambahkan hari tutup atau hari layanan tambahan."
    )


def office_identity(office: Office | None = None) -> tuple[str, str]:
    """The name and address printed on receipts and shown on /v/<token>: the case's office,
    else the installation's (the LOKET_OFFICE_* defaults)."""
    if office is None:
        return settings.LOKET_OFFICE_NAME, settings.LOKET_OFFICE_ADDRESS
    return office.name, office.address or settings.LOKET_OFFICE_ADDRESS
