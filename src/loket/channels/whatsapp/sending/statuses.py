"""Statuses from webhooks applied to our messages; they only move forward."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from loket.channels.whatsapp import incidents
from loket.channels.whatsapp.errors import Action, GraphError
from loket.channels.whatsapp.models import Incident, OutboundMessage
from loket.channels.whatsapp.sending.enqueueing import requeue
from loket.channels.whatsapp.sending.number_state import forget_state
from loket.channels.whatsapp.sending.pacing import retry_delay
from loket.channels.whatsapp.sending.rows import Status, hold, log, one, update
from loket.jobs.queue import handler

STATUS_JOB = "whatsapp.apply_status"

# Statuses only move forward: a late "delivered" never overwrites "read".
RANK: dict[str, int] = {
    Status.QUEUED: 0,
    Status.SENDING: 0,
    Status.HELD: 0,
    Status.SENT: 1,
    Status.FAILED: 2,
    Status.DELIVERED: 3,
}
RANK[Status.READ] = 4
STATUS_TIME_FIELD = {"sent": "sent_at", "delivered": "delivered_at", "read": "read_at", "failed": "failed_at"}
# Failures after Meta took the message that a later round may overcome.
RETRYABLE = (Action.RETRY, Action.THROTTLE_NUMBER, Action.THROTTLE_RECIPIENT, Action.PAUSE)


@handler(STATUS_JOB)
def apply_status_job(payload: dict) -> None:
    apply_status(payload.get("phone_number_id", ""), payload["status"])


def _find(status: dict) -> OutboundMessage | None:
    wamid = status.get("id") or ""
    message = one(OutboundMessage.objects.filter(wamid=wamid)) if wamid else None
    if message is None:
        callback = str(status.get("biz_opaque_callback_data") or "")
        if callback.startswith("outbox=") and callback[7:].isdigit():
            message = one(OutboundMessage.objects.filter(pk=int(callback[7:])))
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
        at = dt.datetime.fromtimestamp(int(status.get("timestamp", "")), tz=dt.UTC)
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
    _failed(message, (status.get("errors") or [{}])[0])


def _failed(message: OutboundMessage, error: dict) -> None:
    """Meta could not deliver a message it had taken: try again, hold it, or fail it visibly."""
    code = error.get("code")
    title = str(error.get("title") or error.get("message") or "")[:200]
    details = str((error.get("error_data") or {}).get("details") or "")
    message.refresh_from_db()
    if RANK[message.status] >= RANK[Status.DELIVERED]:
        return  # a late failure after delivery changes nothing for the resident
    graph_error = GraphError(code if isinstance(code, int) else None, title, details=details)
    said = {"last_error_code": code, "last_error_title": title, "last_error_details": details}
    if graph_error.action == Action.WINDOW_CLOSED and not message.template_used:
        # Free-form refused after the fact: try the kind's template (or hold it for an officer).
        update(message, **said)
        return requeue(message, force_template=True, wamid=None, uncertain_since=None)
    if graph_error.action == Action.TEMPLATE:
        incidents.open_incident(
            Incident.Kind.TEMPLATE,
            f"Template '{message.template_used}' ditolak Meta ({code}): {graph_error.rule.explanation}",
            scope=message.template_used,
            error_code=code,
        )
        update(message, **said)
        return hold(message, OutboundMessage.Held.TEMPLATE_UNAVAILABLE, graph_error.rule.explanation)
    started = message.first_attempt_at or timezone.now()
    within = timezone.now() - started < dt.timedelta(hours=settings.LOKET_WA_RETRY_FOR_HOURS)
    if graph_error.action in RETRYABLE and within and message.status in (Status.SENT, Status.SENDING):
        # Meta took it, then could not deliver for a passing reason: send it again.
        if graph_error.action == Action.PAUSE:
            incidents.graph_refused(graph_error, phone_number_id=message.phone_number_id)
            forget_state()
        update(message, **said)
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
