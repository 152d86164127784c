"""Case events become outgoing deliveries, inside the transaction of the change.

`Case.move_to` is the one place a state changes, and it writes a `CaseEvent` in its own
transaction; the receiver below runs in that same transaction and writes one
`EventDelivery` and its job row per matching subscription (a transactional outbox: the
job queue is a table of the same database). A change that rolls back takes its deliveries
with it; one that commits has them recorded before anyone can see the new state.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models.signals import post_save
from django.dispatch import receiver

from loket.cases.models import Case, CaseEvent
from loket.core.rows import read_column
from loket.hooks import payloads
from loket.hooks.delivery import schedule
from loket.hooks.models import EventDelivery, Subscription

CASE_CREATED = "case.created"
STATE_CHANGED = "case.state_changed"


_ANY_ACTIVE = f"SELECT 1 FROM {Subscription._meta.db_table} WHERE active = %s LIMIT 1"  # noqa: S608 - our table


def _active() -> list[Subscription]:
    # One small query per state change (written out: most installations subscribe nothing);
    # none of the case's own unless someone subscribes.
    if not read_column(_ANY_ACTIVE, [True]):
        return []
    return list(Subscription.objects.filter(active=True))


def record(
    event: str,
    case: Case,
    *,
    occurred_at: dt.datetime,
    change: dict | None = None,
    active: list[Subscription] | None = None,
) -> list[EventDelivery]:
    """Record this event of `case` for every active subscription that wants it."""
    candidates = _active() if active is None else active
    wanted = [s for s in candidates if s.wants(event, case.service, case.kode_kecamatan, case.office_id)]
    if not wanted:
        return []
    event_id = uuid.uuid4()
    name = payloads.kecamatan_name(case)
    deliveries = []
    for subscription in wanted:
        personal = subscription.personal and payloads.personal_allowed()
        body = payloads.case_body(
            event,
            event_id,
            case,
            occurred_at=occurred_at,
            change=change,
            personal=personal,
            kecamatan_name=name,
        )
        delivery = EventDelivery.objects.create(
            subscription=subscription,
            event=event,
            event_id=event_id,
            case=case,
            payload=body,
            personal=personal,
        )
        schedule(delivery)
        deliveries.append(delivery)
    return deliveries


@receiver(post_save, sender=CaseEvent, dispatch_uid="hooks.case_event")
def case_event(sender, instance: CaseEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw or instance.from_state == instance.to_state:
        return  # a note on the case (a file, consent) is no state change
    active = _active()
    if not active:
        return
    case = Case.objects.get(pk=instance.case_id)
    change = {
        "from": instance.from_state,
        "to": instance.to_state,
        "source": instance.source,
        # Increases with every state change in this installation: a receiver that sees an
        # older sequence after a newer one for the same case (a manual retry) keeps the newer.
        "sequence": instance.pk,
    }
    record(STATE_CHANGED, case, occurred_at=instance.at, change=change, active=active)


@receiver(post_save, sender=Case, dispatch_uid="hooks.case_created")
def case_created(sender, instance: Case, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        record(CASE_CREATED, instance, occurred_at=instance.created_at)
