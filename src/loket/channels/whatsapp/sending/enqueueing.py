"""Recording send jobs: one per round of a message, in the resident's order, replies first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from loket.channels.whatsapp.models import OutboundMessage
from loket.channels.whatsapp.sending.rows import Kind, Status
from loket.jobs import queue

SEND_JOB = "whatsapp.send"

PRIORITY: dict[str, int] = {
    Kind.REPLY: 20,
    Kind.OFFICER: 20,
    Kind.CASE_UPDATE: 15,
    Kind.RECEIPT: 15,
    Kind.HAND_OVER: 15,
    Kind.REMINDER: 5,
    Kind.BULK: 0,
    Kind.SURVEY: 5,
}


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


def requeue(message: OutboundMessage, *, delay: float = 0.0, **changes: Any) -> None:
    """Send a held or window-failed message again (a new round, same place in the order rules)."""
    changes = {"status": Status.QUEUED, "held_reason": "", "held_at": None, **changes}
    OutboundMessage.objects.filter(pk=message.pk).update(send_round=message.send_round + 1, **changes)
    message.refresh_from_db()
    schedule(message, delay=delay)
