"""What an approval leads to: the service's outcome, a session, a receipt, a message.

`approve_case` is the one entry point for the console's approve button and for
`loket cases approve`. It asks the approval guard (`loket.cases.guards`) under the case's
row lock; everything happens in one transaction: if the guard refuses, there is no room or
the case cannot be approved, nothing changes, nothing is booked and nothing is sent.
`planned_session` tells the date an approval would book, without booking it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from loket.cases.guards import ApprovalRefused, approval_refusals, override_problem
from loket.cases.models import Case, IllegalTransition, State
from loket.domain.calendar import OfficeCalendar
from loket.messaging import port
from loket.scheduling import receipts
from loket.scheduling.allocation import Session, allocate, available_sessions
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


@dataclass(frozen=True)
class Plan:
    """What approving a case today leads to: the outcome and, for a booking, its first day."""

    schedule: ServiceSchedule
    purpose: str  # Purpose, or "" when the document is sent over WhatsApp
    earliest: dt.date | None


def plan_for(case: Case, calendar: OfficeCalendar, start: dt.date) -> Plan:
    schedule = schedule_for(case)
    if schedule.outcome == Outcome.PICKUP:
        return Plan(schedule, Purpose.PICKUP, calendar.add_working_days(start, schedule.lead_days))
    if schedule.outcome == Outcome.APPOINTMENT:
        return Plan(
            schedule, Purpose.APPOINTMENT, calendar.add_working_days(start, schedule.appointment_lead_days)
        )
    return Plan(schedule, "", None)


def planned_session(case: Case) -> tuple[Plan, Session | None]:
    """The session an approval now would book (None: no booking, or no room): reads only."""
    calendar = office_calendar(case.office_id)
    plan = plan_for(case, calendar, today())
    if not plan.purpose or plan.earliest is None:
        return plan, None
    sessions = available_sessions(plan.schedule, plan.purpose, plan.earliest, calendar, limit=1)
    return plan, (sessions[0] if sessions else None)


def approve_case(case: Case, *, actor=None, source: str = "console", override_reason: str = "") -> Approval:
    """IN_REVIEW -> APPROVED, then the service's outcome.

    Raises IllegalTransition (not in review, e.g. approved a moment ago), ApprovalRefused
    (the guard's reasons; a supervisor's `override_reason` approves anyway, recorded) or NoRoom.
    """
    calendar = office_calendar(case.office_id)
    start = today()
    override_reason = override_reason.strip()
    with transaction.atomic():
        # The row lock makes a double submit or two officers approve once: the second waits,
        # then finds the case approved.
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.can_move_to(State.APPROVED):
            raise IllegalTransition(
                f"Permohonan {locked.request_number} berstatus '{State(locked.state).label}' "
                "dan tidak dapat disetujui."
            )
        refusals = approval_refusals(locked, day=start)
        if refusals:
            problem = override_problem(actor, override_reason) if override_reason else ""
            if not override_reason or problem:
                raise ApprovalRefused(locked.request_number, ([problem] if problem else []) + refusals)
        plan = plan_for(locked, calendar, start)
        schedule = plan.schedule
        note = f"hasil: {schedule.get_outcome_display()}"
        if refusals:
            note += f" · pengecualian supervisor: {override_reason}"
        case.move_to(State.APPROVED, actor=actor, source=source, note=note, through=State.APPROVED)
        approval = Approval.objects.create(
            case=case,
            actor=actor,
            source=source,
            outcome=schedule.outcome,
            schedule_key=schedule.key,
            override_reason=override_reason if refusals else "",
            overridden=refusals,
        )
        if plan.purpose and plan.earliest is not None:
            book_and_send(case, schedule, plan.purpose, plan.earliest, calendar)
        else:
            port.tell(
                case.resident,
                case=case,
                purpose=port.Purpose.CASE_UPDATE,
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
        calendar = office_calendar(locked.schedule.office_id)
        earliest = calendar.add_working_days(today(), locked.schedule.lead_days)
        return book_and_send(locked.case, locked.schedule, Purpose.PICKUP, earliest, calendar)


def deliver_document(case: Case, pdf_bytes: bytes, filename: str, actor=None) -> HandOver:
    """Send the issued document (signed PDF) over WhatsApp; the case is then collected."""
    if not pdf_bytes.startswith(b"%PDF-"):
        raise DeliveryRefused("Berkas bukan PDF. Lampirkan PDF hasil tanda tangan elektronik.")
    name = filename if filename.lower().endswith(".pdf") else f"{filename or case.request_number}.pdf"
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if HandOver.objects.filter(case=current).exists():
            raise DeliveryRefused(f"Dokumen {current.request_number} sudah diserahkan sebelumnya.")
        if current.state not in (State.APPROVED, State.READY_FOR_PICKUP):
            raise DeliveryRefused(
                f"Permohonan {current.request_number} berstatus '{State(current.state).label}': "
                "dokumen hanya dikirim untuk permohonan yang disetujui."
            )
        port.tell(
            current.resident,
            case=current,
            purpose=port.Purpose.CASE_UPDATE,
            text=f"Dokumen untuk permohonan {current.request_number} sudah terbit. Silakan simpan berkas ini.",
            attachment=port.Attachment(pdf_bytes, name),
        )
        hand_over = HandOver.objects.create(
            case=current, method=HandOver.Method.WHATSAPP, officer=actor, document_name=name
        )
        current.move_to(
            State.COLLECTED,
            actor=actor,
            source="console",
            note="dokumen dikirim lewat WhatsApp",
            through=State.COLLECTED,
        )
    case.state = current.state
    return hand_over
