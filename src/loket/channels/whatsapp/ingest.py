"""Splitting stored deliveries into messages and statuses (worker side).

Every entry, change, message and status of a delivery is handled; pywa reads only the
first one, which is why we own this part. Each message becomes one `InboundMessage`
(unique WhatsApp id: a redelivery finds it already there) and one job keyed by that id,
ordered per resident so that one resident's messages are handled one at a time in
timestamp order while different residents run in parallel.

Nothing in a delivery can stop the queue: each item is recorded in its own savepoint, text
the database cannot hold is cleaned (`cleaning`), an item that can never be stored is set
aside (`quarantine`), a delivery that keeps failing is quarantined after
LOKET_WA_DISPATCH_ATTEMPTS tries, and a large delivery is split into transactions of at
most LOKET_WA_DISPATCH_CHUNK items.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from loket.cases.models import Resident
from loket.channels.whatsapp import cleaning, quarantine
from loket.channels.whatsapp.media import FILE_TYPES, MEDIA_TYPES
from loket.channels.whatsapp.models import (
    Delivery,
    InboundMessage,
    OutboundMessage,
    PhoneNumber,
    QuarantinedItem,
)
from loket.channels.whatsapp.sending import release_held
from loket.core.rows import fetch_row, fetch_rows, insert_row, read_column, update_row
from loket.jobs import queue
from loket.offices.models import default_office

log = logging.getLogger(__name__)

DISPATCH = "whatsapp.dispatch_deliveries"
HANDLE_MESSAGE = "whatsapp.handle_message"
APPLY_STATUS = "whatsapp.apply_status"


def _max_length(model: type[Model], name: str) -> int:
    length = getattr(model._meta.get_field(name), "max_length", None)
    assert isinstance(length, int), f"{model.__name__}.{name} has no max_length"
    return length


# The columns' lengths: a longer identifier is quarantined, never truncated.
WAMID_LENGTH = _max_length(InboundMessage, "wamid")
NUMBER_LENGTH = _max_length(InboundMessage, "phone_number_id")
TYPE_LENGTH = _max_length(InboundMessage, "type")
WA_ID_LENGTH = _max_length(Resident, "wa_id")
USER_ID_LENGTH = _max_length(Resident, "user_id")
KNOWN_TYPES = frozenset(
    {"text", "interactive", "button", "location", "contacts", "reaction", "system", "order"} | MEDIA_TYPES
)


def ordering_key(resident: Resident) -> str:
    return f"wa-resident:{resident.pk}"


@dataclass
class Item:
    """One message or status of a delivery, where it sits in the body and what surrounds it."""

    kind: str  # "message" or "status"
    path: str  # entry[0].changes[1].value.messages[3]
    body: dict
    phone_number_id: Any
    contacts: list[dict]


@dataclass
class _Batch:
    """What one transaction shares across its deliveries."""

    numbers: dict[str, PhoneNumber | None] = field(default_factory=dict)  # mostly one or two numbers
    residents: dict[tuple, Resident] = field(default_factory=dict)  # often many messages of a few people
    pending: list[tuple[InboundMessage, Resident]] = field(default_factory=list)
    # WhatsApp ids of this chunk already stored: a redelivery is skipped without an INSERT.
    known: set[str] = field(default_factory=set)


# A database that is away is not poison: the job fails and the worker waits for it.
OUTAGE = (OperationalError, InterfaceError)


def waiting() -> QuerySet[Delivery]:
    """Deliveries still to split: not dispatched and not quarantined, oldest first."""
    return Delivery.objects.filter(dispatched_at__isnull=True, quarantined_at__isnull=True).order_by("pk")


def dispatch_pending(limit: int = 50, *, failed: list[int] | None = None) -> int:
    """Dispatch stored deliveries not yet split, oldest first. Returns how many it worked on.

    One batch (one transaction, at most LOKET_WA_DISPATCH_CHUNK items) sorts the messages of
    all its deliveries together, so that one resident's messages arriving in separate,
    shuffled deliveries still run in timestamp order. A larger delivery is split over several
    runs, resuming at `Delivery.progress`. When the batch fails, its deliveries are dispatched
    one by one; a delivery that fails alone has its try counted (`attempts`) and after
    LOKET_WA_DISPATCH_ATTEMPTS tries it is quarantined, so nothing blocks the queue for long.
    `failed` collects the ids of deliveries whose try failed in this run.
    """
    try:
        return _dispatch_pending(limit, failed)
    finally:
        quarantine.open_incident_if_quarantined()


# Deliveries still to split (as `waiting()`), written out: asked at least twice per delivery.
_WAITING = "dispatched_at IS NULL AND quarantined_at IS NULL"
_WAITING_IDS = f"SELECT id FROM {Delivery._meta.db_table} WHERE {_WAITING} ORDER BY id LIMIT %s"  # noqa: S608


def _dispatch_pending(limit: int, failed: list[int] | None) -> int:
    budget = max(1, settings.LOKET_WA_DISPATCH_CHUNK)
    ids = read_column(_WAITING_IDS, [limit])
    if not ids:
        return 0
    try:
        with transaction.atomic():
            return _dispatch(ids, budget)[0]
    except OUTAGE:
        raise
    except Exception as exc:
        log.info("batch dispatch failed (%s); dispatching deliveries one by one", quarantine.describe(exc))
    touched = 0
    for pk in ids:
        if budget <= 0:
            break
        try:
            with transaction.atomic():
                done, used = _dispatch([pk], budget)
            touched, budget = touched + done, budget - used
        except OUTAGE:
            raise
        except Exception as exc:
            error = quarantine.describe(exc)
            if failed is not None:
                failed.append(pk)
            attempts = settings.LOKET_WA_DISPATCH_ATTEMPTS
            if quarantine.record_failure(pk, error, attempts):
                log.info("delivery %s quarantined after %s failed tries: %s", pk, attempts, error)
            else:
                log.info("delivery %s could not be dispatched (%s); tried again later", pk, error)
            touched += 1
    return touched


def dispatch(delivery_id: int) -> int:
    """Record (the next chunk of) one delivery; safe to run twice or concurrently."""
    with transaction.atomic():
        return _dispatch([delivery_id], max(1, settings.LOKET_WA_DISPATCH_CHUNK))[0]


def _dispatch(ids: list[int], budget: int) -> tuple[int, int]:
    """Split these deliveries, at most `budget` items; returns (deliveries worked on, items used).

    Call inside a transaction: rows another worker is splitting are skipped, not waited for.
    """
    batch = fetch_rows(
        Delivery,
        f"{_WAITING} AND id IN ({', '.join(['%s'] * len(ids))}) ORDER BY id",
        ids,
        lock="skip_locked",
    )
    shared = _Batch()
    finished: list[int] = []  # deliveries done in one go without new flags: one statement
    used = worked = 0
    for delivery in batch:
        if used >= budget:
            break
        worked += 1
        used += _split_delivery(delivery, shared, budget - used, finished)
    if len(finished) == 1:  # most deliveries come one by one: written out
        update_row(Delivery, finished[0], {"dispatched_at": timezone.now()})
    elif finished:
        Delivery.objects.filter(pk__in=finished).update(dispatched_at=timezone.now())
    _open_windows(shared.pending)
    # One resident's messages in WhatsApp's timestamp order, whatever order they came in.
    shared.pending.sort(key=lambda pair: (pair[0].sent_at, pair[0].pk))
    # Not chained to this worker (no `soon`): every free worker takes the next message,
    # oldest first, so a batch of deliveries spreads over all workers at once.
    for message, resident in shared.pending:
        queue.enqueue(
            HANDLE_MESSAGE,
            {"message_id": message.pk},
            key=f"wa-msg:{message.wamid}",
            ordering_key=ordering_key(resident),
            priority=5,
        )
    return worked, used


def _split_delivery(delivery: Delivery, shared: _Batch, room: int, finished: list[int]) -> int:
    """Record the next `room` items of one delivery; returns the items used (at least 1)."""
    try:
        data = json.loads(bytes(delivery.body))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        # The same bytes fail the same way every time: no retries.
        Delivery.objects.filter(pk=delivery.pk).update(flags=[*delivery.flags, "invalid_json"])
        quarantine.quarantine_delivery(delivery.pk, "invalid_json", quarantine.describe(exc))
        log.info("delivery %s is not readable JSON; quarantined", delivery.pk)
        return 1
    if not isinstance(data, dict):
        Delivery.objects.filter(pk=delivery.pk).update(flags=[*delivery.flags, "invalid_json"])
        quarantine.quarantine_delivery(delivery.pk, "not_an_object", f"JSON {type(data).__name__}")
        log.info("delivery %s is not a JSON object; quarantined", delivery.pk)
        return 1
    flags: list[str] = list(delivery.flags)
    items = items_of(data, flags)
    start = delivery.progress
    chunk = items[start : start + room]
    final_try = delivery.attempts + 1 >= settings.LOKET_WA_DISPATCH_ATTEMPTS
    shared.known = _already_stored(chunk)
    for item in chunk:
        _record_item(delivery, item, flags, shared, final_try=final_try)
    end = start + len(chunk)
    flags = list(dict.fromkeys(flags))  # once each, first occurrence first
    if end >= len(items) and start == 0 and flags == list(delivery.flags):
        finished.append(delivery.pk)
    elif end >= len(items):
        Delivery.objects.filter(pk=delivery.pk).update(
            dispatched_at=timezone.now(), flags=flags, progress=end
        )
    else:
        Delivery.objects.filter(pk=delivery.pk).update(flags=flags, progress=end)
    return max(1, len(chunk))


# Below this many messages a redelivery's failed INSERTs cost less than one more SELECT.
KNOWN_LOOKUP_FROM = 20


def _already_stored(chunk: list[Item]) -> set[str]:
    """The WhatsApp ids of a big chunk already stored (a redelivered batch): one SELECT."""
    ids = [i.body.get("id") for i in chunk if i.kind == "message"]
    if len(ids) < KNOWN_LOOKUP_FROM:
        return set()
    ids = [i for i in ids if isinstance(i, str) and 0 < len(i) <= WAMID_LENGTH and cleaning.storable(i)]
    return set(InboundMessage.objects.filter(wamid__in=ids).values_list("wamid", flat=True))


def items_of(data: dict, flags: list[str]) -> list[Item]:
    """Every message and status of a delivery, in document order (flags what is not one)."""
    if data.get("object") not in (None, "whatsapp_business_account"):
        flags.append(cleaning.flag(f"object:{data.get('object')}"))
    items: list[Item] = []
    for e, entry in _indexed(data.get("entry")):
        for c, change in _indexed(entry.get("changes")):
            where = f"entry[{e}].changes[{c}].value"
            field_name, value = change.get("field"), change.get("value")
            if not isinstance(value, dict):
                flags.append("change_without_value")
                continue
            if field_name != "messages":
                # Template, quality and account updates are kept in the delivery for admins.
                flags.append(cleaning.flag(f"field:{field_name}"))
                continue
            number = (
                (value.get("metadata") or {}).get("phone_number_id")
                if isinstance(value.get("metadata"), dict)
                else None
            )
            for error in _items(value.get("errors")):
                flags.append(cleaning.flag(f"error:{error.get('code')}"))
            contacts = _items(value.get("contacts"))
            for s, status in _indexed(value.get("statuses")):
                items.append(Item("status", f"{where}.statuses[{s}]", status, number, contacts))
            for m, message in _indexed(value.get("messages")):
                items.append(Item("message", f"{where}.messages[{m}]", message, number, contacts))
    return items


def _indexed(value: Any) -> list[tuple[int, dict]]:
    return (
        [(n, item) for n, item in enumerate(value) if isinstance(item, dict)]
        if isinstance(value, list)
        else []
    )


def _items(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _record_item(
    delivery: Delivery, item: Item, flags: list[str], shared: _Batch, *, final_try: bool
) -> None:
    """Record one item in its own savepoint: poison is quarantined, the rest goes on.

    An unknown error fails the whole delivery (its try is counted and it runs again) until its
    last try, when the item that fails is quarantined instead and the others are recorded.
    """
    try:
        with transaction.atomic():
            if item.kind == "status":
                _record_status(item)
                return
            recorded = _record_message(delivery, item, flags, shared)
    except OUTAGE:
        raise
    except Exception as exc:
        # A rolled-back resident may sit in the cache: forget them all.
        shared.residents.clear()
        if isinstance(exc, cleaning.Poison):
            reason = exc.reason
        elif final_try:
            reason = "failed"
        else:
            raise
        quarantine.quarantine_item(
            delivery,
            path=item.path,
            kind=item.kind,
            reason=reason,
            error=quarantine.describe(exc),
            metadata=metadata_of(item),
        )
        log.info("delivery %s: %s quarantined (%s)", delivery.pk, item.path, reason)
        return
    if recorded is not None:
        shared.pending.append(recorded)


def metadata_of(item: Item) -> dict:
    """What an administrator sees of a quarantined item: sizes, types, the last digits only."""
    body = item.body
    ident = body.get("id")
    meta = {
        "jenis": cleaning.flag(str(body.get("type") or body.get("status") or ""), 30),
        "nomor_kantor": cleaning.flag(str(item.phone_number_id or ""), 40),
        "panjang_id": len(str(ident)) if ident is not None else 0,
        "id": quarantine.masked(ident, keep=6),
        "pengirim": quarantine.masked(body.get("from") or body.get("recipient_id")),
        "panjang_pengirim": len(str(body.get("from") or body.get("recipient_id") or "")),
    }
    timestamp = body.get("timestamp")
    if isinstance(timestamp, str | int) and str(timestamp).isdigit() and len(str(timestamp)) <= 12:
        meta["waktu"] = _sent_at(body).isoformat()
    return meta


def retry_item(item_id: int) -> QuarantinedItem | None:
    """An administrator's retry: record the item again from its delivery's body.

    Returns the new quarantine row when it fails again (no retries here: the admin sees the
    answer at once), else None. The old row is marked retried either way.
    """
    with transaction.atomic():
        old = quarantine.resolve_item(item_id, QuarantinedItem.Status.RETRIED)
        if old is None:
            return None
        delivery = Delivery.objects.get(pk=old.delivery_id)
        flags: list[str] = list(delivery.flags)
        data = json.loads(bytes(delivery.body))
        item = next((i for i in items_of(data, []) if i.path == old.path), None)
        if item is None:  # cannot happen for a row we wrote; never a crash on the admin's page
            return quarantine.quarantine_item(
                delivery,
                path=old.path,
                kind=old.kind,
                reason="failed",
                error="not found in its delivery",
                metadata={},
            )
        shared = _Batch()
        _record_item(delivery, item, flags, shared, final_try=True)
        _open_windows(shared.pending)
        for message, resident in shared.pending:
            queue.enqueue(
                HANDLE_MESSAGE,
                {"message_id": message.pk},
                key=f"wa-msg:{message.wamid}",
                ordering_key=ordering_key(resident),
                priority=5,
            )
        again = (
            QuarantinedItem.objects.filter(delivery=delivery, path=old.path, pk__gt=old.pk)
            .order_by("-pk")
            .first()
        )
    quarantine.open_incident_if_quarantined()
    quarantine.close_if_clear()
    return again


def _record_status(item: Item) -> None:
    status, _ = cleaning.clean(item.body)
    wamid = cleaning.identifier(status.get("id"), max_length=WAMID_LENGTH, what="id")
    state = cleaning.identifier(status.get("status"), max_length=40, what="status")
    phone_number_id = cleaning.identifier(item.phone_number_id, max_length=NUMBER_LENGTH, what="number")
    key = f"wa-status:{wamid}:{state}"
    if len(key) > 200:  # a distinct key, never a truncated one that could merge two statuses
        key = "wa-status-sha256:" + hashlib.sha256(key.encode()).hexdigest()
    # (id, status) is what Meta may repeat; a failed status may differ only in its errors.
    queue.enqueue(APPLY_STATUS, {"phone_number_id": phone_number_id, "status": status}, key=key, priority=3)


def _sent_at(message: dict) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(int(message.get("timestamp", "")), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError):
        return timezone.now()


def _office_of_number(phone_number_id: str) -> int:
    """The office of a registered number; a number no office registered: the only office
    (refused with several, `default_office`)."""
    office_id = (
        PhoneNumber.objects.filter(phone_number_id=phone_number_id)
        .values_list("office_id", flat=True)
        .first()
    )
    return office_id if office_id is not None else default_office()


def _contact_for(message: dict, contacts: list[dict]) -> dict:
    for contact in contacts:
        if (message.get("from") and contact.get("wa_id") == message.get("from")) or (
            message.get("from_user_id") and contact.get("user_id") == message.get("from_user_id")
        ):
            return contact
    return contacts[0] if len(contacts) == 1 else {}


def resident_for(
    phone_number_id: str,
    *,
    wa_id: str,
    bsuid: str,
    name: str = "",
    writing_at: dt.datetime | None = None,
    office_id: int | None = None,
) -> Resident:
    """The resident writing to this office number: found by BSUID or WhatsApp id, else created
    (with the time of the message it wrote, `writing_at`, as its last inbound message).

    A new resident belongs to the office of the number it wrote to (`office_id`, the routing
    by receiving phone-number id; docs/offices.md): a person writing to two offices is two
    residents, one per office."""
    # Once per message: written out (core/rows.py), the same statement as the ORM's.
    alternatives, params = [], [phone_number_id]
    if bsuid:
        alternatives += ["bsuid = %s", "user_id = %s"]
        params += [bsuid, bsuid]
    if wa_id:
        alternatives += ["wa_id = %s", "user_id = %s"]
        params += [wa_id, wa_id]
    resident = (
        fetch_row(
            Resident, f"channel_number = %s AND ({' OR '.join(alternatives)}) ORDER BY id LIMIT 1", params
        )
        if alternatives
        else None
    )
    if resident is None:
        created = Resident(
            office_id=office_id if office_id is not None else _office_of_number(phone_number_id),
            channel_number=phone_number_id,
            user_id=bsuid or wa_id,
            wa_id=wa_id,
            phone=wa_id,
            bsuid=bsuid,
            profile_name=name[:200],
            last_inbound_at=writing_at,
        )
        # Another worker may have created them a moment ago: then that row is theirs.
        if insert_row(created, unless=("channel_number", "user_id")):
            return created
        resident = Resident.objects.get(channel_number=phone_number_id, user_id=bsuid or wa_id)
    changed: dict[str, str] = {}
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
    delivery: Delivery, item: Item, flags: list[str], shared: _Batch
) -> tuple[InboundMessage, Resident] | None:
    raw = item.body
    # Identifiers are checked before anything is written and never changed (exactly-once).
    wamid = cleaning.identifier(raw.get("id"), max_length=WAMID_LENGTH, what="id")
    if not wamid:
        flags.append("message_without_id")
        return None
    if wamid in shared.known:
        return None  # a redelivery (Meta repeats for days)
    phone_number_id = cleaning.identifier(item.phone_number_id, max_length=NUMBER_LENGTH, what="number")
    contact = _contact_for(raw, item.contacts)
    wa_id = cleaning.identifier(
        raw.get("from") or contact.get("wa_id"), max_length=WA_ID_LENGTH, what="sender"
    )
    bsuid = cleaning.identifier(
        raw.get("from_user_id") or contact.get("user_id"), max_length=USER_ID_LENGTH, what="sender"
    )
    # Free text is cleaned; the officer sees the message flagged.
    message, cleaned = cleaning.clean(raw)
    contact, _ = cleaning.clean(contact)
    kind = str(message.get("type") or "unknown")
    msg_flags = ["cleaned_text"] if cleaned else []
    if kind not in KNOWN_TYPES:
        msg_flags.append("unsupported")
        kind = kind[:TYPE_LENGTH]  # an unknown type is only a label: the payload keeps it whole
    sent_at = _sent_at(message)
    if message.get("errors"):
        msg_flags.append(
            cleaning.flag("errors:" + ",".join(str(e.get("code")) for e in _items(message.get("errors"))))
        )
    if phone_number_id not in shared.numbers:
        shared.numbers[phone_number_id] = fetch_row(
            PhoneNumber, "phone_number_id = %s AND active = %s ORDER BY id LIMIT 1", [phone_number_id, True]
        )
    number = shared.numbers[phone_number_id]
    resident = None
    if number is None:
        msg_flags.append("unknown_number")
        if f"unknown_number:{phone_number_id}" not in flags:
            flags.append(f"unknown_number:{phone_number_id}")
            log.error("delivery %s names unregistered phone_number_id %s", delivery.pk, phone_number_id)
    elif wa_id or bsuid:
        name = (
            str((contact.get("profile") or {}).get("name") or "")
            if isinstance(contact.get("profile"), dict)
            else ""
        )
        who = (phone_number_id, wa_id, bsuid, name)
        if who not in shared.residents:
            shared.residents[who] = resident_for(
                phone_number_id,
                wa_id=wa_id,
                bsuid=bsuid,
                name=name,
                writing_at=sent_at,
                office_id=number.office_id,
            )
        resident = shared.residents[who]
    else:
        msg_flags.append("no_sender")
    record = InboundMessage(
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
    # A redelivery (Meta repeats for days), or the same message in a concurrent one, is
    # skipped; any other refusal raises like any other failure (never taken for a duplicate).
    if not insert_row(record, unless=("wamid",)):
        return None
    if resident is None:
        return None
    return record, resident


def _open_windows(recorded: list[tuple[InboundMessage, Resident]]) -> None:
    """Each resident's newest message of the batch opens (or extends) their window: one
    UPDATE per resident, not one per message."""
    newest: dict[int, tuple[Resident, dt.datetime]] = {}
    for message, resident in recorded:
        if resident.pk not in newest or newest[resident.pk][1] < message.sent_at:
            newest[resident.pk] = (resident, message.sent_at)
    for resident, sent_at in newest.values():
        _window_opened(resident, sent_at)


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
    value = message.get(kind)
    body = value if isinstance(value, dict) else {}
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
