"""The conversation of a case as the officer reads it: what the resident sent, what we sent.

One function, `conversation_for(case)`, so that inbound WhatsApp messages can join the
timeline in one place when the channel's models land.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from loket.cases.checklist import kind_label
from loket.channels.whatsapp.models import OutboundMessage

WINDOW = dt.timedelta(hours=24)


@dataclass
class Entry:
    at: dt.datetime
    inbound: bool  # True: from the resident
    text: str
    status: str = ""  # delivery status of our messages, as the officer reads it
    document_id: int | None = None
    kind: str = ""


def conversation_for(case) -> list[Entry]:
    entries = [Entry(case.created_at, True, case.raw_text or "(permohonan)", kind="request")]
    for doc in case.documents.all():
        caption = f" — “{doc.caption}”" if doc.caption else ""
        entries.append(
            Entry(
                doc.created_at,
                True,
                f"Berkas: {kind_label(doc.label) if doc.label else 'tanpa label'}{caption}",
                document_id=doc.pk,
                kind="document",
            )
        )
    outbound = OutboundMessage.objects.filter(
        Q(case=case) | Q(case__isnull=True, resident=case.resident, created_at__gte=case.created_at)
    )
    for message in outbound:
        text = message.text or message.document_name or message.template_name or "(pesan)"
        entries.append(
            Entry(message.created_at, False, text, status=message.get_status_display(), kind=message.kind)
        )
    return sorted(entries, key=lambda e: e.at)


@dataclass
class Window:
    open: bool
    closes_at: dt.datetime | None
    explanation: str


def reply_window(resident, now: dt.datetime | None = None) -> Window:
    """Whether WhatsApp lets us write freely (24 hours after the resident's last message)."""
    now = now or timezone.now()
    last = resident.last_inbound_at
    if last and now - last < WINDOW:
        return Window(True, last + WINDOW, "Jendela 24 jam terbuka: balasan langsung terkirim.")
    return Window(
        False,
        None,
        "Jendela 24 jam tertutup: WhatsApp hanya mengizinkan pesan templat. Balasan Anda disimpan "
        "dan ditahan sampai pemohon menulis lagi (atau dikirim sebagai templat bila tersedia).",
    )


def office_name() -> str:
    return settings.LOKET_OFFICE_NAME
