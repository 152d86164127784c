"""The channel's personal data under the retention rules (loket.privacy): message contents,
our replies, and the raw webhook deliveries. Registered from the app's `ready()`. Messages
and replies follow the messages period of the resident's office (docs/offices.md).

Never removed: a message not yet handled (it would be lost), a reply not yet sent or held
for an officer, a delivery not yet dispatched or set aside in quarantine (an administrator
retries it from its body). Kept: each row's type, status, times and links, so counts and
the conversation's shape survive.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet

from loket.channels.whatsapp import outbox
from loket.channels.whatsapp.models import Delivery, GuidedConversation, InboundMessage, OutboundMessage
from loket.core.storage import delete_files
from loket.privacy import retention, rights
from loket.privacy.retention import Cutoffs, Kind, chunks

UNSENT = [OutboundMessage.Status.QUEUED, OutboundMessage.Status.SENDING, OutboundMessage.Status.HELD]


def expired_messages(limits: Cutoffs) -> QuerySet:
    """Texts past the messages period of the resident's office (the office of the number
    written to); a message to a number no office registered has no resident: the
    installation's period."""
    qs = (
        InboundMessage.objects.filter(purged_at__isnull=True, handled_at__isnull=False)
        .filter(limits.messages_expired("received_at", "resident__office_id"))
        .exclude(media_state=InboundMessage.Media.PENDING)
    )
    return qs if limits.residents is None else qs.filter(resident_id__in=limits.residents)


def remove_messages(qs: QuerySet, limits: Cutoffs) -> int:
    # Lock the messages only: the office is read through the resident (an outer join).
    ids = list(qs.select_for_update(of=("self",)).values_list("pk", flat=True))
    for part in chunks(ids):
        InboundMessage.objects.filter(pk__in=part).update(
            payload={}, summary=limits.mark, media_error="", purged_at=limits.now
        )
    return len(ids)


def expired_replies(limits: Cutoffs) -> QuerySet:
    qs = (
        OutboundMessage.objects.filter(purged_at__isnull=True)
        .filter(limits.messages_expired("created_at", "resident__office_id"))
        .exclude(status__in=UNSENT)
    )
    return qs if limits.residents is None else qs.filter(resident_id__in=limits.residents)


def remove_replies(qs: QuerySet, limits: Cutoffs) -> int:
    rows = list(qs.select_for_update(of=("self",)).values_list("pk", "document"))
    for part in chunks([pk for pk, _ in rows]):
        OutboundMessage.objects.filter(pk__in=part).update(
            text=limits.mark,
            interactive=None,
            template_params=[],
            document="",
            document_name="",
            last_error_details="",
            purged_at=limits.now,
        )
    names = [name for _, name in rows if name]
    if names:
        transaction.on_commit(lambda: delete_files(names))
    return len(rows)


def _in_quarantine() -> Q:
    """Deliveries an administrator may still retry from their body. The quarantine fields
    arrive with the ingest's poison handling; until they exist nothing is quarantined."""
    fields = {f.name for f in Delivery._meta.get_fields()}
    kept = Q(pk__in=[])
    if "quarantined_at" in fields:
        kept |= Q(quarantined_at__isnull=False)
    if "quarantined_items" in fields:
        kept |= Q(quarantined_items__status="quarantined")
    return kept


def _short_message_offices(limits: Cutoffs) -> list[int]:
    """Offices whose messages period ends before the installation's deliveries period."""
    return [pk for pk, instant in limits.office_messages.items() if instant > limits.deliveries]


def expired_deliveries(limits: Cutoffs) -> QuerySet:
    """Bodies past LOKET_RETAIN_DELIVERIES_DAYS (the installation's: one POST may carry several
    numbers' changes, or a number no office registered). A body also holds the texts of the
    messages it carried: where their office keeps messages for less, it goes with them."""
    expired = Q(received_at__lte=limits.deliveries)
    short = _short_message_offices(limits)
    if short:
        carried = InboundMessage.objects.filter(resident__office_id__in=short).filter(
            limits.messages_expired("received_at", "resident__office_id")
        )
        expired |= Q(pk__in=carried.values("delivery_id"))
    qs = Delivery.objects.filter(expired, purged_at__isnull=True, dispatched_at__isnull=False)
    if limits.residents is not None:
        qs = qs.filter(messages__resident_id__in=limits.residents)
    # A subquery, not a join: a delivery counts once whatever it holds.
    return Delivery.objects.filter(pk__in=qs.values("pk")).exclude(
        pk__in=Delivery.objects.filter(_in_quarantine()).values("pk")
    )


def remove_deliveries(qs: QuerySet, limits: Cutoffs) -> int:
    ids = list(qs.values_list("pk", flat=True))
    for part in chunks(ids):
        Delivery.objects.filter(pk__in=part).update(body=b"", purged_at=limits.now)
    return len(ids)


def tell_resident(resident, text: str) -> None:
    """How an erasure decision reaches the resident: a reply on the number they wrote to."""
    outbox.enqueue(resident, text=text)


# Guided answers are wiped when a conversation ends (sent, left, expired); this catches any
# left behind (a worker down for a day) and an erasure request.
GUIDED_ANSWERS_DAYS = 1


def expired_guided(limits: Cutoffs) -> QuerySet:
    qs = GuidedConversation.objects.exclude(answers={}, pending={})
    if limits.residents is not None:
        return qs.filter(resident_id__in=limits.residents)
    return qs.filter(asked_at__lte=limits.now - dt.timedelta(days=GUIDED_ANSWERS_DAYS))


def remove_guided(qs: QuerySet, limits: Cutoffs) -> int:
    ids = list(qs.select_for_update().values_list("pk", flat=True))
    for part in chunks(ids):
        GuidedConversation.objects.filter(pk__in=part).update(
            answers={}, pending={}, choices=[], step="", key="", service=""
        )
    return len(ids)


def register() -> None:
    rights.register_notifier(tell_resident)
    retention.register(Kind("messages", "Isi pesan masuk", 30, expired_messages, remove_messages))
    retention.register(Kind("replies", "Isi pesan keluar", 40, expired_replies, remove_replies))
    retention.register(
        Kind("deliveries", "Kiriman webhook mentah", 50, expired_deliveries, remove_deliveries)
    )
    retention.register(Kind("guided", "Jawaban percakapan terpandu", 60, expired_guided, remove_guided))
