"""The one door through which any part of Loket sends a message to a resident."""

from __future__ import annotations

from django.core.files.base import ContentFile

from loket.channels.whatsapp import templates
from loket.channels.whatsapp.models import OutboundMessage
from loket.channels.whatsapp.sending import PRIORITY, schedule
from loket.core.rows import insert_row


def enqueue(
    resident,
    *,
    text: str = "",
    case=None,
    kind: str = OutboundMessage.Kind.REPLY,
    interactive: dict | None = None,
    document: bytes | None = None,
    document_name: str = "",
    template_name: str = "",
    template_params: list | None = None,
) -> OutboundMessage:
    """Record a message for the resident; the worker sends it (in order, within Meta's rules).

    Call inside the transaction that caused it: if that rolls back, nothing is sent.
    A `template_name` that is not declared, or whose category may not carry this message
    (MARKETING on a message about a case, UTILITY on an outreach message), raises
    `templates.TemplateRefused` here, before anything is recorded.
    """
    if template_name:
        templates.check(template_name, kind=str(kind), tied_to_case=case is not None)
    message = OutboundMessage(
        resident=resident,
        phone_number_id=resident.channel_number,
        priority=PRIORITY.get(kind, 0),
        case=case,
        kind=kind,
        text=text,
        interactive=interactive,
        document_name=document_name,
        template_name=template_name,
        template_params=template_params or [],
    )
    if document is not None:
        message.document.save(document_name or "dokumen.pdf", ContentFile(document), save=False)
    insert_row(message)  # at least once per message answered: written out (core/rows.py)
    schedule(message)  # the send job is recorded in the same transaction as the message
    return message
