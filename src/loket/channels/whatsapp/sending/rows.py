"""The outbox row as the sender reads and changes it: one at a time, two writes per send."""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone

from loket.channels.whatsapp.errors import GraphError
from loket.channels.whatsapp.models import OutboundMessage
from loket.core.rows import update_row

log = logging.getLogger("loket.channels.whatsapp.sending")

Kind = OutboundMessage.Kind
Status = OutboundMessage.Status

SENDABLE = (Status.QUEUED, Status.SENDING)

M = TypeVar("M", bound=Model)


def one(qs: QuerySet[M]) -> M | None:
    """The row of a unique lookup, or None. Not `.first()`: its ORDER BY on the model's
    ordering makes SQLite walk the created_at index instead of using the key."""
    rows = list(qs.order_by()[:1])
    return rows[0] if rows else None


def update(message: OutboundMessage, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(message, name, value)
    update_row(OutboundMessage, message.pk, fields)  # twice per send: no queryset built


def hold(message: OutboundMessage, reason: str, explanation: str = "") -> None:
    update(
        message,
        status=Status.HELD,
        held_reason=reason,
        held_at=timezone.now(),
        last_error_title=explanation or OutboundMessage.Held(reason).label,
    )
    log.warning("outbound #%s held: %s", message.pk, reason)


def fail(message: OutboundMessage, error: GraphError | None = None, title: str = "") -> None:
    fields: dict[str, Any] = {"status": Status.FAILED, "failed_at": timezone.now(), "next_attempt_at": None}
    if error is not None:
        fields.update(
            last_error_code=error.code, last_error_title=error.title[:200], last_error_details=error.details
        )
    elif title:
        fields["last_error_title"] = title[:200]
    update(message, **fields)
    log.warning("outbound #%s failed: code %s", message.pk, message.last_error_code)
