"""What every conversation concern uses: a message's content, a reply, the Conversation row."""

from __future__ import annotations

import re
from typing import Any

from loket.cases.models import Case, Resident
from loket.channels.whatsapp import outbox
from loket.channels.whatsapp.models import Conversation, InboundMessage, OutboundMessage
from loket.domain.regions import RegionIndex
from loket.offices.regions import index_for

# A request number as residents type it after a keyword or in a caption: KIA-20261130-0042.
REQUEST_NUMBER = re.compile(r"\b([A-Z]{2,6}-\d{8}-\d{4})\b")


def regions_of(resident: Resident) -> RegionIndex:
    """The regions a resident's text is checked against: the office of the number written to."""
    return index_for(resident.office)


def content_of(message: InboundMessage) -> dict:
    """The type's own object ({"body": ...}, {"id": ..., "caption": ...}); {} when malformed."""
    content = message.payload.get(message.type)
    return content if isinstance(content, dict) else {}


def reply(
    resident: Resident, text: str, *, case: Case | None = None, interactive: dict | None = None
) -> OutboundMessage:
    """Every answer goes through the outbox (same transaction as the message it answers)."""
    return outbox.enqueue(resident, text=text, case=case, interactive=interactive)


class OnDemand:
    """The resident's `Conversation` row, read or created only when a path touches it.

    Most messages (a request, STATUS) never do; skipping it saves up to four round trips
    on the busiest path (a new resident's first request).
    """

    def __init__(self, resident: Resident) -> None:
        object.__setattr__(self, "_resident", resident)
        object.__setattr__(self, "_row", None)

    def _get(self) -> Conversation:
        if self._row is None:
            object.__setattr__(self, "_row", Conversation.objects.get_or_create(resident=self._resident)[0])
        return self._row

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._get(), name, value)


def hand_to_officer(conversation: Conversation | OnDemand) -> None:
    """Something only an officer can act on arrived: the inbox shows the conversation."""
    conversation.needs_officer = True
    conversation.save(update_fields=["needs_officer"])
