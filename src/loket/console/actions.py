"""What an officer does to a case from the console, each one a single function."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from loket.cases.models import Case, CaseEvent, State
from loket.cases.workflow import WorkflowError
from loket.console.queue import locked_review_count
from loket.messaging import port
from loket.messaging.port import Purpose
from loket.scheduling.allocation import NoRoom
from loket.scheduling.approval import approve_case
from loket.scheduling.models import Approval


def approve(case: Case, *, actor, override_reason: str = "", source: str = "console") -> Approval:
    """Approve: the guard checks the case, scheduling allocates the pickup date and sends the
    receipt (one transaction). Raises ApprovalRefused with what is missing."""
    try:
        return approve_case(case, actor=actor, source=source, override_reason=override_reason)
    except NoRoom as exc:
        raise WorkflowError(
            str(exc) or "Tidak ada jadwal pengambilan yang kosong. Hubungi supervisor."
        ) from exc


class ReceiverAtLimit(WorkflowError):
    """The colleague already holds as many cases in review as the office allows."""


def hand_over(case: Case, *, to_user, actor) -> None:
    """Give the case to a colleague; it stays in review, now theirs, within their limit."""
    if case.state not in (State.IN_REVIEW, State.QUEUED):
        raise WorkflowError("Hanya permohonan dalam antrean atau sedang diperiksa yang dapat diserahkan.")
    with transaction.atomic():
        already_theirs = case.assigned_to_id == to_user.pk and case.state == State.IN_REVIEW
        if not already_theirs and locked_review_count(to_user) >= settings.LOKET_CONSOLE_REVIEW_LIMIT:
            raise ReceiverAtLimit(
                f"{to_user} sudah memeriksa {settings.LOKET_CONSOLE_REVIEW_LIMIT} permohonan "
                "(batas per petugas). Pilih rekan lain, atau serahkan setelah ia menyelesaikan "
                "salah satunya."
            )
        if case.state == State.QUEUED:
            case.move_to(State.IN_REVIEW, actor=actor, source="console", note=f"Diserahkan ke {to_user}.")
        else:
            CaseEvent.objects.create(
                case=case,
                from_state=case.state,
                to_state=case.state,
                actor=actor,
                source="console",
                note=f"Diserahkan ke {to_user}.",
            )
        Case.objects.filter(pk=case.pk).update(assigned_to=to_user, last_touched_at=timezone.now())


def reply(case: Case, *, text: str, actor) -> Any:
    text = text.strip()
    if not text:
        raise WorkflowError("Balasan kosong.")
    if len(text) > 4000:
        raise WorkflowError("Balasan terlalu panjang (maksimal 4000 huruf).")
    return port.tell(case.resident, text=text, case=case, purpose=Purpose.OFFICER)
