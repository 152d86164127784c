"""The outbox sender: one job (`whatsapp.send`) per OutboundMessage, within Meta's rules.

- Order: a resident's messages share an ordering key, so they go out one at a time, oldest
  first; replies carry a higher job priority than reminders and bulk sends.
- Rate: each office number has one shared send slot (a row every worker reserves from), so
  all workers together stay under LOKET_WA_RATE_PER_NUMBER; one resident gets at most
  LOKET_WA_PAIR_BURST messages per LOKET_WA_PAIR_WINDOW_SECONDS (Meta's pair rate limit).
- 24-hour window: free-form only while the resident's last message is recent; otherwise the
  template mapped to the message kind, or the message is HELD for an officer.
- Failures: one table (`errors.ERROR_TABLE`) decides. Transient ones back off exponentially
  with jitter for hours; permanent ones fail the message at once with Meta's code and title;
  a refused token pauses all sending (an incident) and resumes when a probe succeeds.
- Timeouts: Meta has no idempotency key. After a send timed out we wait for a status
  webhook naming our outbox id (`biz_opaque_callback_data`) before sending again.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from dataclasses import dataclass, field

import filetype
from django.conf import settings
from django.db import connection
from django.utils import timezone

from loket.channels.whatsapp import graph, incidents
from loket.channels.whatsapp.errors import Action, GraphError, SendTimeout
from loket.channels.whatsapp.models import Incident, OutboundMessage, PhoneNumber
from loket.core.rows import db_time, read_column, update_row
from loket.jobs import queue
from loket.jobs.queue import RetryLater, handler

log = logging.getLogger(__name__)

SEND_JOB = "whatsapp.send"
STATUS_JOB = "whatsapp.apply_status"
WATCHDOG_JOB = "whatsapp.watchdog"

Kind = OutboundMessage.Kind
Status = OutboundMessage.Status

PRIORITY = {
    Kind.REPLY: 20,
    Kind.OFFICER: 20,
    Kind.CASE_UPDATE: 15,
    Kind.RECEIPT: 15,
    Kind.HAND_OVER: 15,
    Kind.REMINDER: 5,
    Kind.BULK: 0,
}
SENDABLE = (Status.QUEUED, Status.SENDING)
# Statuses only move forward: a late "delivered" never overwrites "read".
RANK = {
    Status.QUEUED: 0,
    Status.SENDING: 0,
    Status.HELD: 0,
    Status.SENT: 1,
    Status.FAILED: 2,
    Status.DELIVERED: 3,
}
RANK[Status.READ] = 4
STATUS_TIME_FIELD = {"sent": "sent_at", "delivered": "delivered_at", "read": "read_at", "failed": "failed_at"}
IMAGE_TYPES = {"image/jpeg", "image/png"}
PAIR_STRIKE_CAP = 256.0  # seconds: 4^n backoff for Meta's pair rate limit, 1, 4, 16, 64, 256


# --- enqueueing ---------------------------------------------------------------------------


def ordering_key(message: OutboundMessage) -> str:
    return f"wa-out:{message.resident_id}"


def schedule(message: OutboundMessage, *, delay: float = 0.0) -> None:
    """Record the send job of this round of the message (idempotent per round)."""
    queue.enqueue(
        SEND_JOB,
        {"id": message.pk, "round": message.send_round},
        key=f"{SEND_JOB}:{message.pk}:{message.send_round}",
        ordering_key=ordering_key(message),
        priority=message.priority,
        run_after=timezone.now() + dt.timedelta(seconds=delay),
        max_attempts=20,
        # A reply produced by a running job (a resident's message) goes out from the same
        # worker right after it, instead of waiting for a poll; all the rules below apply.
        soon=delay == 0,
    )


def requeue(message: OutboundMessage, *, delay: float = 0.0, **changes) -> None:
    """Send a held or window-failed message again (a new round, same place in the order rules)."""
    changes = {"status": Status.QUEUED, "held_reason": "", "held_at": None, **changes}
    OutboundMessage.objects.filter(pk=message.pk).update(send_round=message.send_round + 1, **changes)
    message.refresh_from_db()
    schedule(message, delay=delay)


def release_held(*, resident=None, reason: str | None = None) -> int:
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
        last_in = message.resident.last_inbound_at
        if message.held_reason == OutboundMessage.Held.WINDOW_CLOSED:
            if not (
                last_in
                and message.held_at
                and last_in > message.held_at
                and window_open(message, timezone.now())
            ):
                continue
        elif message.held_reason == OutboundMessage.Held.TEMPLATE_UNAVAILABLE:
            if template_blocked:
                continue
        else:
            continue
        requeue(message, force_template=False)
        released += 1
    return released


# --- deciding how to send ----------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    name: str
    language: str
    params: list = field(default_factory=list)


def template_map() -> dict[str, tuple[str, str]]:
    """LOKET_WA_TEMPLATES parsed: kind -> (template name, language)."""
    mapping = {}
    for item in str(settings.LOKET_WA_TEMPLATES).split(","):
        kind, _, spec = item.strip().partition("=")
        name, _, language = spec.partition(":")
        if kind and name:
            mapping[kind.strip()] = (name.strip(), (language or "id").strip())
    return mapping


def window_open(message: OutboundMessage, now: dt.datetime) -> bool:
    last_in = message.resident.last_inbound_at
    if last_in is None:
        return False
    closes = last_in + dt.timedelta(
        hours=settings.LOKET_WA_WINDOW_HOURS, seconds=-settings.LOKET_WA_WINDOW_MARGIN_SECONDS
    )
    if message.force_template and message.last_attempt_at and last_in <= message.last_attempt_at:
        return False  # Meta said closed, and the resident has not written since
    return now < closes


def _one_line(text: str) -> str:
    # Template parameters may not hold newlines, tabs or runs of spaces.
    return " ".join(text.split())[:900] or "-"


def choose_form(message: OutboundMessage, now: dt.datetime) -> Template | None | bool:
    """True for free-form, a Template, or None when it must be held (window closed, no template)."""
    languages = {name: language for name, language in template_map().values()}
    if message.template_name:
        return Template(
            message.template_name, languages.get(message.template_name, "id"), message.template_params
        )
    if window_open(message, now):
        return True
    mapped = template_map().get(message.kind)
    if mapped is None:
        return None
    summary = (
        message.text or (message.interactive or {}).get("body", {}).get("text", "") or message.document_name
    )
    request_number = message.case.request_number if message.case_id else "-"
    return Template(mapped[0], mapped[1], [request_number, _one_line(summary)])


def address_of(resident) -> dict | None:
    """`to` the wa_id when there is one, else `recipient` the business-scoped id (2026)."""
    if resident.wa_id:
        return {"to": resident.wa_id}
    if resident.bsuid:
        return {"recipient": resident.bsuid}
    return None


def _document(message: OutboundMessage, phone_number_id: str) -> tuple[str, dict]:
    with message.document.open("rb") as fh:
        data = fh.read()
    kind = filetype.guess(data)
    mime = kind.mime if kind else "application/pdf"
    if not message.media_id:
        name = message.document_name or message.document.name.rsplit("/", 1)[-1]
        message.media_id = graph.client().upload_media(phone_number_id, data, mime, name)
        OutboundMessage.objects.filter(pk=message.pk).update(media_id=message.media_id)
    if mime in IMAGE_TYPES:
        return "image", {"id": message.media_id}
    return "document", {"id": message.media_id, "filename": message.document_name or "dokumen.pdf"}


def build_body(message: OutboundMessage, form: Template | bool, address: dict, phone_number_id: str) -> dict:
    body: dict = {**address, "biz_opaque_callback_data": message.callback_data}
    if isinstance(form, Template):
        components = []
        if form.params and all(isinstance(p, dict) for p in form.params):
            components = list(form.params)  # full components given by the caller
        else:
            if message.document:
                media_type, media = _document(message, phone_number_id)
                components.append({"type": "header", "parameters": [{"type": media_type, media_type: media}]})
            if form.params:
                parameters = [{"type": "text", "text": _one_line(str(p))} for p in form.params]
                components.append({"type": "body", "parameters": parameters})
        template = {"name": form.name, "language": {"code": form.language}}
        if components:
            template["components"] = components
        return {**body, "type": "template", "template": template}
    if message.document:
        media_type, media = _document(message, phone_number_id)
        if message.text:
            media["caption"] = message.text[:1024]
        return {**body, "type": media_type, media_type: media}
    if message.interactive:
        return {**body, "type": "interactive", "interactive": message.interactive}
    return {**body, "type": "text", "text": {"body": message.text, "preview_url": False}}


# --- pacing -----------------------------------------------------------------------------------------


def pair_wait(message: OutboundMessage, now: dt.datetime) -> float:
    """Seconds until one more message to this resident keeps within the pair rate limit."""
    burst = settings.LOKET_WA_PAIR_BURST
    window = dt.timedelta(seconds=settings.LOKET_WA_PAIR_WINDOW_SECONDS)
    # Once per send: written out, not built by the ORM.
    recent = read_column(_RECENT_ATTEMPTS, [message.resident_id, db_time(now - window), message.pk, burst])
    if len(recent) < burst:
        return 0.0
    return max(0.0, (recent[-1] + window - now).total_seconds())


_RECENT_ATTEMPTS = (
    f"SELECT last_attempt_at FROM {OutboundMessage._meta.db_table} "  # noqa: S608 - our table
    "WHERE resident_id = %s AND last_attempt_at > %s AND id <> %s ORDER BY last_attempt_at DESC LIMIT %s"
)


def reserve_slot(number: PhoneNumber) -> float:
    """Take the number's next send slot; returns the seconds to wait for it.

    One statement, atomic on PostgreSQL and SQLite alike, shared by every worker process:
    the slot moves on by 1/rate from max(now, previous slot).
    """
    interval = 1.0 / max(1, settings.LOKET_WA_RATE_PER_NUMBER)
    now = time.time()
    table = PhoneNumber._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET send_slot = "  # noqa: S608 - the table name is ours, values are bound
            "CASE WHEN send_slot IS NULL OR send_slot < %s THEN %s ELSE send_slot END + %s "
            "WHERE id = %s RETURNING send_slot",
            [now, now, interval, number.pk],
        )
        row = cursor.fetchone()
    if row is None:
        return 0.0
    return max(0.0, row[0] - interval - now)


def retry_delay(attempts: int) -> float:
    """Exponential backoff with jitter: seconds first, doubling up to the cap."""
    first, cap = settings.LOKET_WA_RETRY_FIRST_SECONDS, settings.LOKET_WA_RETRY_CAP_SECONDS
    ceiling = min(cap, first * 2 ** max(0, attempts - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


# --- the send job ---------------------------------------------------------------------------------------


_state: dict[str, tuple[float, PhoneNumber | None, list]] = {}


def number_state(phone_number_id: str) -> tuple[PhoneNumber | None, list]:
    """The office number's row and its pausing incidents, cached briefly in this process.

    Two queries saved per send; a throttle or pause set by another worker is seen within
    LOKET_WA_STATE_CACHE_SECONDS, and this worker forgets the cache whenever it changes them.
    """
    cached = _state.get(phone_number_id)
    if cached and cached[0] > time.monotonic():
        return cached[1], cached[2]
    number = _one(PhoneNumber.objects.filter(phone_number_id=phone_number_id, active=True))
    pauses = incidents.pauses_for(phone_number_id)
    ttl = settings.LOKET_WA_STATE_CACHE_SECONDS
    if ttl > 0:
        _state[phone_number_id] = (time.monotonic() + ttl, number, pauses)
    return number, pauses


def forget_state(phone_number_id: str | None = None) -> None:
    if phone_number_id is None:
        _state.clear()
    else:
        _state.pop(phone_number_id, None)


def _one(qs):
    """The row of a unique lookup, or None. Not `.first()`: its ORDER BY on the model's
    ordering makes SQLite walk the created_at index instead of using the key."""
    rows = list(qs.order_by()[:1])
    return rows[0] if rows else None


def _update(message: OutboundMessage, **fields) -> None:
    for name, value in fields.items():
        setattr(message, name, value)
    update_row(OutboundMessage, message.pk, fields)  # twice per send: no queryset built


def hold(message: OutboundMessage, reason: str, explanation: str = "") -> None:
    _update(
        message,
        status=Status.HELD,
        held_reason=reason,
        held_at=timezone.now(),
        last_error_title=explanation or OutboundMessage.Held(reason).label,
    )
    log.warning("outbound #%s held: %s", message.pk, reason)


def fail(message: OutboundMessage, error: GraphError | None = None, title: str = "") -> None:
    fields = {"status": Status.FAILED, "failed_at": timezone.now(), "next_attempt_at": None}
    if error is not None:
        fields.update(
            last_error_code=error.code, last_error_title=error.title[:200], last_error_details=error.details
        )
    elif title:
        fields["last_error_title"] = title[:200]
    _update(message, **fields)
    log.warning("outbound #%s failed: code %s", message.pk, message.last_error_code)


def send_job_failed(payload: dict, error: str) -> None:
    """The send job of this round failed for good (a fault no rule above expected, every
    attempt): the message is marked failed, visible to officers, instead of "sending" for
    ever. A later round of the same message is left alone."""
    round_filter = {"send_round": payload["round"]} if "round" in payload else {}
    message = _one(OutboundMessage.objects.filter(pk=payload["id"], status__in=SENDABLE, **round_filter))
    if message is not None:
        fail(message, title=f"send job failed: {error}")


@handler(SEND_JOB, on_failure=send_job_failed)
def send_job(payload: dict) -> None:
    send(payload["id"])


def send(message_id: int) -> None:
    """Send one outbox message (or decide to wait, hold or fail it). Safe to run again."""
    message = _one(OutboundMessage.objects.select_related("resident").filter(pk=message_id))
    if message is None or message.status not in SENDABLE:
        return
    now = timezone.now()
    duplicate_risk = False
    if message.status == Status.SENDING and not message.uncertain_since and message.last_attempt_at:
        # A worker died during the call: Meta may have the message. Treat it as a timeout.
        _update(message, uncertain_since=message.last_attempt_at)
    if message.uncertain_since:
        wait_until = message.uncertain_since + dt.timedelta(seconds=settings.LOKET_WA_TIMEOUT_WAIT_SECONDS)
        if now < wait_until:
            raise RetryLater((wait_until - now).total_seconds(), "waiting for a status after a timeout")
        duplicate_risk = True  # no status named it: send again, knowing Meta may have the first

    phone_number_id = message.phone_number_id or message.resident.channel_number
    number, pauses = number_state(phone_number_id)
    if number is None:
        return hold(message, OutboundMessage.Held.UNKNOWN_NUMBER)
    address = address_of(message.resident)
    if address is None:
        return hold(message, OutboundMessage.Held.NO_ADDRESS)

    paused_until = max((at for at in pauses if at and at > now), default=None)
    if paused_until:
        # Spread the wake-ups over the probe interval: one message probes, not all at once.
        spread = random.uniform(0, settings.LOKET_WA_PAUSE_PROBE_SECONDS)
        raise RetryLater((paused_until - now).total_seconds() + spread, "sending paused")
    if number.throttled_until and number.throttled_until > now:
        raise RetryLater(
            (number.throttled_until - now).total_seconds() + random.uniform(0, 1), "number throttled"
        )

    form = choose_form(message, now)
    if form is None:
        return hold(message, OutboundMessage.Held.WINDOW_CLOSED)
    wait = pair_wait(message, now)
    if wait > 0:
        raise RetryLater(wait, "pair rate limit")
    wait = reserve_slot(number)
    if wait > 1.0:
        raise RetryLater(wait, "number rate")
    if wait > 0:
        time.sleep(wait)

    attempt_at = timezone.now()
    _update(
        message,
        status=Status.SENDING,
        attempts=message.attempts + 1,
        first_attempt_at=message.first_attempt_at or attempt_at,
        last_attempt_at=attempt_at,
        phone_number_id=phone_number_id,
        recipient=address.get("to") or address.get("recipient"),
        template_used=form.name if isinstance(form, Template) else "",
        duplicate_risk=message.duplicate_risk or duplicate_risk,
        uncertain_since=None,
    )
    try:
        body = build_body(message, form, address, phone_number_id)
        accepted = graph.client().send(phone_number_id, body)
    except SendTimeout as exc:
        _update(message, uncertain_since=timezone.now(), last_error_code=None, last_error_title=str(exc))
        wait = settings.LOKET_WA_TIMEOUT_WAIT_SECONDS
        raise RetryLater(wait, "send timed out: waiting for a status") from exc
    except GraphError as exc:
        return refused(message, number, form, exc)

    _accepted(message, accepted.wamid)
    if isinstance(form, Template):
        incidents.close_incidents(Incident.Kind.TEMPLATE, scope=form.name)
    if number.throttle_strikes:
        PhoneNumber.objects.filter(pk=number.pk).update(throttle_strikes=0, throttled_until=None)
    if pauses:
        incidents.sending_succeeded(phone_number_id)
        forget_state(phone_number_id)


def _accepted(message: OutboundMessage, wamid: str) -> None:
    fields = {
        "accepted_at": timezone.now(),
        "next_attempt_at": None,
        "throttle_strikes": 0,
        "last_error_code": None,
        "last_error_title": "",
    }
    # The usual case in one statement; a status webhook may have come first (and moved the
    # row on, or named the wamid): then never move it back.
    if update_row(
        OutboundMessage,
        message.pk,
        {"wamid": wamid, "status": Status.SENT, **fields},
        condition=" AND wamid IS NULL AND status IN (%s, %s)",
        params=SENDABLE,
    ):
        return
    OutboundMessage.objects.filter(pk=message.pk, wamid__isnull=True).update(wamid=wamid)
    OutboundMessage.objects.filter(pk=message.pk).update(**fields)
    OutboundMessage.objects.filter(pk=message.pk, status__in=SENDABLE).update(status=Status.SENT)


def refused(message: OutboundMessage, number: PhoneNumber, form, error: GraphError) -> None:
    """Meta (or the network) refused this send: act as the error table says."""
    now = timezone.now()
    rule = error.rule
    _update(
        message,
        last_error_code=error.code,
        last_error_title=(error.title or rule.explanation)[:200],
        last_error_details=error.details or rule.explanation,
    )
    action = rule.action
    if action in (Action.PAUSE, Action.THROTTLE_NUMBER):
        forget_state(number.phone_number_id)
    if action == Action.GIVE_UP:
        return fail(message, error)
    if action == Action.TEMPLATE:
        name = form.name if isinstance(form, Template) else message.template_name
        incidents.open_incident(
            Incident.Kind.TEMPLATE,
            f"Template '{name}' ditolak Meta ({error.code}): {rule.explanation}",
            scope=name,
            error_code=error.code,
        )
        return hold(message, OutboundMessage.Held.TEMPLATE_UNAVAILABLE, rule.explanation)
    if action == Action.WINDOW_CLOSED:
        if isinstance(form, Template):
            return fail(message, error)
        _update(message, force_template=True, status=Status.QUEUED)
        raise RetryLater(0, "window closed: template next")
    if action == Action.PAUSE:
        kind = {190: Incident.Kind.TOKEN, 0: Incident.Kind.TOKEN}.get(error.code, Incident.Kind.PERMISSION)
        if error.code in (131031, 131042, 133010, 131048, 368):
            kind = Incident.Kind.ACCOUNT
        scope = number.phone_number_id if error.code in (133010, 131048) else ""
        incidents.open_incident(
            kind,
            rule.explanation,
            scope=scope,
            error_code=error.code,
            pause_for=settings.LOKET_WA_PAUSE_PROBE_SECONDS,
        )
        _update(message, status=Status.QUEUED)
        raise RetryLater(settings.LOKET_WA_PAUSE_PROBE_SECONDS + random.uniform(0, 5), "sending paused")
    if action == Action.THROTTLE_NUMBER:
        strikes = PhoneNumber.objects.filter(pk=number.pk).values_list("throttle_strikes", flat=True)[0] + 1
        wait = min(settings.LOKET_WA_RETRY_CAP_SECONDS, rule.wait * 2 ** (strikes - 1))
        PhoneNumber.objects.filter(pk=number.pk).update(
            throttle_strikes=strikes, throttled_until=now + dt.timedelta(seconds=wait)
        )
        _update(message, status=Status.QUEUED, next_attempt_at=now + dt.timedelta(seconds=wait))
        raise RetryLater(wait + random.uniform(0, 1), "number throttled by Meta")
    if action == Action.THROTTLE_RECIPIENT:
        strikes = message.throttle_strikes + 1
        wait = min(PAIR_STRIKE_CAP, 4.0 ** (strikes - 1))
        _update(
            message,
            status=Status.QUEUED,
            throttle_strikes=strikes,
            next_attempt_at=now + dt.timedelta(seconds=wait),
        )
        raise RetryLater(wait, "pair rate limit hit")
    # Action.RETRY: transient, for hours, then give up visibly.
    started = message.first_attempt_at or now
    if now - started > dt.timedelta(hours=settings.LOKET_WA_RETRY_FOR_HOURS):
        return fail(message, error)
    wait = retry_delay(message.attempts)
    _update(message, status=Status.QUEUED, next_attempt_at=now + dt.timedelta(seconds=wait))
    raise RetryLater(wait, f"transient: {error}")


# --- statuses from webhooks ------------------------------------------------------------------------------


@handler(STATUS_JOB)
def apply_status_job(payload: dict) -> None:
    apply_status(payload.get("phone_number_id", ""), payload["status"])


def _find(status: dict) -> OutboundMessage | None:
    wamid = status.get("id") or ""
    message = _one(OutboundMessage.objects.filter(wamid=wamid)) if wamid else None
    if message is None:
        callback = str(status.get("biz_opaque_callback_data") or "")
        if callback.startswith("outbox=") and callback[7:].isdigit():
            message = _one(OutboundMessage.objects.filter(pk=int(callback[7:])))
            if message is not None and wamid and not message.wamid:
                # The status came before our send call returned (or the call timed out).
                OutboundMessage.objects.filter(pk=message.pk, wamid__isnull=True).update(wamid=wamid)
    return message


def apply_status(phone_number_id: str, status: dict) -> None:
    """Apply one raw status object of a webhook to our message; statuses only move forward."""
    message = _find(status)
    name = status.get("status", "")
    if message is None or name not in STATUS_TIME_FIELD:
        log.info("status %s for a message not in our outbox", name or "?")
        return
    try:
        at = dt.datetime.fromtimestamp(int(status.get("timestamp")), tz=dt.UTC)
    except (TypeError, ValueError):
        at = timezone.now()
    time_field = STATUS_TIME_FIELD[name]
    OutboundMessage.objects.filter(pk=message.pk, **{f"{time_field}__isnull": True}).update(
        **{time_field: at}
    )
    if name != "failed":
        # A status names the message: it reached Meta, so a timed-out send is not resent.
        lower = [s for s, rank in RANK.items() if rank < RANK[name]]
        OutboundMessage.objects.filter(pk=message.pk).update(uncertain_since=None)
        OutboundMessage.objects.filter(pk=message.pk, status__in=lower).update(status=name)
        return
    error = (status.get("errors") or [{}])[0]
    code = error.get("code")
    title = str(error.get("title") or error.get("message") or "")[:200]
    details = str((error.get("error_data") or {}).get("details") or "")
    message.refresh_from_db()
    if RANK[message.status] >= RANK[Status.DELIVERED]:
        return  # a late failure after delivery changes nothing for the resident
    graph_error = GraphError(code if isinstance(code, int) else None, title, details=details)
    if graph_error.action == Action.WINDOW_CLOSED and not message.template_used:
        # Free-form refused after the fact: try the kind's template (or hold it for an officer).
        _update(message, last_error_code=code, last_error_title=title, last_error_details=details)
        return requeue(message, force_template=True, wamid=None, uncertain_since=None)
    if graph_error.action == Action.TEMPLATE:
        incidents.open_incident(
            Incident.Kind.TEMPLATE,
            f"Template '{message.template_used}' ditolak Meta ({code}): {graph_error.rule.explanation}",
            scope=message.template_used,
            error_code=code,
        )
        _update(message, last_error_code=code, last_error_title=title, last_error_details=details)
        return hold(message, OutboundMessage.Held.TEMPLATE_UNAVAILABLE, graph_error.rule.explanation)
    retryable = (Action.RETRY, Action.THROTTLE_NUMBER, Action.THROTTLE_RECIPIENT, Action.PAUSE)
    started = message.first_attempt_at or timezone.now()
    within = timezone.now() - started < dt.timedelta(hours=settings.LOKET_WA_RETRY_FOR_HOURS)
    if graph_error.action in retryable and within and message.status in (Status.SENT, Status.SENDING):
        # Meta took it, then could not deliver for a passing reason: send it again.
        if graph_error.action == Action.PAUSE:
            incidents.open_incident(
                Incident.Kind.ACCOUNT,
                graph_error.rule.explanation,
                error_code=code,
                pause_for=settings.LOKET_WA_PAUSE_PROBE_SECONDS,
            )
            forget_state()
        _update(message, last_error_code=code, last_error_title=title, last_error_details=details)
        return requeue(message, delay=retry_delay(message.attempts), wamid=None, uncertain_since=None)
    OutboundMessage.objects.filter(
        pk=message.pk, status__in=[Status.QUEUED, Status.SENDING, Status.SENT]
    ).update(
        status=Status.FAILED,
        last_error_code=code,
        last_error_title=title,
        last_error_details=details or graph_error.rule.explanation,
        uncertain_since=None,
    )


# --- watchdog: alerts that no single send would raise ------------------------------------------------------


def _in_office_hours(now: dt.datetime) -> dt.datetime | None:
    """When today's office hours began, if `now` is inside them (the office's one calendar)."""
    from loket.channels.whatsapp import hours

    here = hours.local(now)
    cal = hours.calendar()
    if not cal.is_open(here):
        return None
    opens, _ = cal.opening_hours(here.date())
    return dt.datetime.combine(here.date(), opens, tzinfo=here.tzinfo)


def last_webhook_at() -> dt.datetime | None | bool:
    """Newest stored webhook delivery (LOKET_WA_WEBHOOK_CLOCK); False when there is no such model."""
    from django.apps import apps

    label, _, field_name = str(settings.LOKET_WA_WEBHOOK_CLOCK).rpartition(".")
    try:
        model = apps.get_model(label)
        model._meta.get_field(field_name)
    except (LookupError, ValueError):
        return False
    return model.objects.order_by(f"-{field_name}").values_list(field_name, flat=True).first()


def check_outbox_draining(now: dt.datetime) -> None:
    stall = dt.timedelta(seconds=settings.LOKET_WA_STALL_SECONDS)
    oldest = (
        OutboundMessage.objects.filter(status__in=SENDABLE)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if oldest is not None and now - oldest > stall:
        minutes = int((now - oldest).total_seconds() // 60)
        waiting = OutboundMessage.objects.filter(status__in=SENDABLE).count()
        incidents.open_incident(
            Incident.Kind.STALLED,
            f"{waiting} pesan menunggu dikirim; yang tertua sudah {minutes} menit. "
            "Periksa apakah 'loket worker' berjalan dan lihat gangguan lain.",
        )
    else:
        incidents.close_incidents(Incident.Kind.STALLED)


def check_webhooks_arriving(now: dt.datetime) -> None:
    silence = dt.timedelta(minutes=settings.LOKET_WA_WEBHOOK_SILENCE_MINUTES)
    opened = _in_office_hours(now)
    last = last_webhook_at()
    if last is False:
        return  # no delivery table to read (yet)
    if opened is None:
        return  # outside office hours silence is normal: keep whatever state we had
    if now - opened > silence and (last is None or now - last > silence):
        incidents.open_incident(
            Incident.Kind.WEBHOOK_SILENCE,
            f"Tidak ada webhook WhatsApp masuk selama lebih dari {settings.LOKET_WA_WEBHOOK_SILENCE_MINUTES} "
            "menit di jam kerja. Periksa langganan webhook di Meta dan alamat server.",
        )
    elif last is not None and now - last <= silence:
        incidents.close_incidents(Incident.Kind.WEBHOOK_SILENCE)


@handler(WATCHDOG_JOB)
def watchdog(payload: dict | None = None) -> None:
    now = timezone.now()
    release_held()
    check_outbox_draining(now)
    check_webhooks_arriving(now)


queue.periodic(WATCHDOG_JOB, 60)
