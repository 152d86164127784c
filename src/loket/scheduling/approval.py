"""What an approval leads to: the service's outcome, a session, a receipt, a message.

`approve_case` is the one entry point for the console's approve button and for
`loket cases approve`. Everything happens in one transaction: if there is no room or the
case cannot be approved, nothing changes and nothing is sent.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from loket.cases.models import Case, IllegalTransition, State
from loket.domain.calendar import OfficeCalendar
from loket.scheduling import receipts
from loket.scheduling.allocation import allocate
from loket.scheduling.models import Approval, Booking, HandOver, Outcome, Purpose, ServiceSchedule
from loket.scheduling.office import office_calendar, today
from loket.scheduling.schedules import schedule_for


class DeliveryRefused(Exception):
    """The document cannot be delivered (wrong state, not a PDF, already delivered)."""


def book(
    case: Case, schedule: ServiceSchedule, purpose: str, earliest: dt.date, calendar: OfficeCalendar
) -> Booking:
    """Allocate the earliest session with room and record the booking (caller's transaction)."""
    session = allocate(schedule, purpose, earliest, calendar)
    return Booking.objects.create(
        case=case, schedule=schedule, purpose=purpose, day=session.day, part=session.part, earliest=earliest
    )


def book_and_send(
    case: Case, schedule: ServiceSchedule, purpose: str, earliest: dt.date, calendar
) -> Booking:
    booking = book(case, schedule, purpose, earliest, calendar)
    receipts.send(receipts.issue(booking))
    return booking


def approve_case(case: Case, *, actor=None, source: str = "console") -> Approval:
    """IN_REVIEW -> APPROVED, then the service's outcome. Raises IllegalTransition or NoRoom."""
    schedule = schedule_for(case)
    calendar = office_calendar()
    start = today()
    with transaction.atomic():
        case.move_to(
            State.APPROVED, actor=actor, source=source, note=f"hasil: {schedule.get_outcome_display()}"
        )
        approval = Approval.objects.create(
            case=case, actor=actor, source=source, outcome=schedule.outcome, schedule_key=schedule.key
        )
        if schedule.outcome == Outcome.PICKUP:
            book_and_send(
                case, schedule, Purpose.PICKUP, calendar.add_working_days(start, schedule.lead_days), calendar
            )
        elif schedule.outcome == Outcome.APPOINTMENT:
            earliest = calendar.add_working_days(start, schedule.appointment_lead_days)
            book_and_send(case, schedule, Purpose.APPOINTMENT, earliest, calendar)
        else:
            from loket.channels.whatsapp import outbox

            outbox.enqueue(
                case.resident,
                case=case,
                kind="case_update",
                text=(
                    f"Permohonan {case.request_number} ({schedule.label}) disetujui. Dokumen yang sudah "
                    "ditandatangani akan kami kirim lewat WhatsApp ini. Tidak perlu datang ke kantor."
                ),
            )
    return approval


def record_recording(booking: Booking, *, actor=None) -> Booking:
    """The resident came for biometric recording: book the card pickup after the lead time."""
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.purpose != Purpose.APPOINTMENT or locked.status != Booking.Status.ACTIVE:
            raise IllegalTransition("Jadwal perekaman ini sudah dicatat atau tidak berlaku lagi.")
        Booking.objects.filter(pk=locked.pk).update(status=Booking.Status.DONE, done_at=timezone.now())
        calendar = office_calendar()
        earliest = calendar.add_working_days(today(), locked.schedule.lead_days)
        return book_and_send(locked.case, locked.schedule, Purpose.PICKUP, earliest, calendar)


def deliver_document(case: Case, pdf_bytes: bytes, filename: str, actor=None) -> HandOver:
    """Send the issued document (signed PDF) over WhatsApp; the case is then collected."""
    if not pdf_bytes.startswith(b"%PDF-"):
        raise DeliveryRefused("Berkas bukan PDF. Lampirkan PDF hasil tanda tangan elektronik.")
    name = filename if filename.lower().endswith(".pdf") else f"{filename or case.request_number}.pdf"
    from loket.channels.whatsapp import outbox

    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if HandOver.objects.filter(case=current).exists():
            raise DeliveryRefused(f"Dokumen {current.request_number} sudah diserahkan sebelumnya.")
        if current.state not in (State.APPROVED, State.READY_FOR_PICKUP):
            raise DeliveryRefused(
                f"Permohonan {current.request_number} berstatus '{State(current.state).label}': "
                "dokumen hanya dikirim untuk permohonan yang disetujui."
            )
        outbox.enqueue(
            current.resident,
            case=current,
            kind="case_update",
            text=f"Dokumen untuk permohonan {current.request_number} sudah terbit. Silakan simpan berkas ini.",
            document=pdf_bytes,
            document_name=name,
        )
        hand_over = HandOver.objects.create(
            case=current, method=HandOver.Method.WHATSAPP, officer=actor, document_name=name
        )
        current.move_to(State.COLLECTED, actor=actor, source="console", note="dokumen dikirim lewat WhatsApp")
    case.state = current.state
    return hand_over
