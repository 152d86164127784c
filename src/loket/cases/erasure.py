"""Deleting a resident with everything that is theirs, or refusing while a request is open.

The rule: a resident with a case in an open state (waiting, queued, in review, needs
correction, approved, ready for pickup) is not deleted: the case must first be finished,
rejected or cancelled through the guarded workflow in the console. Otherwise the resident
goes together with their cases (and, by cascade, each case's history, corrections, bookings,
receipts, approval, hand-over and consent), documents, messages in and out, and the
channel's conversation state. Stored files (documents, outbound attachments) are removed
from storage once the deletion has committed. The audit trail stays: its rows lose the
link to the case or document (SET NULL) and never held personal data.

Relations are found through the model registry, not imported, so this module depends on no
channel; a capability that adds a model pointing at a resident is covered as it is.
"""

from __future__ import annotations

from django.db import models, transaction

from loket.cases.models import OPEN_STATES, Resident
from loket.core.storage import delete_files


class ResidentHasOpenCase(Exception):
    """The resident has a request still running. `str()` is fit to show an administrator."""


def refusal_reason(resident: Resident) -> str | None:
    """Why `resident` may not be deleted now (in Bahasa), or None when they may."""
    numbers = list(
        resident.cases.filter(state__in=OPEN_STATES)
        .order_by("created_at")
        .values_list("request_number", flat=True)[:5]
    )
    if not numbers:
        return None
    return (
        f"Data pemohon ini belum dapat dihapus: masih ada permohonan yang berjalan "
        f"({', '.join(numbers)}). Selesaikan, tolak, atau batalkan permohonan itu lewat konsol dahulu."
    )


def _owned(resident: Resident) -> list[tuple[type[models.Model], models.QuerySet]]:
    """Every queryset of rows pointing at the resident, each model once."""
    return [
        (rel.related_model, rel.related_model._default_manager.filter(**{rel.field.name: resident}))
        for rel in Resident._meta.related_objects
    ]


def what_goes(resident: Resident) -> dict[str, int]:
    """Per kind (verbose plural name), how many rows belonging to the resident would go."""
    counts = {str(model._meta.verbose_name_plural): rows.count() for model, rows in _owned(resident)}
    return {name: count for name, count in counts.items() if count}


def erase_resident(resident: Resident) -> dict[str, int]:
    """Delete the resident and what is theirs; returns the deleted rows per model label.

    Raises ResidentHasOpenCase (nothing deleted) while a case is open; checked with the
    resident's row locked, so a request opened meanwhile cannot slip through.
    """
    files: list[tuple[models.FileField, str]] = []
    deleted: dict[str, int] = {}
    with transaction.atomic():
        locked = Resident.objects.select_for_update().get(pk=resident.pk)
        reason = refusal_reason(locked)
        if reason:
            raise ResidentHasOpenCase(reason)
        for model, rows in _owned(locked):
            for field in model._meta.fields:
                if isinstance(field, models.FileField):
                    files += [(field, name) for name in rows.values_list(field.name, flat=True) if name]
            _, per_model = rows.delete()
            _add(deleted, per_model)
        _, per_model = locked.delete()
        _add(deleted, per_model)
        transaction.on_commit(lambda: delete_files(name for _, name in files))
    return deleted


def _add(total: dict[str, int], more: dict[str, int]) -> None:
    for label, count in more.items():
        if count:
            total[label] = total.get(label, 0) + count
