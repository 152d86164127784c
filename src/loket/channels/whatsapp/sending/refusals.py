"""Meta (or the network) refused a send: one action per row of the error table (`errors.py`)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from loket.channels.whatsapp import incidents
from loket.channels.whatsapp.errors import Action, GraphError, Rule
from loket.channels.whatsapp.models import Incident, OutboundMessage, PhoneNumber
from loket.channels.whatsapp.sending.form import Template
from loket.channels.whatsapp.sending.number_state import forget_state
from loket.channels.whatsapp.sending.pacing import PAIR_STRIKE_CAP, retry_delay
from loket.channels.whatsapp.sending.rows import Status, fail, hold, update
from loket.jobs.queue import RetryLater


@dataclass(frozen=True)
class Refusal:
    message: OutboundMessage
    number: PhoneNumber
    form: Template | bool
    error: GraphError
    rule: Rule
    now: dt.datetime


def refused(message: OutboundMessage, number: PhoneNumber, form: Template | bool, error: GraphError) -> None:
    """Meta (or the network) refused this send: act as the error table says."""
    rule = error.rule
    update(
        message,
        last_error_code=error.code,
        last_error_title=(error.title or rule.explanation)[:200],
        last_error_details=error.details or rule.explanation,
    )
    if rule.action in (Action.PAUSE, Action.THROTTLE_NUMBER):
        forget_state(number.phone_number_id)
    ON_REFUSAL.get(rule.action, _retry)(Refusal(message, number, form, error, rule, timezone.now()))


def _give_up(r: Refusal) -> None:
    fail(r.message, r.error)


def _template_refused(r: Refusal) -> None:
    name = r.form.name if isinstance(r.form, Template) else r.message.template_name
    incidents.open_incident(
        Incident.Kind.TEMPLATE,
        f"Template '{name}' ditolak Meta ({r.error.code}): {r.rule.explanation}",
        scope=name,
        error_code=r.error.code,
    )
    hold(r.message, OutboundMessage.Held.TEMPLATE_UNAVAILABLE, r.rule.explanation)


def _window_closed(r: Refusal) -> None:
    if isinstance(r.form, Template):
        return fail(r.message, r.error)
    update(r.message, force_template=True, status=Status.QUEUED)
    raise RetryLater(0, "window closed: template next")


def _pause(r: Refusal) -> None:
    # The error table names the incident (token, permission, account) and its scope.
    incidents.graph_refused(r.error, phone_number_id=r.number.phone_number_id)
    update(r.message, status=Status.QUEUED)
    raise RetryLater(settings.LOKET_WA_PAUSE_PROBE_SECONDS + random.uniform(0, 5), "sending paused")


def _throttle_number(r: Refusal) -> None:
    number = r.number
    strikes = PhoneNumber.objects.filter(pk=number.pk).values_list("throttle_strikes", flat=True)[0] + 1
    wait = min(settings.LOKET_WA_RETRY_CAP_SECONDS, r.rule.wait * 2 ** (strikes - 1))
    PhoneNumber.objects.filter(pk=number.pk).update(
        throttle_strikes=strikes, throttled_until=r.now + dt.timedelta(seconds=wait)
    )
    update(r.message, status=Status.QUEUED, next_attempt_at=r.now + dt.timedelta(seconds=wait))
    raise RetryLater(wait + random.uniform(0, 1), "number throttled by Meta")


def _throttle_recipient(r: Refusal) -> None:
    strikes = r.message.throttle_strikes + 1
    wait = min(PAIR_STRIKE_CAP, 4.0 ** (strikes - 1))
    update(
        r.message,
        status=Status.QUEUED,
        throttle_strikes=strikes,
        next_attempt_at=r.now + dt.timedelta(seconds=wait),
    )
    raise RetryLater(wait, "pair rate limit hit")


def _retry(r: Refusal) -> None:
    """Action.RETRY: transient, for hours, then give up visibly."""
    started = r.message.first_attempt_at or r.now
    if r.now - started > dt.timedelta(hours=settings.LOKET_WA_RETRY_FOR_HOURS):
        return fail(r.message, r.error)
    wait = retry_delay(r.message.attempts)
    update(r.message, status=Status.QUEUED, next_attempt_at=r.now + dt.timedelta(seconds=wait))
    raise RetryLater(wait, f"transient: {r.error}")


ON_REFUSAL: dict[Action, Callable[[Refusal], None]] = {
    Action.GIVE_UP: _give_up,
    Action.TEMPLATE: _template_refused,
    Action.WINDOW_CLOSED: _window_closed,
    Action.PAUSE: _pause,
    Action.THROTTLE_NUMBER: _throttle_number,
    Action.THROTTLE_RECIPIENT: _throttle_recipient,
    Action.RETRY: _retry,
}
