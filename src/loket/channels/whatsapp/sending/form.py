"""Deciding how to send: free-form inside the 24-hour window, else the kind's template, and the body."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import filetype
from django.conf import settings

from loket.cases.models import Resident
from loket.channels.whatsapp import graph, templates
from loket.channels.whatsapp.models import OutboundMessage

IMAGE_TYPES = {"image/jpeg", "image/png"}


@dataclass(frozen=True)
class Template:
    name: str
    language: str
    params: list = field(default_factory=list)
    refusal: str = ""  # why its category may not carry this message ("" when it may)


def template_map() -> dict[str, tuple[str, str]]:
    """kind -> (template name, language): the declaration, or LOKET_WA_TEMPLATES when set."""
    return templates.kind_map()


def _checked(message: OutboundMessage, name: str, language: str, params: list, declared) -> Template:
    reason = templates.refusal(declared, kind=message.kind, tied_to_case=bool(message.case_id), name=name)
    return Template(name, language, params, refusal=reason)


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


def one_line(text: str) -> str:
    # Template parameters may not hold newlines, tabs or runs of spaces.
    return " ".join(text.split())[:900] or "-"


def choose_form(message: OutboundMessage, now: dt.datetime) -> Template | None | bool:
    """True for free-form, a Template, or None when it must be held (window closed, no template)."""
    if message.template_name:
        declared = templates.declared_for(message.template_name)
        name, language = templates.sent_as(declared) if declared else (message.template_name, "id")
        return _checked(message, name, language, message.template_params, declared)
    if window_open(message, now):
        return True
    mapped = template_map().get(message.kind)
    if mapped is None:
        return None
    summary = (
        message.text or (message.interactive or {}).get("body", {}).get("text", "") or message.document_name
    )
    request_number = message.case.request_number if message.case is not None else "-"
    declared = templates.declared_for(mapped[0], message.kind)
    return _checked(message, mapped[0], mapped[1], [request_number, one_line(summary)], declared)


def address_of(resident: Resident) -> dict | None:
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
        name = message.document_name or (message.document.name or "").rsplit("/", 1)[-1]
        message.media_id = graph.client().upload_media(phone_number_id, data, mime, name)
        OutboundMessage.objects.filter(pk=message.pk).update(media_id=message.media_id)
    if mime in IMAGE_TYPES:
        return "image", {"id": message.media_id}
    return "document", {"id": message.media_id, "filename": message.document_name or "dokumen.pdf"}


def build_body(message: OutboundMessage, form: Template | bool, address: dict, phone_number_id: str) -> dict:
    body: dict = {**address, "biz_opaque_callback_data": message.callback_data}
    if isinstance(form, Template):
        return {**body, "type": "template", "template": _template(message, form, phone_number_id)}
    if message.document:
        media_type, media = _document(message, phone_number_id)
        if message.text:
            media["caption"] = message.text[:1024]
        return {**body, "type": media_type, media_type: media}
    if message.interactive:
        return {**body, "type": "interactive", "interactive": message.interactive}
    return {**body, "type": "text", "text": {"body": message.text, "preview_url": False}}


def _template(message: OutboundMessage, form: Template, phone_number_id: str) -> dict:
    components = []
    if form.params and all(isinstance(p, dict) for p in form.params):
        components = list(form.params)  # full components given by the caller
    else:
        if message.document:
            media_type, media = _document(message, phone_number_id)
            components.append({"type": "header", "parameters": [{"type": media_type, media_type: media}]})
        if form.params:
            parameters = [{"type": "text", "text": one_line(str(p))} for p in form.params]
            components.append({"type": "body", "parameters": parameters})
    template: dict = {"name": form.name, "language": {"code": form.language}}
    if components:
        template["components"] = components
    return template
