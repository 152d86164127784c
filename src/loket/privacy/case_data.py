"""The kinds of personal data the requests hold: document files, a closed request's personal
fields, and the resident's identity once nothing of theirs is kept any more.

Counted from a request's closing (its last change of state into a final state). What stays:
the request number, service, area codes, dates, states and their history, the documents'
kinds and sizes (rows marked "dihapus (retensi)"), and the consent dates.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from loket.cases.models import CLOSED_STATES, OPEN_STATES, Case, Correction, Document, Resident
from loket.core.storage import delete_files
from loket.privacy import retention
from loket.privacy.models import ErasureRequest
from loket.privacy.retention import Cutoffs, Kind, chunks
from loket.scheduling.models import HandOver

# After a confirmed erasure the resident's address is kept this long, so that the
# confirmation can still be sent to them.
ERASED_IDENTITY_AFTER = dt.timedelta(days=1)
CLOSED = sorted(CLOSED_STATES)
OPEN = sorted(OPEN_STATES)


def _mine(qs: QuerySet, limits: Cutoffs, field: str = "resident_id") -> QuerySet:
    return qs if limits.residents is None else qs.filter(**{f"{field}__in": limits.residents})


# --- documents ------------------------------------------------------------------------------


def expired_documents(limits: Cutoffs) -> QuerySet:
    """Files of requests closed at or before the cutoff; unfiled files from their receipt.
    The cutoff is the resident's office's (a case is always its resident's office)."""
    closed = Q(case__state__in=CLOSED) & limits.documents_expired(
        "case__state_changed_at", "resident__office_id"
    )
    unfiled = Q(case__isnull=True) & limits.documents_expired("created_at", "resident__office_id")
    return _mine(Document.objects.filter(purged_at__isnull=True).filter(closed | unfiled), limits)


def remove_documents(qs: QuerySet, limits: Cutoffs) -> int:
    """Mark the rows first; the files go from storage once that is committed (a rollback
    leaves rows and files as they were)."""
    rows = list(qs.select_for_update(of=("self",)).values_list("pk", "file"))
    if not rows:
        return 0
    for ids in chunks([pk for pk, _ in rows]):
        Document.objects.filter(pk__in=ids).update(
            file="", caption=limits.mark, sha256="", correction_note="", purged_at=limits.now
        )
    names = [name for _, name in rows if name]
    transaction.on_commit(lambda: delete_files(names))
    return len(rows)


# --- requests -------------------------------------------------------------------------------


def expired_cases(limits: Cutoffs) -> QuerySet:
    """A closed request's personal fields follow its office's documents period."""
    return _mine(
        Case.objects.filter(purged_at__isnull=True, state__in=CLOSED).filter(
            limits.documents_expired("state_changed_at", "office_id")
        ),
        limits,
    )


def anonymise_cases(qs: QuerySet, limits: Cutoffs) -> int:
    ids = list(qs.select_for_update().values_list("pk", flat=True))
    if not ids:
        return 0
    for part in chunks(ids):
        # The subject (NIK, KK or SKPWNI number) goes; the one-open-case rule covers open
        # requests only, so the emptied subjects never clash.
        Case.objects.filter(pk__in=part).update(
            subject="", fields={}, derived={}, warnings=[], raw_text="", purged_at=limits.now
        )
        for correction in Correction.objects.filter(case_id__in=part):
            correction.items = [{k: v for k, v in item.items() if k != "note"} for item in correction.items]
            correction.message_text, correction.note = "", ""
            correction.save(update_fields=["items", "message_text", "note"])
        HandOver.objects.filter(booking__case_id__in=part).update(recipient_name="", identity_number_end="")
    return len(ids)


# --- residents ------------------------------------------------------------------------------


def expired_residents(limits: Cutoffs) -> QuerySet:
    """Residents of whom nothing personal is kept any more: no open request, every request
    past its period, no message within the messages period (both periods the resident's
    office's), no unfiled file kept. After an erasure the officer confirmed, a day later
    (time for the confirmation to go out)."""
    kept_case = Case.objects.filter(resident=OuterRef("pk"), purged_at__isnull=True).filter(
        Q(state__in=OPEN) | limits.documents_kept("state_changed_at", "office_id")
    )
    kept_file = Document.objects.filter(
        resident=OuterRef("pk"), case__isnull=True, purged_at__isnull=True
    ).filter(limits.documents_kept("created_at", "resident__office_id"))
    qs = Resident.objects.filter(purged_at__isnull=True)
    if limits.residents is not None:
        return qs.none()  # an erasure: the address waits for the confirmation (see above)
    quiet = limits.messages_expired("created_at", "office_id") & (
        Q(last_inbound_at__isnull=True) | limits.messages_expired("last_inbound_at", "office_id")
    )
    erased = Q(
        pk__in=ErasureRequest.objects.filter(
            status=ErasureRequest.Status.CONFIRMED, decided_at__lte=limits.now - ERASED_IDENTITY_AFTER
        ).values("resident_id")
    )
    return qs.filter(quiet | erased).filter(~Exists(kept_case), ~Exists(kept_file))


def anonymise_residents(qs: QuerySet, limits: Cutoffs) -> int:
    ids = list(qs.select_for_update().values_list("pk", flat=True))
    for pk in ids:  # each its own key; a new message from the same person makes a new row
        Resident.objects.filter(pk=pk).update(
            user_id=f"dihapus-{pk}", wa_id="", bsuid="", phone="", profile_name="", purged_at=limits.now
        )
    return len(ids)


retention.register(Kind("documents", "Berkas dokumen", 10, expired_documents, remove_documents))
retention.register(Kind("cases", "Data pribadi permohonan", 20, expired_cases, anonymise_cases))
retention.register(Kind("residents", "Identitas pemohon", 90, expired_residents, anonymise_residents))
