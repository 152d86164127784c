"""The simulator page (demo mode only): chat as a resident with one of the office's numbers.

What you type or upload travels the real path: the file is uploaded to the Graph API
(the fake one in the demo) like WhatsApp would hold it, the message is wrapped in a
webhook delivery, signed with the app secret exactly like Meta signs, and posted to
`/webhooks/whatsapp`. There is no bypass: a wrong secret is refused here as anywhere.
The chat shows our replies as a phone would (from the outbox, with what the Graph API
received), so an office can train staff and a newcomer can see Loket work in a minute.
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import TypedDict
from urllib.parse import urlencode

import filetype
import httpx
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from loket.cases.models import Resident
from loket.channels.whatsapp import envelopes, formatting, graph
from loket.channels.whatsapp.models import InboundMessage, OutboundMessage, PhoneNumber

log = logging.getLogger(__name__)
DEFAULT_PHONE = "6281200001234"
OPENING_SERVICE = "KIA"
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")


def _demo_only() -> None:
    if not settings.DEMO:
        raise Http404("Simulator hanya tersedia dalam mode demo.")


def _chosen(request: HttpRequest) -> tuple[PhoneNumber | None, str, str]:
    data = request.POST if request.method == "POST" else request.GET
    numbers = PhoneNumber.objects.filter(active=True).order_by("display_number")
    # The picker opens on the KIA number (the demo story's), else the first number.
    number = (
        numbers.filter(phone_number_id=data.get("number", "")).first()
        or next((n for n in numbers if n.serves(OPENING_SERVICE)), None)
        or numbers.first()
    )
    phone = "".join(ch for ch in data.get("phone", DEFAULT_PHONE) if ch.isdigit()) or DEFAULT_PHONE
    return number, phone, data.get("name", "") or "Warga Simulasi"


def page(request: HttpRequest) -> HttpResponse:
    _demo_only()
    number, phone, name = _chosen(request)
    return render(
        request,
        "whatsapp/simulator.html",
        {
            "numbers": PhoneNumber.objects.filter(active=True).order_by("display_number"),
            "number": number,
            "phone": phone,
            "name": name,
            "items": _chat_items(number, phone),
        },
    )


def chat(request: HttpRequest) -> HttpResponse:
    _demo_only()
    number, phone, name = _chosen(request)
    context = {"items": _chat_items(number, phone), "number": number, "phone": phone, "name": name}
    return render(request, "whatsapp/_chat.html", context)


@require_POST
def send(request: HttpRequest) -> HttpResponse:
    _demo_only()
    number, phone, name = _chosen(request)
    if number is None:
        raise Http404("Belum ada nomor kantor.")
    message = _message(request, number, phone)
    if message is not None:
        status = post_delivery(
            request.build_absolute_uri(reverse("whatsapp-webhook")), number, phone, name, message
        )
        if status != 200:
            log.warning("simulator delivery answered %s", status)
    query = urlencode({"number": number.phone_number_id, "phone": phone, "name": name})
    return redirect(f"{reverse('whatsapp-simulator')}?{query}")


class _From(TypedDict):
    """Who sent a simulated message, and when (`envelopes.message`'s keywords)."""

    wamid: str
    timestamp: int
    sender: str


def _message(request: HttpRequest, number: PhoneNumber, phone: str) -> dict | None:
    base: _From = {
        "wamid": f"wamid.SIM{secrets.token_hex(12)}",
        "timestamp": int(time.time()),
        "sender": phone,
    }
    upload = request.FILES.get("file")
    caption = request.POST.get("caption", "").strip() or request.POST.get("text", "").strip()
    if upload is not None:
        data = upload.read()
        mime = upload.content_type or "application/octet-stream"
        kind = "image" if mime in ("image/jpeg", "image/png") else "document"
        filename = upload.name or ""  # (always named when it came in a form)
        media_id = upload_media(number.phone_number_id, data, mime, filename)
        content = {
            "id": media_id,
            "mime_type": mime,
            "sha256": envelopes.media_sha256(data),
        }
        if caption:
            content["caption"] = caption
        if kind == "document":
            content["filename"] = filename
        return envelopes.message(kind, content, **base)
    if request.POST.get("button_id"):
        reply = {"id": request.POST["button_id"], "title": request.POST.get("button_title", "")}
        return envelopes.message("interactive", {"type": "button_reply", "button_reply": reply}, **base)
    if request.POST.get("list_id"):
        # A row picked from a list: WhatsApp sends its id, title and description.
        reply = {"id": request.POST["list_id"], "title": request.POST.get("list_title", "")}
        if request.POST.get("list_description"):
            reply["description"] = request.POST["list_description"]
        return envelopes.message("interactive", {"type": "list_reply", "list_reply": reply}, **base)
    text = request.POST.get("text", "").strip()
    if text:
        return envelopes.text(text, **base)
    return None


def upload_media(phone_number_id: str, data: bytes, mime: str, filename: str) -> str:
    """Hold the file at the Graph API, as WhatsApp does before it tells us the media id
    (through the one Graph client, like every other call to Graph)."""
    return graph.client().upload_media(phone_number_id, data, mime, filename or "berkas")


def delivery(number: PhoneNumber, phone: str, name: str, message: dict) -> dict:
    return envelopes.envelope(
        number.phone_number_id,
        display_number=number.display_number,
        contacts=[envelopes.contact(wa_id=phone, user_id=f"ID.SIM{phone}", name=name)],
        messages=[message],
    )


def post_delivery(url: str, number: PhoneNumber, phone: str, name: str, message: dict) -> int:
    body = envelopes.body(delivery(number, phone, name, message))
    headers = envelopes.headers(settings.LOKET_WA_APP_SECRET, body)
    return httpx.post(url, content=body, headers=headers, timeout=30).status_code


def _received_by_graph(phone: str) -> set[str]:
    """Outbox ids the Graph API (the demo's fake) has received for this phone, if it can tell."""
    try:
        answer = httpx.get(f"{settings.LOKET_WA_GRAPH_URL}/_fake/messages", params={"to": phone}, timeout=2)
        sent = answer.json() if answer.status_code == 200 else []
    except (httpx.HTTPError, ValueError):
        return set()
    return {str(s.get("body", {}).get("biz_opaque_callback_data", "")) for s in sent}


def media(request: HttpRequest, direction: str, pk: int) -> HttpResponse:
    """An image of the chat (the resident's stored photo, or one we sent), for its thumbnail."""
    _demo_only()
    if direction == "in":
        message = get_object_or_404(InboundMessage, pk=pk, document__isnull=False)
        document = message.document
        assert document is not None  # the query asked for a message with a document
        stored, mime = document.file, document.mime_type
    else:
        outbound = get_object_or_404(OutboundMessage, pk=pk)
        stored, mime = outbound.document, ""
    if not stored:
        raise Http404("Berkas tidak ada.")
    with stored.open("rb") as fh:
        data = fh.read()
    kind = filetype.guess(data)
    mime = kind.mime if kind else mime
    if mime not in IMAGE_TYPES:
        raise Http404("Bukan gambar.")
    response = HttpResponse(data, content_type=mime)
    response["Cache-Control"] = "private, max-age=300"
    return response


def _interactive_view(interactive: dict | None) -> dict:
    """What the phone shows of our list or buttons: header, footer, the list's button and rows."""
    if not interactive:
        return {}
    action = interactive.get("action") or {}
    header = interactive.get("header") or {}
    view: dict = {
        "header": header.get("text", "") if header.get("type", "text") == "text" else "",
        "footer": (interactive.get("footer") or {}).get("text", ""),
        "body": (interactive.get("body") or {}).get("text", ""),
    }
    if interactive.get("type") == "button":
        view["buttons"] = [b.get("reply", {}) for b in action.get("buttons", [])]
    elif interactive.get("type") == "list":
        view["list_button"] = action.get("button", "")
        view["sections"] = [
            {"title": section.get("title", ""), "rows": section.get("rows", [])}
            for section in action.get("sections", [])
        ]
    return view


def _mine(message: InboundMessage) -> dict:
    item: dict = {"at": message.sent_at, "mine": True, "flags": message.flags, "media": message.media_state}
    payload = message.payload if isinstance(message.payload, dict) else {}
    if message.type == "interactive":
        body = payload.get("interactive") or {}
        reply = body.get(body.get("type", "")) or {}
        item["reply"] = {"title": reply.get("title", ""), "description": reply.get("description", "")}
        return item
    if message.type == "image" and message.document_id:
        item["image"] = reverse("whatsapp-simulator-media", args=["in", message.pk])
        caption = (payload.get("image") or {}).get("caption", "")
        item["html"] = formatting.render(caption)
        return item
    item["html"] = formatting.render(message.summary)
    return item


def _theirs(message: OutboundMessage, received: set[str]) -> dict:
    view = _interactive_view(message.interactive)
    text = view.pop("body", "") or message.text
    item: dict = {
        "at": message.created_at,
        "mine": False,
        "status": message.get_status_display(),
        "at_graph": any(str(message.pk) in r.split("=")[-1:] for r in received),
        **view,
    }
    if message.document:
        name = message.document_name or (message.document.name or "").rsplit("/", 1)[-1]
        if name.lower().endswith((".jpg", ".jpeg", ".png", ".webp")):
            item["image"] = reverse("whatsapp-simulator-media", args=["out", message.pk])
        else:
            item["file"] = name
    item["html"] = formatting.render(text)
    return item


def _chat_items(number: PhoneNumber | None, phone: str) -> list[dict]:
    if number is None:
        return []
    resident = Resident.objects.filter(channel_number=number.phone_number_id, wa_id=phone).first()
    if resident is None:
        return []
    received = _received_by_graph(phone)
    items = [_mine(m) for m in InboundMessage.objects.filter(resident=resident).order_by("sent_at", "pk")]
    items += [
        _theirs(o, received)
        for o in OutboundMessage.objects.filter(resident=resident).order_by("created_at", "pk")
    ]
    items.sort(key=lambda item: item["at"])
    return items
