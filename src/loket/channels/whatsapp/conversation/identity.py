"""Who is writing: one person across the office's numbers, and a changed WhatsApp number."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from loket.cases.models import OPEN_STATES, Case, Resident, State
from loket.channels.whatsapp.conversation.shared import content_of
from loket.channels.whatsapp.models import InboundMessage

# STATUS also lists requests that ended this recently (collected, rejected, cancelled, expired).
FINISHED_DAYS = 30


def same_person(resident: Resident) -> QuerySet[Resident]:
    """The resident's records on every office number (same WhatsApp id or BSUID)."""
    match = Q(pk=resident.pk)
    if resident.wa_id:
        match |= Q(wa_id=resident.wa_id)
    if resident.bsuid:
        match |= Q(bsuid=resident.bsuid)
    return Resident.objects.filter(match)


def open_cases(resident: Resident) -> QuerySet[Case]:
    return Case.objects.filter(resident__in=same_person(resident), state__in=sorted(OPEN_STATES)).order_by(
        "created_at", "pk"
    )


def finished_cases(resident: Resident, now: dt.datetime | None = None) -> QuerySet[Case]:
    since = (now or timezone.now()) - dt.timedelta(days=FINISHED_DAYS)
    return Case.objects.filter(
        resident__in=same_person(resident),
        state__in=[State.COLLECTED, State.REJECTED, State.CANCELLED, State.EXPIRED],
        state_changed_at__gte=since,
    ).order_by("state_changed_at", "pk")


def identity_change(message: InboundMessage, resident: Resident) -> None:
    """WhatsApp says the resident moved to a new number: their records follow."""
    system = content_of(message)
    new_wa_id = str(system.get("wa_id") or "")
    if system.get("type") == "user_changed_number" and new_wa_id:
        Resident.objects.filter(pk=resident.pk).update(wa_id=new_wa_id, phone=new_wa_id)
