"""Operations alerts: token refused, template unavailable, outbox stuck, webhooks silent.

An incident is opened once (one open row per kind and scope), logged as an error, shown to
administrators through `active_incidents()` (the console's banner), and closed when the
cause is gone. Pausing incidents hold back sending until `retry_at`; then one message
probes, and its success closes them, so sending resumes by itself.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from loket.channels.whatsapp.models import Incident
from loket.core import alerts

log = logging.getLogger(__name__)


def open_incident(
    kind: str,
    message: str,
    *,
    scope: str = "",
    error_code: int | None = None,
    pause_for: float | None = None,
) -> Incident:
    """Open (or refresh) the incident of this kind and scope. `pause_for` seconds pauses sending."""
    now = timezone.now()
    retry_at = now + dt.timedelta(seconds=pause_for) if pause_for is not None else None
    fields = {"message": message, "error_code": error_code, "last_seen_at": now}
    if pause_for is not None:
        fields.update(pauses_sending=True, retry_at=retry_at)
    updated = Incident.objects.filter(kind=kind, scope=scope, closed_at__isnull=True).update(
        occurrences=F("occurrences") + 1, **fields
    )
    if not updated:
        try:
            with transaction.atomic():
                incident = Incident.objects.create(kind=kind, scope=scope, opened_at=now, **fields)
                _alert(incident, "open", now)
            # Scope is an office number id or a template name: no personal data in the log.
            log.error("WhatsApp incident opened: %s %s (code %s): %s", kind, scope, error_code, message)
        except IntegrityError:  # opened by another worker meanwhile
            pass
    return Incident.objects.get(kind=kind, scope=scope, closed_at__isnull=True)


def close_incidents(kind: str | None = None, *, scope: str | None = None, pausing: bool | None = None) -> int:
    qs = Incident.objects.all()
    if kind is not None:
        qs = qs.filter(kind=kind)
    if scope is not None:
        qs = qs.filter(scope=scope)
    if pausing is not None:
        qs = qs.filter(pauses_sending=pausing)
    return close_queryset(qs)


def close_queryset(qs: QuerySet[Incident]) -> int:
    """Close the open incidents of `qs` (the admin's action too), each with its alert."""
    with transaction.atomic():
        closing = list(qs.filter(closed_at__isnull=True))
        now = timezone.now()
        closed = Incident.objects.filter(pk__in=[i.pk for i in closing], closed_at__isnull=True).update(
            closed_at=now, retry_at=None
        )
        for incident in closing:
            _alert(incident, "closed", now)
    for incident in closing:
        log.warning("WhatsApp incident closed: %s %s", incident.kind, incident.scope)
    return closed


def _alert(incident: Incident, state: alerts.State, at: dt.datetime) -> None:
    alerts.incident_changed(
        source="whatsapp",
        incident_id=incident.pk,
        kind=f"whatsapp.{incident.kind}",
        state=state,
        since=at,
        summary=f"{incident.get_kind_display()}: {incident.message}",
        scope=incident.scope,
    )


def active_incidents() -> list[Incident]:
    """Open incidents, newest first: the console shows them as a banner to administrators."""
    return list(Incident.objects.filter(closed_at__isnull=True).order_by("-opened_at"))


def pauses_for(phone_number_id: str) -> list[dt.datetime | None]:
    """`retry_at` of the open pausing incidents covering this number (usually none)."""
    return list(
        Incident.objects.filter(
            Q(scope="") | Q(scope=phone_number_id), closed_at__isnull=True, pauses_sending=True
        ).values_list("retry_at", flat=True)
    )


def sending_paused_until(phone_number_id: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When a pausing incident covers this number, the time sending may probe again."""
    now = now or timezone.now()
    latest = (
        Incident.objects.filter(
            Q(scope="") | Q(scope=phone_number_id),
            closed_at__isnull=True,
            pauses_sending=True,
            retry_at__gt=now,
        )
        .order_by("-retry_at")
        .values_list("retry_at", flat=True)
        .first()
    )
    return latest


def sending_succeeded(phone_number_id: str) -> None:
    """A message went out: pauses covering this number are over."""
    qs = Incident.objects.filter(
        Q(scope="") | Q(scope=phone_number_id), closed_at__isnull=True, pauses_sending=True
    )
    if qs.exists():
        for incident in qs:
            close_incidents(incident.kind, scope=incident.scope)
