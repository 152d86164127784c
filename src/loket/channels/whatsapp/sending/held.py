"""Held messages released when their cause is gone (the resident wrote again, a template is back)."""

from __future__ import annotations

from django.utils import timezone

from loket.cases.models import Resident
from loket.channels.whatsapp.models import Incident, OutboundMessage
from loket.channels.whatsapp.sending.enqueueing import requeue
from loket.channels.whatsapp.sending.form import window_open
from loket.channels.whatsapp.sending.rows import Status


def release_held(*, resident: Resident | None = None, reason: str | None = None) -> int:
    """Queue again the held messages whose cause is gone; returns how many.

    Window-closed messages go when their resident has written since they were held (call
    this after recording an inbound message); template ones when no template incident is open.
    """
    qs = OutboundMessage.objects.filter(status=Status.HELD).select_related("resident")
    if resident is not None:
        qs = qs.filter(resident=resident)
    if reason:
        qs = qs.filter(held_reason=reason)
    template_blocked = Incident.objects.filter(kind=Incident.Kind.TEMPLATE, closed_at__isnull=True).exists()
    released = 0
    for message in qs:
        if message.held_reason == OutboundMessage.Held.WINDOW_CLOSED:
            if not _written_since_held(message):
                continue
        elif message.held_reason == OutboundMessage.Held.TEMPLATE_UNAVAILABLE:
            if template_blocked:
                continue
        else:
            continue
        requeue(message, force_template=False)
        released += 1
    return released


def _written_since_held(message: OutboundMessage) -> bool:
    last_in = message.resident.last_inbound_at
    return bool(
        last_in and message.held_at and last_in > message.held_at and window_open(message, timezone.now())
    )
