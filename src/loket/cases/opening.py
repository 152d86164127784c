"""Opening a case from a request, or updating the open one it repeats.

One open case per resident, service and subject (the NIK of the child, the NO_KK ...):
a parent has one case per child, and sending the same request again updates its case
instead of opening a second. The database's partial unique constraint backs this up
when two deliveries race.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.db import IntegrityError, transaction
from django.utils import timezone

from loket.cases.checklist import ChecklistItem, missing_items
from loket.cases.models import (
    OPEN_STATES,
    Case,
    CaseEvent,
    Document,
    Resident,
    next_request_number,
)
from loket.cases.workflow import attach_resent_document, refresh_completeness
from loket.core.rows import fetch_row, insert_row


@dataclass(frozen=True)
class Request:
    """What a valid request says, independent of how it was parsed."""

    service: str
    subject: str
    fields: dict
    derived: dict
    warnings: list
    raw_text: str = ""
    kode_kecamatan: str = ""
    kode_desa: str = ""


_OPEN = sorted(OPEN_STATES)
_OPEN_CASE = (
    f"resident_id = %s AND service = %s AND subject = %s AND state IN ({', '.join(['%s'] * len(_OPEN))}) "
    "ORDER BY id LIMIT 1"
)


def _open_case(resident: Resident, service: str, subject: str) -> Case | None:
    """The resident's open case of this service and subject, locked (written out: once per request)."""
    return fetch_row(Case, _OPEN_CASE, [resident.pk, service, subject, *_OPEN], lock=True)


def _apply(case: Case, request: Request) -> None:
    case.fields, case.derived, case.warnings = request.fields, request.derived, request.warnings
    case.raw_text = request.raw_text
    case.kode_kecamatan, case.kode_desa = request.kode_kecamatan, request.kode_desa


def open_or_update(
    resident: Resident, request: Request, *, source: str = "channel", case_source: str = "typed"
) -> tuple[Case, bool]:
    """The open case for this request, updated, or a new one. Returns (case, created).

    `source` names who acted, for the history; `case_source` is how a new case arrived
    (`Case.source`: typed, guided, operator or a poster token); an update keeps the first."""
    # No savepoint of its own (inside a job's transaction it joins that one); the race below
    # keeps its savepoint, which it needs to go on after the IntegrityError.
    with transaction.atomic(savepoint=False):
        case = _open_case(resident, request.service, request.subject)
        if case is not None:
            _apply(case, request)
            case.save()
            return case, False
        now = timezone.now()
        case = Case(
            request_number=next_request_number(request.service, timezone.localdate(now)),
            service=request.service,
            subject=request.subject,
            resident=resident,
            # A case belongs to its resident's office (the office of the number written to).
            office_id=cast(int, resident.office_id),  # every resident has one (the stubs allow None)
            source=case_source,
            created_at=now,
            state_changed_at=now,
        )
        _apply(case, request)
        try:
            with transaction.atomic():
                insert_row(case)  # once per request: written out (core/rows.py), signals sent
        except IntegrityError:
            # Another worker opened it a moment ago: update that one.
            case = _open_case(resident, request.service, request.subject)
            if case is None:
                raise
            _apply(case, request)
            case.save()
            return case, False
        note(case, "Permohonan dibuka lewat WhatsApp.", source=source)
        return case, True


def note(case: Case, text: str, *, source: str = "channel") -> CaseEvent:
    """A history entry that does not change the state (consent given, files received ...)."""
    event = CaseEvent(case=case, from_state=case.state, to_state=case.state, source=source, note=text)
    insert_row(event)  # once per new case: written out (core/rows.py), its signals sent
    return event


def missing_documents(case: Case, documents: list | None = None) -> list[ChecklistItem]:
    """What the resident is still asked to send: the configured checklist's missing items
    (`label`, `captions`), the same list the officer sees ticked on the case page."""
    return missing_items(case, documents)


def queue_if_complete(case: Case, *, consent_given: bool) -> bool:
    """Move a complete case into the officers' queue, never before consent (see workflow)."""
    if not consent_given:
        return False
    return refresh_completeness(case, source="channel")


def file_received(document: Document) -> Case:
    """A downloaded file that joined a case: the one completeness rule decides what happens
    (complete: queued; a correction fully answered: back to the same officer's queue)."""
    case = document.case
    assert case is not None, "only a document filed to a case is received here"
    return attach_resent_document(case, document, source="channel")
