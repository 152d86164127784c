"""Daily aggregates of the service (ServiceDay, OfficerDay, CorrectionReasonMonth).

Kept correct as cases change: a new Case counts as received on its day; every CaseEvent
adds its effect (correction, decision, collection, first officer response) on the day it
happened. Signals and the full rebuild share `event_effects`, so both count alike.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from loket.cases.models import Case, CaseEvent, State
from loket.coverage.calendar import working_hours
from loket.coverage.models import CorrectionReasonMonth, OfficerDay, ServiceDay

OFFICER_SOURCES = frozenset({"console", "admin", "cli"})
NO_REASON = "(tanpa alasan tertulis)"


@dataclass
class Effects:
    service: dict[str, float] = field(default_factory=dict)
    officer: dict[str, int] = field(default_factory=dict)
    reason: str | None = None


def reason_label(note: str) -> str:
    first = (note or "").strip().splitlines()[0].strip() if (note or "").strip() else ""
    return first[:200] or NO_REASON


def is_officer_event(source: str, actor_id) -> bool:
    return actor_id is not None or source in OFFICER_SOURCES


def event_effects(
    created_at: dt.datetime,
    from_state: str,
    to_state: str,
    source: str,
    actor_id,
    note: str,
    at: dt.datetime,
    first_officer_event: bool,
) -> Effects:
    out = Effects()
    s = out.service
    if to_state == State.NEEDS_CORRECTION:
        s["corrections"] = 1
        out.reason = reason_label(note)
    elif to_state in (State.APPROVED, State.REJECTED):
        s["approved" if to_state == State.APPROVED else "rejected"] = 1
        s["decisions"] = 1
        s["decision_hours"] = working_hours(created_at, at)
    elif to_state == State.COLLECTED:
        s["collected"] = 1
    elif to_state in (State.CANCELLED, State.EXPIRED):
        s["cancelled"] = 1
    if (
        from_state == State.WAITING_DOCUMENTS
        and to_state == State.QUEUED
        and not is_officer_event(source, actor_id)
    ):
        s["auto_completed"] = 1
    if first_officer_event:
        s["first_responses"] = 1
        s["first_response_hours"] = working_hours(created_at, at)
    if actor_id is not None:
        out.officer["actions"] = 1
        if to_state in (State.APPROVED, State.REJECTED):
            out.officer["decisions"] = 1
        if to_state == State.NEEDS_CORRECTION:
            out.officer["corrections"] = 1
    return out


def _bump(model, key: dict, amounts: dict) -> None:
    if not amounts:
        return
    row, _ = model.objects.get_or_create(**key)
    model.objects.filter(pk=row.pk).update(**{name: F(name) + value for name, value in amounts.items()})


@receiver(post_save, sender=Case, dispatch_uid="coverage.case_received")
def case_received(sender, instance: Case, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    day = timezone.localdate(instance.created_at)
    _bump(
        ServiceDay,
        {"day": day, "service": instance.service, "kode_kecamatan": instance.kode_kecamatan},
        {"received": 1},
    )


@receiver(post_save, sender=CaseEvent, dispatch_uid="coverage.case_event")
def case_event(sender, instance: CaseEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    case = Case.objects.only("service", "kode_kecamatan", "created_at").get(pk=instance.case_id)
    first = is_officer_event(instance.source, instance.actor_id) and not (
        CaseEvent.objects.filter(case_id=instance.case_id, at__lte=instance.at)
        .filter(Q(actor__isnull=False) | Q(source__in=OFFICER_SOURCES))
        .exclude(pk=instance.pk)
        .exists()
    )
    effects = event_effects(
        case.created_at,
        instance.from_state,
        instance.to_state,
        instance.source,
        instance.actor_id,
        instance.note,
        instance.at,
        first,
    )
    day = timezone.localdate(instance.at)
    with transaction.atomic():
        _bump(
            ServiceDay,
            {"day": day, "service": case.service, "kode_kecamatan": case.kode_kecamatan},
            effects.service,
        )
        if effects.officer:
            _bump(
                OfficerDay,
                {"day": day, "officer_id": instance.actor_id, "kode_kecamatan": case.kode_kecamatan},
                effects.officer,
            )
        if effects.reason:
            _bump(
                CorrectionReasonMonth,
                {
                    "month": day.replace(day=1),
                    "service": case.service,
                    "kode_kecamatan": case.kode_kecamatan,
                    "reason": effects.reason,
                },
                {"count": 1},
            )


def rebuild(batch: int = 5000) -> dict[str, int]:
    """Recompute every aggregate from the cases and their events (after bulk loads)."""
    service: dict[tuple, Counter] = defaultdict(Counter)
    officer: dict[tuple, Counter] = defaultdict(Counter)
    reasons: Counter = Counter()
    cases = {}
    for pk, svc, kode, created_at in Case.objects.values_list(
        "pk", "service", "kode_kecamatan", "created_at"
    ).iterator(chunk_size=batch):
        cases[pk] = (svc, kode, created_at)
        service[(timezone.localdate(created_at), svc, kode)]["received"] += 1
    seen_officer: set[int] = set()
    events = CaseEvent.objects.order_by("case_id", "at", "pk").values_list(
        "case_id", "from_state", "to_state", "source", "actor_id", "note", "at"
    )
    for case_id, from_state, to_state, source, actor_id, note, at in events.iterator(chunk_size=batch):
        svc, kode, created_at = cases[case_id]
        officer_event = is_officer_event(source, actor_id)
        first = officer_event and case_id not in seen_officer
        if officer_event:
            seen_officer.add(case_id)
        effects = event_effects(created_at, from_state, to_state, source, actor_id, note, at, first)
        day = timezone.localdate(at)
        service[(day, svc, kode)].update(effects.service)
        if effects.officer:
            officer[(day, actor_id, kode)].update(effects.officer)
        if effects.reason:
            reasons[(day.replace(day=1), svc, kode, effects.reason)] += 1
    with transaction.atomic():
        ServiceDay.objects.all().delete()
        OfficerDay.objects.all().delete()
        CorrectionReasonMonth.objects.all().delete()
        ServiceDay.objects.bulk_create(
            (ServiceDay(day=k[0], service=k[1], kode_kecamatan=k[2], **v) for k, v in service.items()),
            batch_size=batch,
        )
        OfficerDay.objects.bulk_create(
            (OfficerDay(day=k[0], officer_id=k[1], kode_kecamatan=k[2], **v) for k, v in officer.items()),
            batch_size=batch,
        )
        CorrectionReasonMonth.objects.bulk_create(
            (
                CorrectionReasonMonth(month=k[0], service=k[1], kode_kecamatan=k[2], reason=k[3], count=n)
                for k, n in reasons.items()
            ),
            batch_size=batch,
        )
    return {"service_days": len(service), "officer_days": len(officer), "reasons": len(reasons)}
