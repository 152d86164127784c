"""Managing subscriptions (the console page and `loket hooks` use these, nothing else)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from loket.hooks import payloads, targets
from loket.hooks.delivery import schedule
from loket.hooks.models import EVENT_TYPES, PING, EventDelivery, Subscription
from loket.hooks.signing import new_secret
from loket.offices.models import default_office


class Refused(ValueError):
    """A subscription that cannot be made as asked; `str()` says why, in Bahasa."""


@dataclass
class Draft:
    name: str
    url: str
    events: list[str]
    services: list[str]
    kecamatan: list[str]
    personal: bool = False


def check(draft: Draft, *, known_services: list[str], known_kecamatan: list[str]) -> Draft:
    name = " ".join(draft.name.split())
    if not name:
        raise Refused("Beri nama langganan (mis. SIAK Kecamatan Cisoka).")
    if len(name) > 80:
        raise Refused("Nama langganan paling panjang 80 huruf.")
    url = draft.url.strip()
    if len(url) > 500:
        raise Refused("Alamat webhook terlalu panjang (paling banyak 500 karakter).")
    try:
        targets.vet(url)
    except targets.TargetRefused as exc:
        raise Refused(str(exc)) from None
    events = [e for e in EVENT_TYPES if e in draft.events]
    if not events or len(events) != len(set(draft.events)):
        raise Refused("Pilih paling sedikit satu peristiwa yang dikenal.")
    unknown = [s for s in draft.services if s not in known_services] + [
        k for k in draft.kecamatan if k not in known_kecamatan
    ]
    if unknown:
        raise Refused(f"Layanan atau kecamatan tidak dikenal: {', '.join(unknown)}.")
    if draft.personal and not payloads.personal_allowed():
        raise Refused(
            "Data pribadi (NIK/KK, nama) hanya boleh dikirim bila instalasi mengizinkannya "
            "(LOKET_API_PERSONAL_DATA=1, untuk kantor dengan PKS hak akses Dukcapil)."
        )
    return Draft(name, url, events, sorted(set(draft.services)), sorted(set(draft.kecamatan)), draft.personal)


def create(
    draft: Draft,
    *,
    office_id: int | None = None,
    created_by=None,
    known_services: list[str],
    known_kecamatan: list[str],
) -> Subscription:
    """A new active subscription with a fresh secret (`subscription.secret`: show it once)."""
    draft = check(draft, known_services=known_services, known_kecamatan=known_kecamatan)
    return Subscription.objects.create(
        office_id=office_id if office_id is not None else default_office(),
        name=draft.name,
        url=draft.url,
        secret=new_secret(),
        events=draft.events,
        services=draft.services,
        kecamatan=draft.kecamatan,
        personal=draft.personal,
        created_by=created_by,
    )


def deactivate(subscription: Subscription) -> bool:
    """Stop sending (deliveries still waiting end failed at their next attempt). False if already off."""
    return bool(
        Subscription.objects.filter(pk=subscription.pk, active=True).update(
            active=False, deactivated_at=timezone.now()
        )
    )


def ping(subscription: Subscription) -> EventDelivery:
    """A `ping` event to this subscription alone (signed like any other)."""
    now = timezone.now()
    event_id = uuid.uuid4()
    with transaction.atomic():
        delivery = EventDelivery.objects.create(
            subscription=subscription,
            event=PING,
            event_id=event_id,
            payload=payloads.ping_body(event_id, now, subscription.name, subscription.office.code),
        )
        schedule(delivery)
    return delivery


def retry(deliveries) -> int:
    """Send failed deliveries again (same delivery id: receivers that have it drop it)."""
    count = 0
    for delivery in deliveries.filter(status=EventDelivery.Status.FAILED, subscription__active=True):
        with transaction.atomic():
            if EventDelivery.objects.filter(pk=delivery.pk, status=EventDelivery.Status.FAILED).update(
                status=EventDelivery.Status.PENDING, attempts=0, failed_at=None, next_attempt_at=None
            ):
                schedule(delivery, retry=True)
                count += 1
    return count


@dataclass
class Health:
    last_success: dt.datetime | None
    pending: int
    failed: int  # failed deliveries still on record (not sent again)
    failed_recently: int  # of those, in the last day


def health(subscriptions: list[Subscription]) -> dict[int, Health]:
    day_ago = timezone.now() - dt.timedelta(days=1)
    failed = Q(deliveries__status=EventDelivery.Status.FAILED)
    rows = (
        Subscription.objects.filter(pk__in=[s.pk for s in subscriptions])
        .annotate(
            last_success=Max("deliveries__delivered_at"),
            pending=Count("deliveries", filter=Q(deliveries__status=EventDelivery.Status.PENDING)),
            failed=Count("deliveries", filter=failed),
            failed_recently=Count("deliveries", filter=failed & Q(deliveries__failed_at__gte=day_ago)),
        )
        .values_list("pk", "last_success", "pending", "failed", "failed_recently")
    )
    return {pk: Health(last, pending, failed, recent) for pk, last, pending, failed, recent in rows}
