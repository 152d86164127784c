"""The conversation of a case as the officer reads it: what the resident sent, what we sent.

`conversation_for(case)` interleaves in time the resident's messages, as the channels
report them through `loket.messaging.port.timeline` (texts, files as links to the access-checked document views, any other type by its
summary, with its flags) and our outbound messages with their delivery status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from loket.cases.checklist import kind_label
from loket.messaging import port
from loket.messaging.port import Heard, Said, Window

# The request that opened the case was sent a moment before the case existed.
LOOKBACK = dt.timedelta(minutes=30)

FLAG_LABELS = {
    "unsupported": "jenis pesan belum didukung",
    "flood": "pesan beruntun",
    "handling_failed": "gagal diproses, dicoba lagi",
    "media_unavailable": "berkas gagal diunduh",
    "file_refused": "berkas ditolak: bukan foto/PDF yang sah, tidak dihitung",
    "file_too_large": "berkas ditolak: terlalu besar",
    "unknown_number": "nomor kantor tidak terdaftar",
    "no_sender": "pengirim tidak dikenal",
    "cleaned_text": "berisi karakter tak terbaca (diganti �)",
}


def flag_label(flag: str) -> str:
    if flag.startswith("errors:"):
        return f"galat WhatsApp ({flag.split(':', 1)[1]})"
    return FLAG_LABELS.get(flag, flag)


@dataclass
class Entry:
    at: dt.datetime
    inbound: bool  # True: from the resident
    text: str
    status: str = ""  # delivery status of our messages, as the officer reads it
    document_id: int | None = None
    kind: str = ""
    url: str = ""  # the access-checked view of the file, when there is one to open
    flags: list[str] = field(default_factory=list)


def document_url(document) -> str:
    """Where an officer opens a file: on its case page, or in the inbox while unfiled."""
    if not document.file:
        return ""
    if document.case_id:
        return reverse("console:document", args=[document.case_id, document.pk])
    return reverse("console:inbox_document", args=[document.pk])


def _document_text(document) -> str:
    label = kind_label(document.label) if document.label else "tanpa label"
    caption = document.caption
    text = f"Berkas: {label}" + (f" — “{caption}”" if caption else "")
    if not document.case_id:
        text += " (belum dicatat ke permohonan)"
    if document.status == document.Status.UNAVAILABLE:
        text += " (gagal diunduh)"
    elif not document.file:
        text += " (sedang diunduh)"
    return text


def _inbound_entry(message: Heard) -> Entry:
    flags = [flag_label(f) for f in message.flags]
    document = message.document
    if document is not None:
        return Entry(
            message.at,
            True,
            _document_text(document),
            document_id=document.pk,
            kind="document",
            url=document_url(document),
            flags=flags,
        )
    # Texts, choices, locations, stickers, unknown types ...: what the resident sent, summarised.
    return Entry(message.at, True, message.summary or f"[{message.type}]", kind=message.type, flags=flags)


def conversation_for(case) -> list[Entry]:
    """Every message between the resident and us since the case's request, oldest first."""
    since = case.created_at - LOOKBACK
    items = port.timeline(case, since)
    entries = [_inbound_entry(m) for m in items if isinstance(m, Heard)]
    shown = {e.document_id for e in entries if e.document_id}
    if not any(e.kind == "text" for e in entries):
        # Opened without a WhatsApp text (console, command line, older data): show the request.
        entries.append(Entry(case.created_at, True, case.raw_text or "(permohonan)", kind="request"))
    for doc in case.documents.exclude(pk__in=shown):
        entries.append(
            Entry(
                doc.created_at,
                True,
                _document_text(doc),
                document_id=doc.pk,
                kind="document",
                url=document_url(doc),
            )
        )
    for said in (m for m in items if isinstance(m, Said)):
        entries.append(Entry(said.at, False, said.text, status=said.status, kind=said.purpose))
    return sorted(entries, key=lambda e: e.at)


def reply_window(resident, now: dt.datetime | None = None) -> Window:
    """Whether the resident's channel lets us write freely now (its rules, its words)."""
    return port.reply_window(resident, now or timezone.now())


def office_name() -> str:
    return settings.LOKET_OFFICE_NAME
