"""The send job: one outbox message through the checks, the pacing and Graph's answer."""

from __future__ import annotations

import datetime as dt
import random
import time

from django.conf import settings
from django.utils import timezone

from loket.channels.whatsapp import graph, incidents, templates
from loket.channels.whatsapp.errors import GraphError, SendTimeout
from loket.channels.whatsapp.models import Incident, OutboundMessage, PhoneNumber
from loket.channels.whatsapp.sending.enqueueing import SEND_JOB
from loket.channels.whatsapp.sending.form import Template, address_of, build_body, choose_form
from loket.channels.whatsapp.sending.number_state import forget_state, number_state
from loket.channels.whatsapp.sending.pacing import pair_wait, reserve_slot
from loket.channels.whatsapp.sending.refusals import refused
from loket.channels.whatsapp.sending.rows import SENDABLE, Status, fail, hold, one, update
from loket.core.rows import fetch_chain, update_row
from loket.jobs.queue import RetryLater, handler
from loket.outreach import preferences


def send_job_failed(payload: dict, error: str) -> None:
    """The send job of this round failed for good (a fault no rule above expected, every
    attempt): the message is marked failed, visible to officers, instead of "sending" for
    ever. A later round of the same message is left alone."""
    round_filter = {"send_round": payload["round"]} if "round" in payload else {}
    message = one(OutboundMessage.objects.filter(pk=payload["id"], status__in=SENDABLE, **round_filter))
    if message is not None:
        fail(message, title=f"send job failed: {error}")


@handler(SEND_JOB, on_failure=send_job_failed)
def send_job(payload: dict) -> None:
    send(payload["id"])


def send(message_id: int) -> None:
    """Send one outbox message (or decide to wait, hold or fail it). Safe to run again.

    Each step either lets the message on or stops here: waits (RetryLater), holds or fails it.
    """
    # Once per message sent: the message and its resident in one statement (core/rows.py).
    message = fetch_chain(OutboundMessage, message_id, ("resident",))
    if message is None or message.status not in SENDABLE:
        return
    now = timezone.now()
    duplicate_risk = _after_uncertain_attempt(message, now)
    phone_number_id = message.phone_number_id or message.resident.channel_number
    number, pauses = number_state(phone_number_id)
    if number is None:
        return hold(message, OutboundMessage.Held.UNKNOWN_NUMBER)
    address = address_of(message.resident)
    if address is None:
        return hold(message, OutboundMessage.Held.NO_ADDRESS)
    _wait_while_paused(number, pauses, now)
    form = choose_form(message, now)
    if form is None:
        return hold(message, OutboundMessage.Held.WINDOW_CLOSED)
    if isinstance(form, Template) and form.refusal:
        # A template of the wrong category (or undeclared): refused, visible to officers.
        return fail(message, title=f"refused: {form.refusal}")
    if withdrawn(message):
        return fail(message, title="withdrawn: the resident sent BERHENTI after it was written")
    _take_turn(message, number, now)
    _attempting(message, phone_number_id, address, form, duplicate_risk=duplicate_risk)
    try:
        body = build_body(message, form, address, phone_number_id)
        accepted = graph.client().send(phone_number_id, body)
    except SendTimeout as exc:
        update(message, uncertain_since=timezone.now(), last_error_code=None, last_error_title=str(exc))
        wait = settings.LOKET_WA_TIMEOUT_WAIT_SECONDS
        raise RetryLater(wait, "send timed out: waiting for a status") from exc
    except GraphError as exc:
        return refused(message, number, form, exc)
    _accepted(message, accepted.wamid)
    _succeeded(number, form, pauses)


def withdrawn(message: OutboundMessage) -> bool:
    """An outreach message (a reminder or bulk message about no request) whose resident has
    since sent BERHENTI: never sent, however long it waited. (Whoever writes one checks
    `preferences.allows` first; this holds the BERHENTI contract for what was already queued.)"""
    if message.case_id or message.kind not in templates.OUTREACH_KINDS:
        return False
    return preferences.stopped_at(message.resident) is not None


def _after_uncertain_attempt(message: OutboundMessage, now: dt.datetime) -> bool:
    """After a timeout (or a worker that died mid-call) wait for a status first; then send again,
    marking the duplicate risk (Meta has no idempotency key). Returns that risk."""
    if message.status == Status.SENDING and not message.uncertain_since and message.last_attempt_at:
        # A worker died during the call: Meta may have the message. Treat it as a timeout.
        update(message, uncertain_since=message.last_attempt_at)
    if not message.uncertain_since:
        return False
    wait_until = message.uncertain_since + dt.timedelta(seconds=settings.LOKET_WA_TIMEOUT_WAIT_SECONDS)
    if now < wait_until:
        raise RetryLater((wait_until - now).total_seconds(), "waiting for a status after a timeout")
    return True  # no status named it: send again, knowing Meta may have the first


def _wait_while_paused(number: PhoneNumber, pauses: list, now: dt.datetime) -> None:
    paused_until = max((at for at in pauses if at and at > now), default=None)
    if paused_until:
        # Spread the wake-ups over the probe interval: one message probes, not all at once.
        spread = random.uniform(0, settings.LOKET_WA_PAUSE_PROBE_SECONDS)
        raise RetryLater((paused_until - now).total_seconds() + spread, "sending paused")
    if number.throttled_until and number.throttled_until > now:
        raise RetryLater(
            (number.throttled_until - now).total_seconds() + random.uniform(0, 1), "number throttled"
        )


def _take_turn(message: OutboundMessage, number: PhoneNumber, now: dt.datetime) -> None:
    """Within the pair rate limit and the number's send slot (a short wait here, a long one later)."""
    wait = pair_wait(message, now)
    if wait > 0:
        raise RetryLater(wait, "pair rate limit")
    wait = reserve_slot(number)
    if wait > 1.0:
        raise RetryLater(wait, "number rate")
    if wait > 0:
        time.sleep(wait)


def _attempting(
    message: OutboundMessage,
    phone_number_id: str,
    address: dict,
    form: Template | bool,
    *,
    duplicate_risk: bool,
) -> None:
    attempt_at = timezone.now()
    update(
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


def _succeeded(number: PhoneNumber, form: Template | bool, pauses: list) -> None:
    """A send went through: what it proves (template back, number not throttled, sending resumed)."""
    if isinstance(form, Template):
        incidents.close_incidents(Incident.Kind.TEMPLATE, scope=form.name)
    if number.throttle_strikes:
        PhoneNumber.objects.filter(pk=number.pk).update(throttle_strikes=0, throttled_until=None)
    if pauses:
        incidents.sending_succeeded(number.phone_number_id)
        forget_state(number.phone_number_id)
