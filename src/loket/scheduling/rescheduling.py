"""Rescheduling over WhatsApp: the resident picks one of the next free sessions from a list.

The channel routes the text `JADWAL ULANG` to `offer_sessions` and a list reply whose id
starts with `jadwal:` to `choose_session`. Row ids are `jadwal:<booking id>:<session key>`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from loket.cases.models import Case
from loket.domain.calendar import short_date
from loket.messaging import choices, port
from loket.scheduling import receipts
from loket.scheduling.allocation import Session, available_sessions, release, try_take
from loket.scheduling.models import Booking, parse_session_key, session_key
from loket.scheduling.office import office_calendar, session_hours, today

PREFIX = "jadwal:"


def active_booking(case: Case) -> Booking | None:
    return case.bookings.filter(status=Booking.Status.ACTIVE).order_by("-created_at").first()


def _tell(case: Case, text: str) -> None:
    port.tell(case.resident, case=case, purpose=port.Purpose.REPLY, text=text)


def _choices(booking: Booking) -> list[Session]:
    calendar = office_calendar()
    start = calendar.add_working_days(today(), 1)
    earliest = max(start, booking.earliest or start)
    limit = min(choices.ROWS_MAX, settings.LOKET_RESCHEDULE_CHOICES)
    current = (booking.day, booking.part)
    found = available_sessions(booking.schedule, booking.purpose, earliest, calendar, limit + 1)
    return [s for s in found if (s.day, s.part) != current][:limit]


def offer_sessions(case: Case):
    """Send the resident a list of the next free sessions (or explain why there is none)."""
    booking = active_booking(case)
    if booking is None or not case.is_open:
        _tell(case, f"Permohonan {case.request_number} tidak punya jadwal yang bisa diganti.")
        return None
    sessions = _choices(booking)
    if not sessions:
        _tell(case, "Maaf, belum ada jadwal lain yang kosong. Silakan coba lagi besok.")
        return None
    calendar = office_calendar()
    rows = []
    for session in sessions:
        start, end = session_hours(calendar, session.day, session.part)
        rows.append(
            {
                "id": f"{PREFIX}{booking.pk}:{session_key(session.day, session.part)}",
                "title": f"{short_date(session.day)} {session.part}"[: choices.ROW_TITLE_MAX],
                "description": f"{session.day:%d-%m-%Y}, pukul {start:%H.%M}-{end:%H.%M}",
            }
        )
    interactive = {
        "type": "list",
        "header": {"type": "text", "text": "Ganti jadwal"},
        "body": {
            "text": f"Permohonan {case.request_number}. Pilih jadwal baru di bawah ini. "
            "Bukti yang lama tidak berlaku lagi setelah Anda memilih."
        },
        "action": {"button": "Pilih jadwal", "sections": [{"title": "Jadwal yang kosong", "rows": rows}]},
    }
    return port.tell(case.resident, case=case, purpose=port.Purpose.REPLY, choices=interactive)


def choose_session(case: Case, reply_id: str) -> Booking | None:
    """Book the chosen session, revoke the old receipt and send the new one.

    Returns the new booking, or None after telling the resident why it did not work
    (old list, session just filled up): the resident is never left without an answer.
    """
    try:
        prefix, booking_id, key = reply_id.split(":", 2)
        day, part = parse_session_key(key)
        if prefix + ":" != PREFIX:
            raise ValueError(reply_id)
    except ValueError:
        _tell(case, "Pilihan jadwal tidak dikenali. Ketik JADWAL ULANG untuk melihat pilihan lagi.")
        return None
    calendar = office_calendar()
    with transaction.atomic():
        old = (
            Booking.objects.select_for_update()
            .filter(pk=booking_id if booking_id.isdigit() else 0, case=case, status=Booking.Status.ACTIVE)
            .first()
        )
        if old is None or not case.is_open:
            _tell(case, "Pilihan ini sudah tidak berlaku. Ketik JADWAL ULANG untuk melihat jadwal terbaru.")
            return None
        if (day, part) == (old.day, old.part):
            _tell(case, "Itu jadwal Anda sekarang. Jadwal tidak berubah.")
            return old
        lowest = max(calendar.add_working_days(today(), 1), old.earliest or today())
        available = day >= lowest and calendar.is_working_day(day)
        if not available or not try_take(old.schedule, old.purpose, Session(day, part)):
            _tell(case, "Maaf, jadwal itu baru saja penuh atau tidak tersedia. Silakan pilih lagi.")
            new = None
        else:
            new = _move(case, old, day, part)
    if new is None:
        offer_sessions(case)
    return new


def _move(case: Case, old: Booking, day, part: str) -> Booking:
    Booking.objects.filter(pk=old.pk).update(status=Booking.Status.MOVED)
    release(old.schedule, old.purpose, old.day, old.part)
    receipts.revoke(old, "jadwal diganti oleh pemohon")
    new = Booking.objects.create(
        case=case, schedule=old.schedule, purpose=old.purpose, day=day, part=part, earliest=old.earliest
    )
    receipts.send(receipts.issue(new), text="Jadwal sudah diganti. " + receipts.message_text(new))
    return new
