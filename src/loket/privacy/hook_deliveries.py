"""Outgoing webhook deliveries (`loket.hooks`) in the retention registry.

Their payload snapshots name a case and, for a `personal` subscription, its NIK/KK and
names. A delivery that is finished (delivered or failed) is deleted
`LOKET_RETAIN_HOOK_DELIVERIES_DAYS` after it was recorded; one still being retried is kept
until it finishes. A resident's erasure empties the snapshots of their cases at once (and
stops those still waiting: nothing about them leaves Loket afterwards).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from loket.hooks.models import EventDelivery
from loket.privacy import retention
from loket.privacy.retention import Cutoffs, Kind


def expired(limits: Cutoffs) -> QuerySet:
    if limits.residents is not None:
        return EventDelivery.objects.filter(case__resident_id__in=limits.residents).exclude(payload={})
    days = retention.period_days("LOKET_RETAIN_HOOK_DELIVERIES_DAYS")
    return EventDelivery.objects.exclude(status=EventDelivery.Status.PENDING).filter(
        created_at__lte=limits.now - dt.timedelta(days=days)
    )


def remove(qs: QuerySet, limits: Cutoffs) -> int:
    if limits.residents is None:
        deleted, _ = qs.delete()
        return deleted
    ids = list(qs.values_list("pk", flat=True))
    for chunk in retention.chunks(ids):
        rows = EventDelivery.objects.filter(pk__in=chunk)
        rows.filter(status=EventDelivery.Status.PENDING).update(
            status=EventDelivery.Status.FAILED, failed_at=limits.now, next_attempt_at=None
        )
        rows.update(payload={}, personal=False, last_error=limits.mark)
    return len(ids)


retention.register(Kind("hook_deliveries", "Kiriman webhook (isi kabar)", 60, expired, remove))
