"""Splitting stored deliveries into messages and statuses (worker side).

Every entry, change, message and status of a delivery is handled; pywa reads only the
first one, which is why we own this part. Each message becomes one `InboundMessage`
(unique WhatsApp id: a redelivery finds it already there) and one job keyed by that id,
ordered per resident so that one resident's messages are handled one at a time in
timestamp order while different residents run in parallel.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from loket.cases.models import Resident
from loket.channels.whatsapp.media import FILE_TYPES, MEDIA_TYPES
from loket.channels.whatsapp.models import Delivery, InboundMessage, OutboundMessage, PhoneNumber
from loket.channels.whatsapp.sending import release_held
from loket.jobs import queue

log = logging.getLogger(__name__)

DISPATCH = "whatsapp.dispatch_deliveries"
HANDLE_MESSAGE = "whatsapp.handle_message"
APPLY_STATUS = "whatsapp.apply_status"
KNOWN_TYPES = frozenset(
    {"text", "interactive", "button", "location", "contacts", "reaction", "system", "order"} | MEDIA_TYPES
)


def ordering_key(resident: Resident) -> str:
    return f"wa-resident:{resident.pk}"


def dispatch_pending(limit: int = 50) -> int:
    """Dispatch stored deliveries not yet split, oldest first, in one batch. Returns how many.

    One batch sorts the messages of all its deliveries together, so that one resident's
    messages arriving in separate, shuffled deliveries still run in timestamp order. A
    delivery that makes the batch fail is then dispatched alone, so it cannot block others.
    """
    try:
        with transaction.atomic():
            return _dispatch(Delivery.objects.filter(dispatched_at__isnull=True).order_by("pk")[:limit])
    except Exception:
        log.exception("batch dispatch failed; dispatching deliveries one by one")
    ids = list(
        Delivery.objects.filter(dispatched_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for pk in ids:
        try:
            done += dispatch(pk)
        except Exception:
            log.exception("delivery %s could not be dispatched; it stays stored for another try", pk)
    return done


def dispatch(delivery_id: int) -> int:
    """Record every message and status of one delivery; safe to run twice or concurrently."""
    with transaction.atomic():
        return _dispatch(Delivery.objects.filter(pk=delivery_id, dispatched_at__isnull=True))


def _dispatch(deliveries) -> int:
    # Call inside a transaction: rows another worker is splitting are skipped, not waited for.
    batch = list(deliveries.select_for_update(skip_locked=True))
    pending: list[tuple[InboundMessage, Resident]] = []
    numbers: dict[str, PhoneNumber | None] = {}  # a batch is mostly deliveries to one or two numbers
    clean: list[int] = []  # deliveries without flags: marked dispatched in one statement
    for delivery in batch:
        flags: list[str] = list(delivery.flags)
        try:
            data = json.loads(bytes(delivery.body))
        except (ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            flags.append("invalid_json")
            log.warning("delivery %s is not a JSON object; kept and flagged", delivery.pk)
        else:
            pending += _split(delivery, data, flags, numbers)
        if flags:
            Delivery.objects.filter(pk=delivery.pk).update(dispatched_at=timezone.now(), flags=flags)
        else:
            clean.append(delivery.pk)
    if clean:
        Delivery.objects.filter(pk__in=clean).update(dispatched_at=timezone.now())
    # One resident's messages in WhatsApp's timestamp order, whatever order they came in.
    pending.sort(key=lambda pair: (pair[0].sent_at, pair[0].pk))
    # Not chained to this worker (no `soon`): every free worker takes the next message,
    # oldest first, so a batch of deliveries spreads over all workers at once.
    for message, resident in pending:
        queue.enqueue(
            HANDLE_MESSAGE,
            {"message_id": message.pk},
            key=f"wa-msg:{message.wamid}",
            ordering_key=ordering_key(resident),
            priority=5,
        )
    return len(batch)


def _split(
    delivery: Delivery, data: dict, flags: list[str], numbers: dict[str, PhoneNumber | None]
) -> list[tuple[InboundMessage, Resident]]:
    if data.get("object") not in (None, "whatsapp_business_account"):
        flags.append(f"object:{data.get('object')}")
    pending: list[tuple[InboundMessage, Resident]] = []
    residents: dict[tuple, Resident] = {}  # a big batch is often many messages of a few people
    for entry in _items(data.get("entry")):
        for change in _items(entry.get("changes")):
            field, value = change.get("field"), change.get("value")
            if not isinstance(value, dict):
                flags.append("change_without_value")
                continue
            if field != "messages":
                # Template, quality and account updates are kept in the delivery for admins.
                flags.append(f"field:{field}")
                continue
            phone_number_id = str((value.get("metadata") or {}).get("phone_number_id") or "")
            if phone_number_id not in numbers:
                numbers[phone_number_id] = PhoneNumber.objects.filter(
                    phone_number_id=phone_number_id, active=True
                ).first()
            number = numbers[phone_number_id]
            for error in _items(value.get("errors")):
                flags.append(f"error:{error.get('code')}")
            for status in _items(value.get("statuses")):
                _enqueue_status(phone_number_id, status)
            contacts = _items(value.get("contacts"))
            for message in _items(value.get("messages")):
                recorded = _record_message(
                    delivery, number, phone_number_id, contacts, message, flags, residents
                )
                if recorded is not None:
                    pending.append(recorded)
    return pending


def _items(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _enqueue_status(phone_number_id: str, status: dict) -> None:
    wamid, state = status.get("id", ""), status.get("status", "")
    # (id, status) is what Meta may repeat; a failed status may differ only in its errors.
    queue.enqueue(
        APPLY_STATUS,
        {"phone_number_id": phone_number_id, "status": status},
        key=f"wa-status:{wamid}:{state}"[:200],
        priority=3,
    )


def _sent_at(message: dict) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(int(message.get("timestamp")), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError):
        return timezone.now()


def _contact_for(message: dict, contacts: list[dict]) -> dict:
    for contact in contacts:
        if (message.get("from") and contact.get("wa_id") == message.get("from")) or (
            message.get("from_user_id") and contact.get("user_id") == message.get("from_user_id")
        ):
            return contact
    return contacts[0] if len(contacts) == 1 else {}


def resident_for(
    phone_number_id: str, *, wa_id: str, bsuid: str, name: str = "", writing_at: dt.datetime | None = None
) -> Resident:
    """The resident writing to this office number: found by BSUID or WhatsApp id, else created
    (with the time of the message it wrote, `writing_at`, as its last inbound message)."""
    match = Q(pk__in=[])
    if bsuid:
        match |= Q(bsuid=bsuid) | Q(user_id=bsuid)
    if wa_id:
        match |= Q(wa_id=wa_id) | Q(user_id=wa_id)
    resident = Resident.objects.filter(match, channel_number=phone_number_id).order_by("pk").first()
    if resident is None:
        try:
            with transaction.atomic():
                return Resident.objects.create(
                    channel_number=phone_number_id,
                    user_id=bsuid or wa_id,
                    wa_id=wa_id,
                    phone=wa_id,
                    bsuid=bsuid,
                    profile_name=name[:200],
                    last_inbound_at=writing_at,
                )
        except IntegrityError:
            resident = Resident.objects.get(channel_number=phone_number_id, user_id=bsuid or wa_id)
    changed = {}
    # The phone number is an attribute that may appear later (or change): keep the newest.
    if wa_id and resident.wa_id != wa_id:
        changed.update(wa_id=wa_id, phone=wa_id)
    if bsuid and resident.bsuid != bsuid:
        changed["bsuid"] = bsuid
    if name and resident.profile_name != name[:200]:
        changed["profile_name"] = name[:200]
    if changed:
        Resident.objects.filter(pk=resident.pk).update(**changed)
        for attr, value in changed.items():
            setattr(resident, attr, value)
    return resident


def _record_message(
    delivery: Delivery,
    number: PhoneNumber | None,
    phone_number_id: str,
    contacts: list[dict],
    message: dict,
    flags: list[str],
    residents: dict[tuple, Resident],
) -> tuple[InboundMessage, Resident] | None:
    wamid = str(message.get("id") or "")
    if not wamid:
        flags.append("message_without_id")
        return None
    kind = str(message.get("type") or "unknown")
    contact = _contact_for(message, contacts)
    wa_id = str(message.get("from") or contact.get("wa_id") or "")
    bsuid = str(message.get("from_user_id") or contact.get("user_id") or "")
    msg_flags = []
    sent_at = _sent_at(message)
    if kind not in KNOWN_TYPES:
        msg_flags.append("unsupported")
    if message.get("errors"):
        msg_flags.append("errors:" + ",".join(str(e.get("code")) for e in _items(message.get("errors"))))
    resident = None
    if number is None:
        msg_flags.append("unknown_number")
        if f"unknown_number:{phone_number_id}" not in flags:
            flags.append(f"unknown_number:{phone_number_id}")
            log.error("delivery %s names unregistered phone_number_id %s", delivery.pk, phone_number_id)
    elif wa_id or bsuid:
        name = str((contact.get("profile") or {}).get("name") or "")
        who = (phone_number_id, wa_id, bsuid, name)
        if who not in residents:
            residents[who] = resident_for(
                phone_number_id, wa_id=wa_id, bsuid=bsuid, name=name, writing_at=sent_at
            )
        resident = residents[who]
    else:
        msg_flags.append("no_sender")
    try:
        with transaction.atomic():
            record = InboundMessage.objects.create(
                wamid=wamid,
                delivery=delivery,
                phone_number_id=phone_number_id,
                resident=resident,
                type=kind,
                sent_at=sent_at,
                payload=message,
                summary=summarise(message)[:4000],
                flags=msg_flags,
                media_state=InboundMessage.Media.PENDING if kind in FILE_TYPES else "",
                # Nothing to do for a message no one may answer: officers see it flagged.
                handled_at=timezone.now() if resident is None else None,
            )
    except IntegrityError:
        return None  # a redelivery (Meta repeats for days), or the same message in a concurrent one
    if resident is None:
        return None
    _window_opened(resident, sent_at)
    return record, resident


def _window_opened(resident: Resident, sent_at: dt.datetime) -> None:
    """A message from the resident opens (or extends) the 24-hour window, so what waited
    for it (held outside the window) may go now."""
    # The column only moves forward, so a newer value read earlier means nothing to do
    # (a resident created just now starts with it: no UPDATE, and nothing can be held).
    if resident.last_inbound_at is not None and resident.last_inbound_at >= sent_at:
        return
    opened = (
        Resident.objects.filter(pk=resident.pk)
        .filter(Q(last_inbound_at__isnull=True) | Q(last_inbound_at__lt=sent_at))
        .update(last_inbound_at=sent_at)
    )
    resident.last_inbound_at = sent_at
    if (
        opened
        and OutboundMessage.objects.filter(resident=resident, status=OutboundMessage.Status.HELD).exists()
    ):
        release_held(resident=resident)


def summarise(message: dict) -> str:
    """One line an officer reads for any message type."""
    kind = message.get("type")
    body = message.get(kind) if isinstance(message.get(kind), dict) else {}
    if kind == "text":
        return str(body.get("body", ""))
    if kind in MEDIA_TYPES:
        detail = body.get("caption") or body.get("filename") or ""
        voice = " (pesan suara)" if body.get("voice") else ""
        return f"[{kind}{voice}] {detail}".strip()
    if kind == "location":
        place = " ".join(str(body.get(k, "")) for k in ("name", "address")).strip()
        return f"[lokasi] {body.get('latitude')},{body.get('longitude')} {place}".strip()
    if kind == "contacts":
        names = [
            str((c.get("name") or {}).get("formatted_name", "")) for c in _items(message.get("contacts"))
        ]
        return "[kontak] " + ", ".join(names)
    if kind == "interactive":
        reply = body.get(body.get("type", ""), {}) if isinstance(body.get(body.get("type", "")), dict) else {}
        if body.get("type") == "nfm_reply":
            return f"[formulir] {reply.get('response_json', '')}"
        return f"[pilihan] {reply.get('title', '')}"
    if kind == "button":
        return f"[tombol] {body.get('text', '')}"
    if kind == "reaction":
        return f"[reaksi] {body.get('emoji', '') or '(dihapus)'}"
    if kind == "system":
        return f"[sistem] {body.get('body', '')}"
    return f"[{kind}] jenis pesan belum didukung"
