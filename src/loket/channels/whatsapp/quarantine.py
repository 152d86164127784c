"""Poison set aside: deliveries and items the worker cannot record, and what admins do with them.

A delivery is quarantined when its body cannot be read at all (not JSON, nested too deep,
not an object), or when dispatching it failed `LOKET_WA_DISPATCH_ATTEMPTS` times for a
reason we do not know. One message or status inside a delivery is quarantined on its own
(`QuarantinedItem`) when it can never be stored as it is (an oversized or unstorable id or
sender) or when it kept failing; the rest of its delivery goes on.

Any quarantine opens the incident `quarantine` (console banner, one log line when it
opens; later quarantines only refresh it). The incident stays open while anything is quarantined and not yet retried or
discarded by an administrator (`/console/karantina/`), and closes when the last one is.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from loket.channels.whatsapp import incidents
from loket.channels.whatsapp.cleaning import clean_text
from loket.channels.whatsapp.models import Delivery, Incident, QuarantinedItem

KIND = Incident.Kind.QUARANTINE
INCIDENT_MESSAGE = (
    "Ada kiriman atau pesan masuk yang tidak bisa diproses dan dikarantina; pesan lain tetap "
    "berjalan. Periksa di halaman Karantina: coba ulang atau buang."
)
REASONS = {
    "invalid_json": "Isi kiriman bukan JSON yang terbaca",
    "not_an_object": "Isi kiriman bukan objek JSON",
    "too_deep": "Struktur JSON terlalu dalam",
    "oversized_id": "ID pesan terlalu panjang",
    "invalid_id": "ID pesan tidak sah",
    "oversized_sender": "Nomor/ID pengirim terlalu panjang",
    "invalid_sender": "Nomor/ID pengirim tidak sah",
    "oversized_number": "ID nomor kantor terlalu panjang",
    "invalid_number": "ID nomor kantor tidak sah",
    "failed": "Gagal berulang kali",
}
# Long digit runs in an error message may be a phone number, NIK or KK: never stored.
_DIGITS = re.compile(r"\d{5,}")


def describe(exc: BaseException) -> str:
    """Exception type and the first line of its message, without personal data."""
    first = (str(exc).strip().splitlines() or [""])[0]
    first = _DIGITS.sub(lambda m: "#" * len(m.group()), clean_text(first))
    return f"{type(exc).__name__}: {first}"[:300]


def reason_label(reason: str) -> str:
    return REASONS.get(reason, reason)


def masked(value: Any, keep: int = 4) -> str:
    """Only the last characters of a sender or id, for the admin's page (never the whole)."""
    text = clean_text(str(value or ""))
    if not text:
        return ""
    return f"•••• {text[-keep:]}" if len(text) > keep else "••••"


def count() -> int:
    """Quarantined deliveries and items not yet retried or discarded (`/readyz`, `/metrics`)."""
    return (
        Delivery.objects.filter(quarantined_at__isnull=False).count()
        + QuarantinedItem.objects.filter(status=QuarantinedItem.Status.QUARANTINED).count()
    )


def quarantine_delivery(delivery_id: int, reason: str, error: str, *, count_attempt: bool = False) -> None:
    """Set a delivery aside (in the caller's transaction); the incident opens on commit."""
    fields: dict[str, Any] = {"quarantined_at": timezone.now(), "error": f"{reason}: {error}"[:1000]}
    if count_attempt:
        fields["attempts"] = F("attempts") + 1
    Delivery.objects.filter(pk=delivery_id).update(**fields)
    _noted.quarantined = True


def quarantine_item(
    delivery: Delivery, *, path: str, kind: str, reason: str, error: str, metadata: dict
) -> QuarantinedItem:
    item = QuarantinedItem.objects.create(
        delivery=delivery, path=path, kind=kind, reason=reason, error=error[:1000], metadata=metadata
    )
    _noted.quarantined = True
    return item


def record_failure(delivery_id: int, error: str, max_attempts: int) -> bool:
    """Count one failed try of a delivery in its own transaction (the try itself was rolled
    back); quarantine it at `max_attempts`. Returns True when it is quarantined now."""
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery_id).update(attempts=F("attempts") + 1, error=error[:1000])
        attempts = Delivery.objects.filter(pk=delivery_id).values_list("attempts", flat=True).first()
        if attempts is None or attempts < max_attempts:
            return False
        quarantine_delivery(delivery_id, "failed", error)
        return True


# Quarantines happen inside the dispatch's transactions, which may still roll back; the
# incident is opened after them (`open_incident_if_quarantined`), from what was committed.
_noted = threading.local()


def open_incident_if_quarantined() -> None:
    """Open (or refresh) the incident when this thread quarantined something and it stuck."""
    if getattr(_noted, "quarantined", False):
        _noted.quarantined = False
        if count():
            incidents.open_incident(KIND, INCIDENT_MESSAGE)


def close_if_clear() -> None:
    """Close the incident once nothing is left to review."""
    if count() == 0:
        incidents.close_incidents(KIND)


def retry_delivery(delivery_id: int) -> bool:
    """Put a quarantined delivery back in the queue with fresh tries; False if it was not quarantined."""
    with transaction.atomic():
        done = Delivery.objects.filter(pk=delivery_id, quarantined_at__isnull=False).update(
            quarantined_at=None, attempts=0
        )
    close_if_clear()
    return bool(done)


def discard_delivery(delivery_id: int) -> bool:
    """Give up on a quarantined delivery: it stays stored (flagged `discarded`), never dispatched."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .filter(pk=delivery_id, quarantined_at__isnull=False, dispatched_at__isnull=True)
            .first()
        )
        if delivery is None:
            return False
        Delivery.objects.filter(pk=delivery_id).update(
            quarantined_at=None, dispatched_at=timezone.now(), flags=[*delivery.flags, "discarded"]
        )
    close_if_clear()
    return True


def resolve_item(item_id: int, status: str) -> QuarantinedItem | None:
    """Mark a quarantined item retried or discarded; None when it was already resolved."""
    done = QuarantinedItem.objects.filter(pk=item_id, status=QuarantinedItem.Status.QUARANTINED).update(
        status=status, resolved_at=timezone.now()
    )
    return QuarantinedItem.objects.get(pk=item_id) if done else None
